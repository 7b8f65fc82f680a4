/**
 * The lobby: a guest whose link lacks the room secret asks to be let in.
 *
 *   guest  ── knock {knockId, guestKey, sealed(name → moderators' X25519 key)} ──▶ lobby topic
 *   host   ── admit {knockId, sealed(secret → guestKey), sig} | deny {knockId, sig} ──▶ lobby topic
 *
 * The guest link carries the room id and the moderator public key; the guest checks that
 * the key hashes to the room id, and that every answer is signed by it (nobody else can
 * admit or deny). The guest key is one-time, so an admit is useless to anyone else. The
 * relay carries the topic (a hash of the room id) and sees ciphertext of fixed sizes:
 * names and secrets are padded before sealing.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { base64UrlToBytes, bytesToBase64Url, encodeParts, utf8 } from '../e2ee/bytes';
import type { X25519KeyPair } from '../e2ee/key-seal';
import { generateX25519KeyPair, openSealed, sealToPeer } from '../e2ee/key-seal';
import { sanitizeDisplayName } from '../room/room-link';
import { isRecord, isToken, newId } from './doc-values';
import type { HostKey } from './host-key';
import { hostX25519KeyPair, moderatorX25519Public, verifyModeratorKey } from './host-key';
import { ROOM_LIMITS } from './room-limits';
import { RoomStateError } from './room-state-error';

export const LOBBY_VERSION = 1;
/** Sealed plaintexts are padded to these sizes so ciphertext lengths say nothing. */
const NAME_PAD_BYTES = 256;
const SECRET_PAD_BYTES = 128;

export interface Knock {
  type: 'knock';
  v: typeof LOBBY_VERSION;
  knockId: string;
  /** The guest's one-time X25519 public key. */
  guestKey: string;
  /** The display name, sealed to the moderators. */
  sealed: string;
}

export interface Admit {
  type: 'admit';
  v: typeof LOBBY_VERSION;
  knockId: string;
  /** The room secret, sealed to `guestKey`. */
  sealed: string;
  sig: string;
}

export interface Deny {
  type: 'deny';
  v: typeof LOBBY_VERSION;
  knockId: string;
  sig: string;
}

export type LobbyMessage = Knock | Admit | Deny;
export type LobbyAnswer = Admit | Deny;

/** What a guest keeps while waiting. Never leaves the guest's browser. */
export interface PendingKnock {
  roomId: string;
  moderatorKey: Uint8Array;
  knockId: string;
  guestKeys: X25519KeyPair;
}

export interface OpenedKnock {
  knockId: string;
  name: string;
  guestKey: Uint8Array;
}

export type AnswerOutcome = { kind: 'admitted'; secret: string } | { kind: 'denied' };

const SEALED_MAX_CHARS = 1024;

/** Validates a message from the lobby topic (any client, or the relay, may have sent it). */
export function parseLobbyMessage(v: unknown): LobbyMessage {
  const fail = (why: string) => new RoomStateError('invalid-message', `lobby message: ${why}`);
  if (!isRecord(v) || v.v !== LOBBY_VERSION) throw fail('not a lobby message');
  const { knockId } = v;
  if (!isToken(knockId, ROOM_LIMITS.idChars)) throw fail('bad knock id');
  const token = (x: unknown, max: number): x is string => isToken(x, max);
  switch (v.type) {
    case 'knock':
      if (!token(v.guestKey, 64) || !token(v.sealed, SEALED_MAX_CHARS)) throw fail('bad knock');
      return { type: 'knock', v: LOBBY_VERSION, knockId, guestKey: v.guestKey, sealed: v.sealed };
    case 'admit':
      if (!token(v.sealed, SEALED_MAX_CHARS) || !token(v.sig, 128)) throw fail('bad admit');
      return { type: 'admit', v: LOBBY_VERSION, knockId, sealed: v.sealed, sig: v.sig };
    case 'deny':
      if (!token(v.sig, 128)) throw fail('bad deny');
      return { type: 'deny', v: LOBBY_VERSION, knockId, sig: v.sig };
    default:
      throw fail('unknown type');
  }
}

/** The pub/sub topic of a room's lobby: the relay learns only this hash. */
export async function lobbyTopic(roomId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`lunar/v1/lobby/${roomId}`)));
  return bytesToBase64Url(digest);
}

const knockContext = (roomId: string, knockId: string, guestKey: Uint8Array) =>
  encodeParts(utf8('lunar lobby knock v1'), utf8(roomId), utf8(knockId), guestKey);
const admitContext = (roomId: string, knockId: string, guestKey: Uint8Array) =>
  encodeParts(utf8('lunar lobby admit v1'), utf8(roomId), utf8(knockId), guestKey);
const answerBytes = (roomId: string, type: LobbyAnswer['type'], knockId: string, guestKey: Uint8Array, sealed: string) =>
  encodeParts(utf8('lunar lobby answer v1'), utf8(roomId), utf8(type), utf8(knockId), guestKey, utf8(sealed));

function pad(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length > size - 2) throw new RoomStateError('invalid-input', 'too long to seal');
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint16(0, bytes.length);
  out.set(bytes, 2);
  return out;
}

