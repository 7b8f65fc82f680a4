/**
 * What the doc provider needs from the link and the runtime config, as pure functions:
 * the relay's y-webrtc route, and the provider password. The password encrypts y-webrtc's
 * signalling payloads, so the relay, which forwards them, cannot read SDP or doc traffic.
 */
import { bytesToBase64Url } from '../e2ee/bytes';
import { deriveRoomKey, deriveSubKey } from '../e2ee/room-keys';
import { RoomStateError } from './room-state-error';

/** `ws(s)://<relay>/yjs` from the configured relay URL (null: the page's own origin). */
export function docSignalingUrl(relayUrl: string | null, pageOrigin: string): string {
  let url: URL;
  try {
    url = new URL(relayUrl ?? pageOrigin);
  } catch (cause) {
    throw new RoomStateError('invalid-input', 'relay URL is not a URL', { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new RoomStateError('invalid-input', 'relay URL must be http(s) or ws(s)');
  }
  const protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  const path = url.pathname.replace(/\/+$/, '');
  return `${protocol}//${url.host}${path}/yjs`;
}

/** The y-webrtc `password`: a sub-key of the room key, never the link secret itself. */
export function docPassword(secret: string): string {
  return bytesToBase64Url(deriveSubKey(deriveRoomKey(secret), 'yjs doc password'));
}
