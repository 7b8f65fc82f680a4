/**
 * The encrypted recording file format, version 1 (all integers big-endian):
 *
 *   header (54 bytes)
 *     0  magic      "LREC"               4
 *     4  version    1                    1
 *     5  kdf        1 = PBKDF2-SHA256    1
 *     6  iterations u32                  4   (200 000 ≤ n ≤ 10 000 000)
 *    10  chunkSize  u32                  4   (plaintext bytes per chunk, 1 KiB … 16 MiB)
 *    14  salt                           16   random
 *    30  prefix     nonce prefix         8   random
 *    38  keyCheck                       16   second half of the PBKDF2 output (see below)
 *   chunks
 *     AES-256-GCM(key, nonce = prefix ‖ u32 counter, aad = header ‖ u8 last) of chunkSize bytes
 *     of plaintext each (ciphertext = chunkSize + 16), except the final chunk, which holds
 *     0…chunkSize bytes and is sealed with last = 1.
 *
 * PBKDF2 yields 64 bytes: the first 32 are the AES key, the last 16 the key check. Storing the
 * check tells a wrong passphrase apart from a damaged file; it gives an attacker nothing beyond
 * what trial-decrypting the first chunk would, at the same PBKDF2 cost. The counter in the nonce
 * catches reordering, the last flag in the AAD catches truncation at a chunk boundary (STREAM,
 * Hoang et al. 2015), and the header in the AAD binds the parameters to every chunk.
 */
import { RecordingError } from './recording-error';

export const MAGIC = new Uint8Array([0x4c, 0x52, 0x45, 0x43]); // "LREC"
export const FORMAT_VERSION = 1;
export const KDF_PBKDF2_SHA256 = 1;
export const HEADER_BYTES = 54;
export const TAG_BYTES = 16;
export const MIN_ITERATIONS = 200_000;
/** Reading a file must not hang the tab: a crafted header could ask for billions of rounds. */
export const MAX_ITERATIONS = 10_000_000;
export const DEFAULT_ITERATIONS = 250_000;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
export const MIN_CHUNK_SIZE = 1024;
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;

export interface RecordingHeader {
  iterations: number;
  chunkSize: number;
  salt: Uint8Array;
  noncePrefix: Uint8Array;
  keyCheck: Uint8Array;
}

export function encodeHeader(h: RecordingHeader): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[4] = FORMAT_VERSION;
  out[5] = KDF_PBKDF2_SHA256;
  view.setUint32(6, h.iterations);
  view.setUint32(10, h.chunkSize);
  out.set(h.salt, 14);
  out.set(h.noncePrefix, 30);
  out.set(h.keyCheck, 38);
  return out;
}

/** True when the bytes start like an encrypted recording (for the player: encrypted or plain webm?). */
export function looksEncrypted(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && MAGIC.every((b, i) => bytes[i] === b);
}

export function decodeHeader(bytes: Uint8Array): RecordingHeader {
  if (bytes.length < HEADER_BYTES || !looksEncrypted(bytes)) throw new RecordingError('unsupported-recording', 'This is not an encrypted Lunar Chat recording.');
  if (bytes[4] !== FORMAT_VERSION || bytes[5] !== KDF_PBKDF2_SHA256) throw new RecordingError('unsupported-recording', `Unsupported recording version ${bytes[4]}.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const iterations = view.getUint32(6);
  const chunkSize = view.getUint32(10);
  if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) throw new RecordingError('unsupported-recording', `Unsupported key derivation cost ${iterations}.`);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) throw new RecordingError('unsupported-recording', `Unsupported chunk size ${chunkSize}.`);
  return {
    iterations,
    chunkSize,
    salt: bytes.slice(14, 30),
    noncePrefix: bytes.slice(30, 38),
    keyCheck: bytes.slice(38, 54),
  };
}

export function chunkNonce(prefix: Uint8Array, counter: number): Uint8Array<ArrayBuffer> {
  if (counter > 0xffffffff) throw new RecordingError('unsupported-recording', 'Recording too long for one file.');
  const nonce = new Uint8Array(12);
  nonce.set(prefix, 0);
  new DataView(nonce.buffer).setUint32(8, counter);
  return nonce;
}

export function chunkAad(header: Uint8Array, last: boolean): Uint8Array<ArrayBuffer> {
  const aad = new Uint8Array(header.length + 1);
  aad.set(header, 0);
  aad[header.length] = last ? 1 : 0;
  return aad;
}

export async function deriveKeys(passphrase: string, salt: Uint8Array, iterations: number): Promise<{ key: CryptoKey; keyCheck: Uint8Array }> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const bits = new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(salt), iterations }, material, 512));
  const key = await crypto.subtle.importKey('raw', bits.slice(0, 32), 'AES-GCM', false, ['encrypt', 'decrypt']);
  return { key, keyCheck: bits.slice(48, 64) };
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
