import { For, Show, createMemo, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import type { RoomStateActions, RoomStateView } from './create-room-state';
import { ChatText } from './ChatText';

interface Row {
  key: string;
  name: string;
  text: string;
  at: number;
  mine: boolean;
  /** Set for private messages: with whom. */
  privateWith: string | null;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Group chat and private messages; private ones travel only between the two people. */
export function ChatPanel(props: {
  state: RoomStateView;
  actions: RoomStateActions;
  myId: string;
  people: { peerId: string; name: string }[];
  onClose: () => void;
}): JSX.Element {
  const [draft, setDraft] = createSignal('');
  const [to, setTo] = createSignal('');
  let list: HTMLOListElement | undefined;
  const nameOf = (peerId: string) => props.people.find((p) => p.peerId === peerId)?.name ?? 'Someone who left';

  const rows = createMemo<Row[]>(() => {
    const out: Row[] = props.state.chat.map((m) => ({ key: m.id, name: m.name, text: m.text, at: m.at, mine: m.from === props.myId, privateWith: null }));
    for (const [peerId, messages] of Object.entries(props.state.dms)) {
      for (const m of messages) {
        out.push({ key: `dm:${peerId}:${m.id}`, name: m.direction === 'out' ? 'You' : nameOf(peerId), text: m.text, at: m.at, mine: m.direction === 'out', privateWith: nameOf(peerId) });
      }
    }
    // Group chat keeps the doc's order; private messages slot in by time.
    return out.sort((a, b) => a.at - b.at);
  });

  onMount(() => props.actions.setChatOpen(true));
  onCleanup(() => props.actions.setChatOpen(false));

  const send = (e: SubmitEvent) => {
    e.preventDefault();
    const text = draft().trim();
    if (!text) return;
    if (to()) {
      if (props.actions.sendDirect(to(), text)) setDraft('');
      props.actions.markDirectRead(to());
    } else {
      props.actions.sendChat(text);
      if (!props.state.error) setDraft('');
    }
    queueMicrotask(() => list?.lastElementChild?.scrollIntoView({ block: 'end' }));
  };

  return (
    <aside class="panel chat" aria-label="Chat panel">
      <header>
        <h2>Chat</h2>
        <button type="button" aria-label="Close chat" onClick={() => props.onClose()}>
          ✕
        </button>
      </header>
      <ol class="messages" ref={list} aria-live="polite" aria-label="Messages">
        <For each={rows()}>
          {(row) => (
            <li classList={{ mine: row.mine, private: row.privateWith !== null }} data-testid="chat-message">
              <div class="meta">
                <span class="from">{row.name}</span>
                <Show when={row.privateWith}>
                  {(who) => <span class="private-tag">{row.mine ? ` (private to ${who()})` : ' (private)'}</span>}
                </Show>
                <time dateTime={new Date(row.at).toISOString()}>{timeFormat.format(row.at)}</time>
              </div>
              <p class="text">
                <ChatText text={row.text} />
              </p>
            </li>
          )}
        </For>
      </ol>
      <form class="chat-form" onSubmit={send}>
        <label>
          Send to
          <select value={to()} onChange={(e) => setTo(e.currentTarget.value)}>
            <option value="">Everyone</option>
            <For each={props.people}>{(p) => <option value={p.peerId}>{p.name} (private)</option>}</For>
          </select>
        </label>
        <textarea aria-label="Message" rows={2} maxLength={2000} value={draft()} onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <button type="submit" class="primary">
          Send
        </button>
      </form>
    </aside>
  );
}
