/**
 * Keys derived from the room link, and the KID layout.
 *
 *   link secret (base64url, ≥128 bits) ──HKDF──▶ room key  (= epoch 0 key)
 *   epoch key n ──HKDF(info "lunar sender" ‖ senderId ‖ n)──▶ sender base key
 *   sender base key ──RFC 9605 key schedule (KID in the labels)──▶ SFrame key + salt
 *
 * Later epochs never derive from the link alone: `nextEpochKey` mixes in fresh randomness
 * (someone left: they hold the old key but not the randomness) and `ratchetEpochKey` is a
 * one-way step (someone joined: they get the new key and cannot walk back).
 *
 * KID = senderNumber(40 bits) ‖ kind(1 bit) ‖ epoch(low 8 bits). Receivers map a KID back
 * to (sender, kind, epoch); audio and video of one sender get distinct KIDs, hence distinct
 * AEAD keys and counters, so they can be encrypted by independent transforms without any
 * risk of nonce reuse.
 */
import { expand, extract, hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64UrlToBytes, bytesToBase64Url, encodeParts, uintToBytes, utf8 } from './bytes';
import type { MediaKind } from './clear-prefix';
import { E2eeError } from './errors';

export const MIN_SECRET_BYTES = 16;
export const ROOM_KEY_BYTES = 32;

const ROOM_SALT = utf8('lunar-chat room key v1');

function epochBytes(epoch: number): Uint8Array {
  return uintToBytes(BigInt(checkEpoch(epoch)), 4);
}

export function checkEpoch(epoch: number): number {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff) {
    throw new E2eeError('epoch-order', `epoch must be an integer in [0, 2^32): ${epoch}`);
  }
  return epoch;
}

export function checkKey(key: Uint8Array, what = 'key'): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== ROOM_KEY_BYTES) {
    throw new E2eeError('invalid-key', `${what} must be ${ROOM_KEY_BYTES} bytes`);
  }
  return key;
}

/** The room key from the link's secret. Throws `invalid-key` for a malformed or short secret. */
export function deriveRoomKey(secret: string): Uint8Array {
  const ikm = typeof secret === 'string' ? base64UrlToBytes(secret) : null;
  if (ikm === null) throw new E2eeError('invalid-key', 'room secret is not base64url');
  if (ikm.length < MIN_SECRET_BYTES) throw new E2eeError('invalid-key', `room secret needs at least ${MIN_SECRET_BYTES * 8} bits`);
  return expand(sha256, extract(sha256, ikm, ROOM_SALT), utf8('lunar room key'), ROOM_KEY_BYTES);
}

/** A purpose-specific key from the room key (auth proofs, safety words...). */
export function deriveSubKey(roomKey: Uint8Array, purpose: string): Uint8Array {
  return hkdf(sha256, checkKey(roomKey, 'room key'), undefined, encodeParts(utf8('lunar subkey'), utf8(purpose)), 32);
}

/** Per-sender, per-epoch base key: each one is used to encrypt by exactly one sender. */
export function deriveSenderBaseKey(epochKey: Uint8Array, senderId: string, epoch: number): Uint8Array {
  const info = encodeParts(utf8('lunar sender'), utf8(senderId), epochBytes(epoch));
  return hkdf(sha256, checkKey(epochKey, 'epoch key'), undefined, info, 32);
}

/** The key of epoch `nextEpoch` after a member left: the leaver lacks `fresh`. */
export function nextEpochKey(currentEpochKey: Uint8Array, fresh: Uint8Array, nextEpoch: number): Uint8Array {
  if (!(fresh instanceof Uint8Array) || fresh.length < 32) throw new E2eeError('invalid-key', 'fresh randomness must be ≥ 32 bytes');
  const info = encodeParts(utf8('lunar epoch'), epochBytes(nextEpoch));
  return hkdf(sha256, fresh, checkKey(currentEpochKey, 'epoch key'), info, ROOM_KEY_BYTES);
}

/** One-way step for a join: whoever receives the result cannot compute the key before it. */
export function ratchetEpochKey(currentEpochKey: Uint8Array, nextEpoch: number): Uint8Array {
  const info = encodeParts(utf8('lunar ratchet'), epochBytes(nextEpoch));
  return hkdf(sha256, checkKey(currentEpochKey, 'epoch key'), undefined, info, ROOM_KEY_BYTES);
}

export function randomKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(ROOM_KEY_BYTES));
}

/** A fresh link secret: 256 random bits, base64url without padding (43 characters). */
export function generateRoomSecret(): string {
  return bytesToBase64Url(randomKey());
}

const SENDER_BITS = 40n;
const KIND_SHIFT = 8n;
const SENDER_SHIFT = 9n;

/** Stable 40-bit number of a sender: the first 40 bits of SHA-256(senderId). */
export function senderNumber(senderId: string): bigint {
  const digest = sha256(utf8(senderId));
  let n = 0n;
  for (let i = 0; i < 5; i++) n = (n << 8n) | BigInt(digest[i] ?? 0);
  return n;
}

export interface KidParts {
  senderNumber: bigint;
  kind: MediaKind;
  /** The epoch's low 8 bits (the full epoch number is resolved against the keys we hold). */
  epochLow: number;
}

export function makeKid(senderNum: bigint, kind: MediaKind, epoch: number): bigint {
  return (senderNum << SENDER_SHIFT) | ((kind === 'video' ? 1n : 0n) << KIND_SHIFT) | BigInt(epoch & 0xff);
}

/** Splits a KID; returns null for KIDs we never produce (more than 49 bits). */
export function parseKid(kid: bigint): KidParts | null {
  if (kid < 0n || kid >> (SENDER_SHIFT + SENDER_BITS) !== 0n) return null;
  return {
    senderNumber: kid >> SENDER_SHIFT,
    kind: (kid >> KIND_SHIFT) & 1n ? 'video' : 'audio',
    epochLow: Number(kid & 0xffn),
  };
}
