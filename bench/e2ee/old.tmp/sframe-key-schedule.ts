/**
 * SFrame key schedule (RFC 9605 §4.4.2): from a per-KID base key to the AEAD key and salt.
 *   secret = HKDF-Extract("", base_key)
 *   key    = HKDF-Expand(secret, "SFrame 1.0 Secret key "  ‖ KID(8 bytes) ‖ suite(2 bytes), Nk)
 *   salt   = HKDF-Expand(secret, "SFrame 1.0 Secret salt " ‖ KID(8 bytes) ‖ suite(2 bytes), Nn)
 * Binding KID and suite into the labels means one base key never yields the same AEAD key
 * for two KIDs (we rely on that: audio and video get different KIDs from one base key).
 */
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, uintToBytes, utf8 } from './bytes';
import type { CipherSuiteParams } from './cipher-suite';

export interface SFrameKeyMaterial {
  key: Uint8Array;
  salt: Uint8Array;
}

export function sframeLabel(kind: 'key' | 'salt', kid: bigint, suite: CipherSuiteParams): Uint8Array {
  return concatBytes(utf8(`SFrame 1.0 Secret ${kind} `), uintToBytes(kid, 8), uintToBytes(BigInt(suite.id), 2));
}

export function deriveSFrameKeyMaterial(suite: CipherSuiteParams, kid: bigint, baseKey: Uint8Array): SFrameKeyMaterial {
  const hash = suite.hash === 'SHA-512' ? sha512 : sha256;
  const secret = extract(hash, baseKey, new Uint8Array(0));
  return {
    key: expand(hash, secret, sframeLabel('key', kid, suite), suite.nk),
    salt: expand(hash, secret, sframeLabel('salt', kid, suite), suite.nn),
  };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** nonce = salt XOR CTR, with CTR big-endian and left-padded to the nonce size. */
export function sframeNonce(salt: Uint8Array, ctr: bigint): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(salt.length);
  nonce.set(salt);
  if (ctr <= MAX_SAFE) {
    // Number arithmetic: this runs once per frame and CTRs stay far below 2^53.
    let v = Number(ctr);
    for (let i = nonce.length - 1; i >= 0 && v > 0; i--) {
      nonce[i] = (nonce[i] ?? 0) ^ v % 256;
      v = Math.floor(v / 256);
    }
    return nonce;
  }
  let v = ctr;
  for (let i = nonce.length - 1; i >= 0 && v > 0n; i--) {
    nonce[i] = (nonce[i] ?? 0) ^ Number(v & 0xffn);
    v >>= 8n;
  }
  return nonce;
}
