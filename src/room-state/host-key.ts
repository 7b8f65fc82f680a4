/**
 * Hosted rooms: the creator holds an Ed25519 key pair; the room id is a hash of its public
 * key, so any member can check a claimed moderator key against the id in their link with
 * no extra link parameter:
 *
 *   roomId = base64url(SHA-256("lunar room id v1" ‖ publicKey)[0..16])
 *
 * The host link carries the private key in the fragment (`host=`); the guest link does not.
 * The moderators' X25519 key (lobby knocks are sealed to it) is the Montgomery form of the
 * same key, so it needs no publishing either.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64UrlToBytes, bytesToBase64Url, concatBytes, equalBytes, utf8 } from '../e2ee/bytes';
import type { X25519KeyPair } from '../e2ee/key-seal';
import { randomBytes, toBase64Url } from '../util/base64url';
import { ROOM_ID_BYTES, ROOM_SECRET_BYTES } from '../room/room-link';
import { RoomStateError } from './room-state-error';

export interface HostKey {
  /** 32-byte Ed25519 seed: what the host link carries. */
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export interface HostedRoom {
  roomId: string;
  secret: string;
  hostKey: HostKey;
}

const ROOM_ID_DOMAIN = utf8('lunar room id v1');

export function deriveRoomId(moderatorPublicKey: Uint8Array): string {
  return bytesToBase64Url(sha256(concatBytes(ROOM_ID_DOMAIN, moderatorPublicKey)).subarray(0, ROOM_ID_BYTES));
}

export function createHostedRoom(): HostedRoom {
  const { secretKey, publicKey } = ed25519.keygen();
  return { roomId: deriveRoomId(publicKey), secret: toBase64Url(randomBytes(ROOM_SECRET_BYTES)), hostKey: { secretKey, publicKey } };
}

/** Whether `publicKey` is this room's moderator key (constant time: cheap anyway, and habit). */
export function verifyModeratorKey(roomId: string, publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  return equalBytes(utf8(deriveRoomId(publicKey)), utf8(roomId));
}

export function hostKeyToParam(hostKey: HostKey): string {
  return bytesToBase64Url(hostKey.secretKey);
}

/** The host key from a link's `host=` value; throws unless it belongs to `roomId`. */
export function hostKeyFromParam(param: string, roomId: string): HostKey {
  const secretKey = base64UrlToBytes(param);
  if (!secretKey || secretKey.length !== 32) throw new RoomStateError('invalid-key', 'host key must be 32 bytes of base64url');
  const publicKey = ed25519.getPublicKey(secretKey);
  if (!verifyModeratorKey(roomId, publicKey)) throw new RoomStateError('wrong-moderator-key', 'this host key is for another room');
  return { secretKey, publicKey };
}

export function parsePublicKey(text: unknown): Uint8Array | null {
  if (typeof text !== 'string') return null;
  const bytes = base64UrlToBytes(text);
  return bytes && bytes.length === 32 ? bytes : null;
}

/** The moderators' X25519 public key (lobby knocks are sealed to it). */
export function moderatorX25519Public(moderatorPublicKey: Uint8Array): Uint8Array {
  try {
    return ed25519.utils.toMontgomery(moderatorPublicKey);
  } catch (cause) {
    throw new RoomStateError('invalid-key', 'not an Ed25519 public key', { cause });
  }
}

export function hostX25519KeyPair(hostKey: HostKey): X25519KeyPair {
  return { secretKey: ed25519.utils.toMontgomerySecret(hostKey.secretKey), publicKey: ed25519.utils.toMontgomery(hostKey.publicKey) };
}
