import type { JSX } from 'solid-js';
import { VideoView } from '../VideoView';
import './media-controls.css';

/** Someone's screen share: a tile of its own, named after the presenter; plays its tab/system audio too. */
export function ScreenTile(props: { peerId: string; name: string; stream: MediaStream; sinkId?: string; volume?: number; onAudioBlocked?: () => void; pinned?: boolean; onPin?: () => void }): JSX.Element {
  const label = () => `${props.name}'s screen`;
  return (
    <figure class="tile screen" classList={{ pinned: !!props.pinned }} data-testid="screen-tile" data-peer-id={props.peerId} aria-label={label()}>
      <VideoView stream={props.stream} muted={false} label={`Video of ${label()}`} volume={props.volume ?? 1} {...(props.sinkId !== undefined ? { sinkId: props.sinkId } : {})} {...(props.onAudioBlocked ? { onBlocked: props.onAudioBlocked } : {})} />
      {props.onPin && (
        <button type="button" class="pin" aria-pressed={!!props.pinned} aria-label={props.pinned ? 'Unpin' : 'Pin'} onClick={() => props.onPin?.()}>
          📌
        </button>
      )}
      <figcaption>
        <span class="name">{label()}</span>
      </figcaption>
    </figure>
  );
}
