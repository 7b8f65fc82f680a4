/**
 * The hashes STUN uses: HMAC-SHA1 (MESSAGE-INTEGRITY), HMAC-SHA256 (MESSAGE-INTEGRITY-SHA256),
 * CRC-32 (FINGERPRINT), MD5 (long-term key). node:crypto and node:zlib are native and several
 * times faster than JS hashes on the per-request path.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';

export function hmacSha1(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha1', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

export function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

export function crc32(data: Uint8Array): number {
  return zlibCrc32(data) >>> 0;
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// RFC 3454 table B.1 ("commonly mapped to nothing") and C.1.2 (non-ASCII spaces), the parts
// of SASLprep that change real passwords; the prohibited-output checks are left out because
// the server only compares keys and never needs to reject a password.
const MAPPED_TO_NOTHING = /\u00AD|\u034F|\u1806|[\u180B-\u180D]|[\u200B-\u200D]|\u2060|[\uFE00-\uFE0F]|\uFEFF/g;
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;

export function saslprep(s: string): string {
  return s.replace(MAPPED_TO_NOTHING, '').replace(NON_ASCII_SPACE, ' ').normalize('NFKC');
}

/** RFC 8489 §9.2.2: key = MD5(username ":" realm ":" SASLprep(password)). */
export function longTermKey(username: string, realm: string, password: string): Uint8Array {
  return createHash('md5').update(`${username}:${realm}:${saslprep(password)}`, 'utf8').digest();
}

/** RFC 8489 §9.1.1: the short-term key is the SASLprep'd password itself. */
export function shortTermKey(password: string): Uint8Array {
  return new TextEncoder().encode(saslprep(password));
}
