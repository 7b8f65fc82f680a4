/** The SFrame cipher suites of RFC 9605 §4.5 (IANA "SFrame Cipher Suites" registry). */
import { E2eeError } from './errors';

export const CipherSuite = {
  AES_128_CTR_HMAC_SHA256_80: 1,
  AES_128_CTR_HMAC_SHA256_64: 2,
  AES_128_CTR_HMAC_SHA256_32: 3,
  AES_128_GCM_SHA256_128: 4,
  AES_256_GCM_SHA512_128: 5,
} as const;

export type CipherSuiteId = (typeof CipherSuite)[keyof typeof CipherSuite];

export const DEFAULT_CIPHER_SUITE: CipherSuiteId = CipherSuite.AES_128_GCM_SHA256_128;

export interface CipherSuiteParams {
  id: CipherSuiteId;
  name: keyof typeof CipherSuite;
  mode: 'gcm' | 'ctr-hmac';
  hash: 'SHA-256' | 'SHA-512';
  /** Hash output size: the HKDF hash, and for CTR suites the HMAC key size. */
  nh: number;
  /** AEAD key size. For CTR+HMAC it is the AES key (nka) followed by the HMAC key (nh). */
  nk: number;
  /** AES key size inside the AEAD key. */
  nka: number;
  nn: number;
  nt: number;
}

const SUITES: Record<CipherSuiteId, CipherSuiteParams> = {
  1: { id: 1, name: 'AES_128_CTR_HMAC_SHA256_80', mode: 'ctr-hmac', hash: 'SHA-256', nh: 32, nk: 48, nka: 16, nn: 12, nt: 10 },
  2: { id: 2, name: 'AES_128_CTR_HMAC_SHA256_64', mode: 'ctr-hmac', hash: 'SHA-256', nh: 32, nk: 48, nka: 16, nn: 12, nt: 8 },
  3: { id: 3, name: 'AES_128_CTR_HMAC_SHA256_32', mode: 'ctr-hmac', hash: 'SHA-256', nh: 32, nk: 48, nka: 16, nn: 12, nt: 4 },
  4: { id: 4, name: 'AES_128_GCM_SHA256_128', mode: 'gcm', hash: 'SHA-256', nh: 32, nk: 16, nka: 16, nn: 12, nt: 16 },
  5: { id: 5, name: 'AES_256_GCM_SHA512_128', mode: 'gcm', hash: 'SHA-512', nh: 64, nk: 32, nka: 32, nn: 12, nt: 16 },
};

export function isCipherSuiteId(value: unknown): value is CipherSuiteId {
  return typeof value === 'number' && Object.prototype.hasOwnProperty.call(SUITES, value);
}

export function cipherSuite(id: number): CipherSuiteParams {
  if (!isCipherSuiteId(id)) throw new E2eeError('unsupported-suite', `unknown SFrame cipher suite ${id}`);
  return SUITES[id];
}
