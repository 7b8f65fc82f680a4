/**
 * Link parameters of this layer, next to `src/room/room-link.ts` (which ignores unknown
 * parameters, so old clients still open new links):
 *
 *   host link   #/r/<roomId>/<secret>?host=<ed25519 seed>   the creator's; never shared
 *   guest link  #/r/<roomId>/<secret>                       as today
 *   passcode    …?pc=<check>                                the passcode's check value
 *   lobby link  #/l/<roomId>/<moderator public key>         no secret: knock to enter
 */
import { base64UrlToBytes, bytesToBase64Url } from '../e2ee/bytes';
import { formatRoomHash, ROOM_ID_BYTES } from '../room/room-link';
import type { HostKey } from './host-key';
import { hostKeyFromParam, hostKeyToParam, parsePublicKey, verifyModeratorKey } from './host-key';

export function formatHostHash(roomId: string, secret: string, hostKey: HostKey): string {
  return `${formatRoomHash(roomId, secret)}?host=${hostKeyToParam(hostKey)}`;
}

/** The host key from a room link's query, or null (absent, or for another room). */
export function readHostKey(query: string, roomId: string): HostKey | null {
  const param = new URLSearchParams(query).get('host');
  if (param === null) return null;
  try {
    return hostKeyFromParam(param, roomId);
  } catch {
    return null;
  }
}

/** The passcode check value from a room link's query, or null. */
export function readPasscodeCheck(query: string): string | null {
  const check = new URLSearchParams(query).get('pc');
  return check !== null && /^[A-Za-z0-9_-]{16}$/.test(check) ? check : null;
}

export function formatLobbyHash(roomId: string, moderatorKey: Uint8Array): string {
  return `#/l/${roomId}/${bytesToBase64Url(moderatorKey)}`;
}

export interface LobbyLink {
  roomId: string;
  moderatorKey: Uint8Array;
}

/** A lobby link, or null when the fragment is not one (or its key is not the room's). */
export function parseLobbyHash(hash: string): LobbyLink | null {
  const h = (hash.startsWith('#') ? hash.slice(1) : hash).split('?')[0] ?? '';
  const parts = h.split('/').filter((p) => p !== '');
  if (parts.length !== 3 || parts[0] !== 'l') return null;
  const [, roomId = '', keyText = ''] = parts;
  const roomBytes = base64UrlToBytes(roomId);
  const moderatorKey = parsePublicKey(keyText);
  if (!roomBytes || roomBytes.length !== ROOM_ID_BYTES || !moderatorKey) return null;
  return verifyModeratorKey(roomId, moderatorKey) ? { roomId, moderatorKey } : null;
}
