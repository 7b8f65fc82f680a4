/**
 * Loads the RFC 9605 test vectors. KID and CTR values exceed 2^53, so numbers are quoted
 * before JSON.parse and read back as BigInt (a plain JSON.parse would round them).
 */
import { readFileSync } from 'node:fs';

export interface HeaderVector { kid: bigint; ctr: bigint; encoded: string }
export interface AesCtrHmacVector {
  cipher_suite: number; key: string; enc_key: string; auth_key: string;
  nonce: string; aad: string; pt: string; ct: string;
}
export interface SFrameVector {
  cipher_suite: number; kid: bigint; ctr: bigint; base_key: string;
  sframe_key_label: string; sframe_salt_label: string; sframe_secret: string;
  sframe_key: string; sframe_salt: string; metadata: string; nonce: string;
  aad: string; pt: string; ct: string;
}
export interface Rfc9605Vectors { header: HeaderVector[]; aes_ctr_hmac: AesCtrHmacVector[]; sframe: SFrameVector[] }

export function loadRfc9605Vectors(): Rfc9605Vectors {
  const url = new URL('../../fixtures/sframe-rfc9605.json', import.meta.url);
  const text = readFileSync(url, 'utf8').replace(/"(kid|ctr)":\s*(\d+)/g, '"$1":"$2"');
  const raw = JSON.parse(text) as Rfc9605Vectors;
  const big = <T extends { kid: bigint; ctr: bigint }>(v: T): T => ({ ...v, kid: BigInt(v.kid), ctr: BigInt(v.ctr) });
  return { header: raw.header.map(big), aes_ctr_hmac: raw.aes_ctr_hmac, sframe: raw.sframe.map(big) };
}
