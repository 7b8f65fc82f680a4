import { For, Show, createSignal, type JSX } from 'solid-js';

export interface PanelEntry {
  peerId: string;
  name: string;
  micOn: boolean;
  camOn: boolean;
  local: boolean;
  /** Place in the raised-hands queue, or null. */
  hand: number | null;
}

export function ParticipantsPanel(props: {
  entries: PanelEntry[];
  onClose: () => void;
  onRename?: (name: string) => void;
  myName?: string;
  /** Moderators only: signed actions every client verifies. */
  onMute?: (peerId: string) => void;
  onRemove?: (peerId: string) => void;
  /** Local volume per person (this browser only). */
  volumeOf?: (peerId: string) => number;
  onVolume?: (peerId: string, volume: number) => void;
}): JSX.Element {
  const [name, setName] = createSignal(props.myName ?? '');
  // Raised hands first, in the order they went up; then everyone else as they joined.
  const ordered = () => [...props.entries].sort((a, b) => (a.hand ?? Infinity) - (b.hand ?? Infinity));
  return (
    <aside class="panel" aria-label="Participants list">
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
      <ul>
        <For each={ordered()}>
          {(e) => (
            <li data-peer-id={e.peerId}>
              <span class="name">
                <Show when={e.hand}>{(place) => <span role="img" aria-label={`Hand raised (${place()})`}>✋{place()} </span>}</Show>
                {e.name}
                {e.local ? ' (you)' : ''}
              </span>
              <span class="icons">
                <span aria-label={e.micOn ? 'Microphone on' : 'Microphone muted'} role="img">
                  {e.micOn ? '🎙️' : '🔇'}
                </span>
                <span aria-label={e.camOn ? 'Camera on' : 'Camera off'} role="img">
                  {e.camOn ? '📷' : '🚫'}
                </span>
                <Show when={!e.local && props.onVolume}>
                  {(setVolume) => (
                    <input
                      type="range"
                      min="0"
                      max="100"
                      aria-label={`Volume of ${e.name}`}
                      value={Math.round((props.volumeOf?.(e.peerId) ?? 1) * 100)}
                      onInput={(ev) => setVolume()(e.peerId, Number(ev.currentTarget.value) / 100)}
                    />
                  )}
                </Show>
                <Show when={!e.local && props.onMute}>
                  {(mute) => (
                    <button type="button" class="small" onClick={() => mute()(e.peerId)}>
                      Mute
                    </button>
                  )}
                </Show>
                <Show when={!e.local && props.onRemove}>
                  {(remove) => (
                    <button type="button" class="small danger" onClick={() => remove()(e.peerId)}>
                      Remove
                    </button>
                  )}
                </Show>
              </span>
            </li>
          )}
        </For>
      </ul>
    </aside>
  );
}
