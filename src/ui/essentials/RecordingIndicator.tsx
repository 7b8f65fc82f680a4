import { For, Show, type JSX } from 'solid-js';
import type { Presence } from '../../room-state/presence';
import './essentials.css';

export interface RecordingIndicatorProps {
  /** Others' validated presences by peer id. */
  presence: Record<string, Presence>;
  /**
   * Is this peer in the call now? In a large room a presence outlives its page by up to a
   * timeout (src/room-state/presence-clock.ts: 150 s at 256): a page that crashed while
   * recording must not go on "recording".
   */
  listed: (peerId: string) => boolean;
  /** Are we recording? */
  self: boolean;
  /** The name the call shows for a peer (the verified one when there is a connection). */
  nameOf: (peerId: string) => string;
}

/** "<name> is recording", one line per person recording, on every page in the call. */
export function RecordingIndicator(props: RecordingIndicatorProps): JSX.Element {
  const recorders = () =>
    Object.values(props.presence)
      .filter((p) => p.recording === true && props.listed(p.peerId))
      .map((p) => p.peerId);
  return (
    <Show when={props.self || recorders().length > 0}>
      <div class="banner recording-indicator" role="status">
        <Show when={props.self}>
          <span class="recording-line">
            <span class="rec-dot" aria-hidden="true" />
            You are recording
          </span>
        </Show>
        <For each={recorders()}>
          {(peerId) => (
            <span class="recording-line">
              <span class="rec-dot" aria-hidden="true" />
              {props.nameOf(peerId)} is recording
            </span>
          )}
        </For>
      </div>
    </Show>
  );
}
