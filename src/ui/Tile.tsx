import { Show, type JSX } from 'solid-js';
import { TileConnection } from './essentials/TileConnection';
import { VideoView } from './VideoView';

export interface TileProps {
  peerId: string;
  name: string;
  micOn: boolean;
  camOn: boolean;
  stream: MediaStream | null;
  local: boolean;
  status: string | null;
  problem: string | null;
  /** Encryption state of what this tile shows (remote tiles). */
  e2ee?: 'encrypted' | 'not-verified' | 'decrypt-errors' | 'off';
  onAudioBlocked?: () => void;
  /** Place in the raised-hands queue (1 = first), or null. */
  hand?: number | null;
  /** The dominant speaker right now. */
  speaking?: boolean;
  pinned?: boolean;
  onPin?: () => void;
  /** Local playback volume for this person, 0..1. */
  volume?: number;
  /** Speaker to play this person on (setSinkId); '' is the system default. */
  sinkId?: string;
  /** This person's connection (remote tiles): feeds the connection indicator. */
  pc?: RTCPeerConnection | undefined;
  /** Large rooms: the name of the person whose page forwards this one's media to us. */
  via?: string | null;
}

const E2EE_LABEL = {
  encrypted: { text: '🔒', label: 'End-to-end encrypted' },
  'not-verified': { text: '⚠️', label: 'Not verified' },
  'decrypt-errors': { text: '⛔', label: 'Decrypt errors' },
  off: { text: '🔓', label: 'Not encrypted' },
} as const;

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

/** One participant: video (or their initials when the camera is off), name and mic state. */
export function Tile(props: TileProps): JSX.Element {
  return (
    <figure class="tile" classList={{ local: props.local, problem: !!props.problem, speaking: !!props.speaking, pinned: !!props.pinned }} data-speaking={props.speaking ? 'true' : 'false'} data-peer-id={props.peerId} data-testid="tile" aria-label={`${props.name}${props.local ? ' (you)' : ''}`}>
      {/* The video element always exists for remote tiles so their audio keeps playing with the camera off. */}
      <Show when={props.stream && props.e2ee !== 'not-verified'}>
        <VideoView stream={props.stream} muted={props.local} mirrored={props.local} label={`Video of ${props.name}`} volume={props.volume ?? 1} {...(props.sinkId !== undefined ? { sinkId: props.sinkId } : {})} {...(props.onAudioBlocked ? { onBlocked: props.onAudioBlocked } : {})} />
      </Show>
      <Show when={!props.camOn}>
        <div class="avatar" aria-label="Camera off" role="img">
          <span>{initials(props.name)}</span>
        </div>
      </Show>
      <Show when={props.onPin}>
        {(pin) => (
          <button type="button" class="pin" aria-pressed={!!props.pinned} aria-label={props.pinned ? 'Unpin' : 'Pin'} onClick={() => pin()()}>
            📌
          </button>
        )}
      </Show>
      <figcaption>
        <Show when={props.pc} keyed>
          {(pc) => <TileConnection pc={pc} e2ee={props.e2ee} />}
        </Show>
        <Show when={props.hand}>
          {(place) => (
            <span class="badge hand" role="img" aria-label={`Hand raised (${place()})`} title={`Hand raised (${place()})`}>
              ✋{place()}
            </span>
          )}
        </Show>
        <Show when={props.speaking}>
          <span class="badge speaker" role="img" aria-label="Speaking" title="Speaking">
            🔊
          </span>
        </Show>
        <Show when={props.e2ee}>
          {(state) => (
            <span class={`badge e2ee ${state()}`} role="img" aria-label={E2EE_LABEL[state()].label} title={E2EE_LABEL[state()].label} data-e2ee={state()}>
              {E2EE_LABEL[state()].text}
            </span>
          )}
        </Show>
        <Show when={!props.micOn}>
          <span class="badge muted" role="img" aria-label="Microphone muted" title="Microphone muted">
            🔇
          </span>
        </Show>
        <span class="name">
          {props.name}
          {props.local ? ' (you)' : ''}
        </span>
        <Show when={props.status}>
          <span class="status">{props.status}</span>
        </Show>
        <Show when={props.via}>
          {(via) => (
            <span class="via" data-testid="tile-via" title={`Relay tree: ${via()}'s browser passes this on as the sender's encrypted frames, unchanged`}>
              via {via()}
            </span>
          )}
        </Show>
      </figcaption>
      <Show when={props.problem}>
        <p class="tile-problem" role="status">
          {props.problem}
        </p>
      </Show>
    </figure>
  );
}