function unpad(padded: Uint8Array): Uint8Array {
  if (padded.length < 2) throw new RoomStateError('lobby-auth-failed', 'sealed payload too short');
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint16(0);
  if (length > padded.length - 2) throw new RoomStateError('lobby-auth-failed', 'sealed payload length is wrong');
  return padded.subarray(2, 2 + length);
}

function decode(text: string, what: string): Uint8Array {
  const bytes = base64UrlToBytes(text);
  if (!bytes) throw new RoomStateError('invalid-message', `${what} is not base64url`);
  return bytes;
}

/** Guest: a knock to publish, and the state to keep until the answer arrives. */
export async function createKnock(roomId: string, moderatorKey: Uint8Array, displayName: string): Promise<{ knock: Knock; pending: PendingKnock }> {
  if (!verifyModeratorKey(roomId, moderatorKey)) throw new RoomStateError('wrong-moderator-key', 'this link’s moderator key does not match its room');
  const name = sanitizeDisplayName(displayName);
  if (!name) throw new RoomStateError('invalid-input', 'a display name is needed to knock');
  const knockId = newId();
  const guestKeys = await generateX25519KeyPair();
  const sealed = await sealToPeer(pad(utf8(name), NAME_PAD_BYTES), moderatorX25519Public(moderatorKey), knockContext(roomId, knockId, guestKeys.publicKey));
  return {
    knock: { type: 'knock', v: LOBBY_VERSION, knockId, guestKey: bytesToBase64Url(guestKeys.publicKey), sealed: bytesToBase64Url(sealed) },
    pending: { roomId, moderatorKey, knockId, guestKeys },
  };
}

/** Moderator: who is knocking. Throws `lobby-auth-failed` for a knock not sealed to us. */
export async function openKnock(roomId: string, hostKey: HostKey, knock: Knock): Promise<OpenedKnock> {
  const guestKey = decode(knock.guestKey, 'guest key');
  if (guestKey.length !== 32) throw new RoomStateError('invalid-message', 'guest key must be 32 bytes');
  let padded: Uint8Array;
  try {
    padded = await openSealed(decode(knock.sealed, 'knock'), hostX25519KeyPair(hostKey), knockContext(roomId, knock.knockId, guestKey));
  } catch (cause) {
    throw new RoomStateError('lobby-auth-failed', 'knock does not open with this room’s key', { cause });
  }
  let name: string;
  try {
    name = sanitizeDisplayName(new TextDecoder('utf-8', { fatal: true }).decode(unpad(padded)));
  } catch (cause) {
    throw new RoomStateError('lobby-auth-failed', 'knock name is not text', { cause });
  }
  if (!name) throw new RoomStateError('lobby-auth-failed', 'knock has no name');
  return { knockId: knock.knockId, name, guestKey };
}

/** Moderator: let the guest in by sealing the room secret to its one-time key. */
export async function admitGuest(roomId: string, hostKey: HostKey, knock: OpenedKnock, secret: string): Promise<Admit> {
  const secretBytes = utf8(secret);
  const sealed = bytesToBase64Url(await sealToPeer(pad(secretBytes, SECRET_PAD_BYTES), knock.guestKey, admitContext(roomId, knock.knockId, knock.guestKey)));
  const sig = ed25519.sign(answerBytes(roomId, 'admit', knock.knockId, knock.guestKey, sealed), hostKey.secretKey);
  return { type: 'admit', v: LOBBY_VERSION, knockId: knock.knockId, sealed, sig: bytesToBase64Url(sig) };
}

export function denyGuest(roomId: string, hostKey: HostKey, knock: OpenedKnock): Deny {
  const sig = ed25519.sign(answerBytes(roomId, 'deny', knock.knockId, knock.guestKey, ''), hostKey.secretKey);
  return { type: 'deny', v: LOBBY_VERSION, knockId: knock.knockId, sig: bytesToBase64Url(sig) };
}

/**
 * Guest: the outcome of an answer to our knock. Returns null for an answer to someone
 * else's knock; throws `lobby-auth-failed` for one not signed by the moderator key.
 */
export async function readAnswer(pending: PendingKnock, answer: LobbyAnswer): Promise<AnswerOutcome | null> {
  if (answer.knockId !== pending.knockId) return null;
  const { roomId, knockId, guestKeys, moderatorKey } = pending;
  const sealed = answer.type === 'admit' ? answer.sealed : '';
  const sig = decode(answer.sig, 'signature');
  let ok = false;
  try {
    ok = sig.length === 64 && ed25519.verify(sig, answerBytes(roomId, answer.type, knockId, guestKeys.publicKey, sealed), moderatorKey);
  } catch {
    ok = false;
  }
  if (!ok) throw new RoomStateError('lobby-auth-failed', 'answer is not signed by this room’s moderator');
  if (answer.type === 'deny') return { kind: 'denied' };
  try {
    const secret = new TextDecoder('utf-8', { fatal: true }).decode(
      unpad(await openSealed(decode(sealed, 'admit'), guestKeys, admitContext(roomId, knockId, guestKeys.publicKey))),
    );
    return { kind: 'admitted', secret };
  } catch (cause) {
    throw new RoomStateError('lobby-auth-failed', 'admit does not open with our key', { cause });
  }
}
