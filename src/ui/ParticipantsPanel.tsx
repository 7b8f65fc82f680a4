import { For, type JSX } from 'solid-js';

export interface PanelEntry {
  peerId: string;
  name: string;
  micOn: boolean;
  camOn: boolean;
  local: boolean;
}

export function ParticipantsPanel(props: { entries: PanelEntry[]; onClose: () => void }): JSX.Element {
  return (
    <aside class="panel" aria-label="Participants list">
      <header>
        <h2>People ({props.entries.length})</h2>
        <button type="button" aria-label="Close participants" onClick={() => props.onClose()}>
          ✕
        </button>
      </header>
      <ul>
        <For each={props.entries}>
          {(e) => (
            <li data-peer-id={e.peerId}>
              <span class="name">
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
              </span>
            </li>
          )}
        </For>
      </ul>
    </aside>
  );
}
