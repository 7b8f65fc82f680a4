import { For, Show, createMemo, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { ParticipantRow, type PanelEntry, type ParticipantRowActions } from './ParticipantRow';
import { filterPeople } from './filter-people';
import { orderPeople } from './order-people';
import { virtualWindow } from './virtual-window';
import './participants-panel.css';

export type { PanelEntry } from './ParticipantRow';

export interface ParticipantsPanelProps extends ParticipantRowActions {
  entries: PanelEntry[];
  onClose: () => void;
  onRename?: (name: string) => void;
  myName?: string;
}

/** Two lines per row (name and icons; volume and moderator buttons), in rem so it follows the user's font size. */
const ROW_REM = 3.75;
/**
 * Rows rendered beyond each edge of the visible ones. Tab moves focus to the next control in
 * the DOM and only then does the browser scroll it into view, so the next rows must already be
 * there; six rows is more than one Tab can skip, and covers a frame of fast scrolling.
 */
const OVERSCAN = 6;
/** Until the list is measured, assume it is tall, so the first frame is never short of rows. */
const UNMEASURED_HEIGHT = 800;

/**
 * The people in the call, for rooms of up to 1,000: a search box and a virtualised list (only
 * the rows in view plus a few either side are in the DOM; the list keeps its full height, so the
 * scrollbar is right). Rows are keyed by peer id, so a row and the control focused in it survive
 * the constant updates of a large room (mics, hands, renames) for as long as it stays in view.
 */
export function ParticipantsPanel(props: ParticipantsPanelProps): JSX.Element {
  const [name, setName] = createSignal(props.myName ?? '');
  const [query, setQuery] = createSignal('');
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(UNMEASURED_HEIGHT);
  const [rowPx, setRowPx] = createSignal(ROW_REM * 16);
  let scroller!: HTMLDivElement;

  const shown = createMemo(() => filterPeople(orderPeople(props.entries), query()));
  const byId = createMemo(() => new Map(shown().map((entry, index) => [entry.peerId, { entry, index }])));
  const win = createMemo(() => virtualWindow({ scrollTop: scrollTop(), viewportHeight: viewport(), rowHeight: rowPx(), count: shown().length, overscan: OVERSCAN }));
  const visibleIds = createMemo(() => shown().slice(win().start, win().end).map((e) => e.peerId));

  const measure = () => {
    setRowPx(ROW_REM * parseFloat(getComputedStyle(document.documentElement).fontSize));
    setViewport(scroller.clientHeight);
    setScrollTop(scroller.scrollTop);
  };
  onMount(() => {
    measure();
    // The panel's height follows the window; its width (18rem) follows the font size, and with it the rows.
    const resize = new ResizeObserver(measure);
    resize.observe(scroller);
    onCleanup(() => resize.disconnect());
  });

  const search = (q: string) => {
    setQuery(q);
    // New results start at their top, not wherever the old list was scrolled to.
    scroller.scrollTop = 0;
    setScrollTop(0);
  };

  return (
    <aside class="panel people" aria-label="Participants list">
      <header>
        <h2>People ({props.entries.length})</h2>
        <button type="button" aria-label="Close participants" onClick={() => props.onClose()}>
          ✕
        </button>
      </header>
      <Show when={props.onRename}>
        {(rename) => (
          <form
            class="rename"
            onSubmit={(e) => {
              e.preventDefault();
              if (name().trim()) rename()(name());
            }}
          >
            <input aria-label="Your name" maxLength={64} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
            <button type="submit">Change name</button>
          </form>
        )}
      </Show>
      <input type="search" class="people-search" aria-label="Search participants" placeholder="Search" autocomplete="off" spellcheck={false} maxLength={64} value={query()} onInput={(e) => search(e.currentTarget.value)} />
      {/* Always present, so screen readers hear it when it fills. */}
      <p class="people-empty" role="status">
        {shown().length === 0 && query().trim() !== '' ? 'No one matches' : ''}
      </p>
      <div ref={scroller} class="people-scroll" onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        {/* Full height with the skipped rows' space as padding: the scrollbar measures the whole list. */}
        <ul role="list" style={{ height: `${win().total}px`, 'padding-top': `${win().offset}px` }}>
          <For each={visibleIds()}>
            {(id) => (
              <Show when={byId().get(id)}>
                {(row) => (
                  <ParticipantRow
                    entry={row().entry}
                    position={row().index + 1}
                    setSize={shown().length}
                    height={rowPx()}
                    volumeOf={props.volumeOf}
                    onVolume={props.onVolume}
                    onMute={props.onMute}
                    onRemove={props.onRemove}
                  />
                )}
              </Show>
            )}
          </For>
        </ul>
      </div>
    </aside>
  );
}
