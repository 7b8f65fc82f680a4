import type { JSX } from 'solid-js';
import type { CallEngine } from '../call/call-engine';
import type { LocalMedia } from '../call/local-media';
import type { RoomDocConnection } from '../room-state/room-doc-provider';
import type { RoomLink } from '../room/room-link';
import { CallView } from './CallView';
import type { HostKey } from '../room-state/host-key';
import { formatLobbyHash } from '../room-state/room-links';
import { createLobbyDesk } from './create-lobby-desk';
import { createModeration } from './create-moderation';
import { createRoomState } from './create-room-state';
import { createCallRecording } from './essentials/create-call-recording';

/** The call with its shared room state: the store lives exactly as long as the view. */
export function CallRoom(props: {
  engine: CallEngine;
  conn: RoomDocConnection;
  media: LocalMedia;
  link: RoomLink;
  hostKey: HostKey | null;
  /** The secret in use (the passcode's effective secret in a passcode room): admitted guests get it. */
  secret: string;
  relayBase: string;
  jwt?: string;
  onLeave: () => void;
  onRemoved: () => void;
  onLocked: () => void;
}): JSX.Element {
  const room = createRoomState({ conn: props.conn, engine: props.engine, media: props.media });
  const moderation = createModeration({ conn: props.conn, engine: props.engine, media: props.media, roomId: props.link.roomId, hostKey: props.hostKey, onRemoved: props.onRemoved, onLocked: props.onLocked });
  const recording = createCallRecording({ conn: props.conn, engine: props.engine, media: props.media });
  const hostKey = props.hostKey;
  const lobby = hostKey
    ? createLobbyDesk({ relayBase: props.relayBase, roomId: props.link.roomId, hostKey, secret: props.secret, ...(props.jwt ? { jwt: props.jwt } : {}) })
    : null;
  return (
    <CallView
      engine={props.engine}
      media={props.media}
      link={props.link}
      room={room}
      moderation={moderation}
      {...(lobby && hostKey ? { lobby, lobbyHash: formatLobbyHash(props.link.roomId, hostKey.publicKey) } : {})}
      recording={recording}
      onLeave={props.onLeave}
    />
  );
}
