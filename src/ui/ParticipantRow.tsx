import { Show, type JSX } from 'solid-js';

export interface PanelEntry {
  peerId: string;
  name: string;
  micOn: boolean;
  camOn: boolean;
  local: boolean;
  /** Place in the raised-hands queue, or null. */
  hand: number | null;
}

export interface ParticipantRowActions {
  /** Moderators only: signed actions every client verifies. */
  onMute?: (peerId: string) => void;
  onRemove?: (peerId: string) => void;
  /** Local volume per person (this browser only). */
  volumeOf?: (peerId: string) => number;
  onVolume?: (peerId: string, volume: number) => void;
}

/**
 * One person in the participants panel. Always `height` px tall, whatever it holds: the
 * virtualised list places rows by arithmetic (see virtual-window.ts), so a row that grew would
 * push every row below it away from where the list thinks it is.
 */
export function ParticipantRow(props: ParticipantRowActions & { entry: PanelEntry; position: number; setSize: number; height: number }): JSX.Element {
  const e = () => props.entry;
  return (
    <li class="person" data-peer-id={e().peerId} aria-posinset={props.position} aria-setsize={props.setSize} style={{ height: `${props.height}px` }}>
      <span class="name" title={e().name}>
        <Show when={e().hand}>{(place) => <span role="img" aria-label={`Hand raised (${place()})`}>✋{place()} </span>}</Show>
        {e().name}
        {e().local ? ' (you)' : ''}
      </span>
      <span class="icons">
        <span aria-label={e().micOn ? 'Microphone on' : 'Microphone muted'} role="img">
          {e().micOn ? '🎙️' : '🔇'}
        </span>
        <span aria-label={e().camOn ? 'Camera on' : 'Camera off'} role="img">
          {e().camOn ? '📷' : '🚫'}
        </span>
      </span>
      <Show when={!e().local && (props.onVolume || props.onMute || props.onRemove)}>
        <span class="person-controls">
          <Show when={props.onVolume}>
            {(setVolume) => (
              <input
                type="range"
                min="0"
                max="100"
                aria-label={`Volume of ${e().name}`}
                value={Math.round((props.volumeOf?.(e().peerId) ?? 1) * 100)}
                onInput={(ev) => setVolume()(e().peerId, Number(ev.currentTarget.value) / 100)}
              />
            )}
          </Show>
          <Show when={props.onMute}>
            {(mute) => (
              <button type="button" class="small" onClick={() => mute()(e().peerId)}>
                Mute
              </button>
            )}
          </Show>
          <Show when={props.onRemove}>
            {(remove) => (
              <button type="button" class="small danger" onClick={() => remove()(e().peerId)}>
                Remove
              </button>
            )}
          </Show>
        </span>
      </Show>
    </li>
  );
}
