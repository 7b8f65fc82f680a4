/**
 * Room passcodes, checked by cryptography rather than by a server flag:
 *
 *   stretched       = PBKDF2-SHA256(passcode, salt = "lunar passcode v1" ‖ roomId, 310,000 iterations)
 *   effectiveSecret = HKDF-SHA256(ikm = link secret, salt = stretched, info = "lunar passcode secret v1")
 *   check           = HKDF-SHA256(ikm = effectiveSecret, info = "lunar passcode check v1")[0..12]
 *
 * Everything downstream (E2EE room key and so who verifies, moderation MACs) uses the effective
 * secret, so without the passcode a client cannot decrypt anything. The check value rides
 * in the link (`pc=`), so a wrong passcode is reported before joining ('wrong-passcode').
 * Whoever holds the link (secret and check) can still guess passcodes offline, at one
 * PBKDF2 per guess: a passcode guards against a link that leaks, not against members.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64UrlToBytes, bytesToBase64Url, equalBytes, utf8 } from '../e2ee/bytes';
import { MIN_SECRET_BYTES } from '../e2ee/room-keys';
import { RoomStateError } from './room-state-error';

/** OWASP's 2023 floor for PBKDF2-HMAC-SHA256 is higher (600k); 310k keeps phones near ~0.5 s. */
export const PASSCODE_ITERATIONS = 310_000;
export const PASSCODE_MAX_CHARS = 128;
const CHECK_BYTES = 12;

export interface PasscodeKeys {
  /** Use this instead of the link secret everywhere. */
  effectiveSecret: string;
  /** Goes into the link as `pc=`. */
  check: string;
}

/** One spelling per passcode: Unicode-normalised, outer whitespace ignored. */
export function normalizePasscode(passcode: string): string {
  return passcode.normalize('NFKC').trim();
}

function secretBytes(secret: string): Uint8Array {
  const bytes = base64UrlToBytes(secret);
  if (!bytes || bytes.length < MIN_SECRET_BYTES) throw new RoomStateError('invalid-key', 'room secret must be ≥ 128 bits of base64url');
  return bytes;
}

async function stretch(passcode: string, roomId: string, iterations: number): Promise<Uint8Array> {
  const normalized = normalizePasscode(passcode);
  if (normalized === '' || normalized.length > PASSCODE_MAX_CHARS) {
    throw new RoomStateError('invalid-input', `passcode must be 1–${PASSCODE_MAX_CHARS} characters`);
  }
  const material = await crypto.subtle.importKey('raw', utf8(normalized) as Uint8Array<ArrayBuffer>, 'PBKDF2', false, ['deriveBits']);
  const salt = utf8(`lunar passcode v1/${roomId}`) as Uint8Array<ArrayBuffer>;
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, 256));
}

function checkValue(effectiveSecret: Uint8Array): string {
  return bytesToBase64Url(hkdf(sha256, effectiveSecret, undefined, utf8('lunar passcode check v1'), CHECK_BYTES));
}

/** Creator: the effective secret and the check value for a new passcode. */
export async function derivePasscodeKeys(roomId: string, secret: string, passcode: string, iterations = PASSCODE_ITERATIONS): Promise<PasscodeKeys> {
  const ikm = secretBytes(secret);
  const stretched = await stretch(passcode, roomId, iterations);
  const effective = hkdf(sha256, ikm, stretched, utf8('lunar passcode secret v1'), 32);
  return { effectiveSecret: bytesToBase64Url(effective), check: checkValue(effective) };
}

/** Joiner: the effective secret, or `wrong-passcode` before anything is joined. */
export async function unlockWithPasscode(roomId: string, secret: string, passcode: string, check: string, iterations = PASSCODE_ITERATIONS): Promise<string> {
  const expected = base64UrlToBytes(check);
  if (!expected || expected.length !== CHECK_BYTES) throw new RoomStateError('invalid-input', 'the link’s passcode check is damaged');
  let keys: PasscodeKeys;
  try {
    keys = await derivePasscodeKeys(roomId, secret, passcode, iterations);
  } catch (err) {
    // An empty or overlong passcode is simply not the passcode.
    if (err instanceof RoomStateError && err.code === 'invalid-input') throw new RoomStateError('wrong-passcode', 'wrong passcode', { cause: err });
    throw err;
  }
  const actual = base64UrlToBytes(keys.check);
  if (!actual || !equalBytes(actual, expected)) throw new RoomStateError('wrong-passcode', 'wrong passcode');
  return keys.effectiveSecret;
}
