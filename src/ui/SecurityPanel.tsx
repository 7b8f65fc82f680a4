import { For, Show, type JSX } from 'solid-js';

const STATE_TEXT = {
  encrypted: 'encrypted, verified',
  'not-verified': 'NOT verified: receives nothing from you',
  'decrypt-errors': 'decrypt errors: frames rejected',
  off: 'not encrypted',
} as const;

/** The call's encryption state, the safety words to compare aloud, and each person's state. */
export function SecurityPanel(props: {
  encrypted: boolean;
  epoch: number;
  words: string[];
  people: { name: string; e2ee: keyof typeof STATE_TEXT }[];
  onClose: () => void;
}): JSX.Element {
  return (
    <aside class="panel" aria-label="Encryption details">
      <header>
        <h2>{props.encrypted ? 'End-to-end encrypted' : 'Not end-to-end encrypted'}</h2>
        <button type="button" aria-label="Close encryption details" onClick={() => props.onClose()}>
          ✕
        </button>
      </header>
      <Show when={props.encrypted} fallback={<p>This relay has turned encryption off (debug mode). Don't share anything private.</p>}>
        <p>Media is encrypted in your browser with a key from the link; the server and relays can't see or hear it. Key epoch {props.epoch}.</p>
        <Show when={props.words.length > 0} fallback={<p>Safety words appear when someone joins.</p>}>
          <p>Compare these words aloud. If everyone sees the same words, no one is listening in:</p>
          <p class="safety-words" aria-label="Safety words">
            {props.words.join(' ')}
          </p>
        </Show>
      </Show>
      <ul>
        <For each={props.people}>
          {(p) => (
            <li>
              <span class="name">{p.name}</span>
              <span class="state">{STATE_TEXT[p.e2ee]}</span>
            </li>
          )}
        </For>
      </ul>
    </aside>
  );
}
