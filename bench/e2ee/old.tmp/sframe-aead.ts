/**
 * The AEAD algorithms behind the SFrame suites. AES-GCM runs on WebCrypto (hardware AES in
 * Node, browsers and workers alike: the hot path for video). AES-CTR+HMAC (RFC 9605 §4.5.1)
 * runs on @noble: it is used for small audio frames, where its shorter tags pay off.
 */
import { ctr as aesCtr } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, uintToBytes } from './bytes';
import type { CipherSuiteParams } from './cipher-suite';
import { E2eeError } from './errors';

export interface SFrameAead {
  readonly suite: CipherSuiteParams;
  /** Returns ciphertext ‖ tag. */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Returns the plaintext, or throws `invalid-tag`. */
  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Promise<Uint8Array>;
}

export async function createAead(suite: CipherSuiteParams, key: Uint8Array): Promise<SFrameAead> {
  if (key.length !== suite.nk) throw new E2eeError('invalid-key', `${suite.name} needs a ${suite.nk}-byte key`);
  return suite.mode === 'gcm' ? createGcmAead(suite, key) : createCtrHmacAead(suite, key);
}

/** WebCrypto insists on ArrayBuffer-backed views; copy only when a view is not already one. */
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

async function createGcmAead(suite: CipherSuiteParams, key: Uint8Array): Promise<SFrameAead> {
  const cryptoKey = await crypto.subtle.importKey('raw', own(key), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  const tagLength = suite.nt * 8;
  return {
    suite,
    async seal(nonce, aad, plaintext) {
      const params = { name: 'AES-GCM', iv: own(nonce), additionalData: own(aad), tagLength };
      return new Uint8Array(await crypto.subtle.encrypt(params, cryptoKey, own(plaintext)));
    },
    async open(nonce, aad, sealed) {
      if (sealed.length < suite.nt) throw new E2eeError('invalid-tag', 'ciphertext shorter than the tag');
      const params = { name: 'AES-GCM', iv: own(nonce), additionalData: own(aad), tagLength };
      try {
        return new Uint8Array(await crypto.subtle.decrypt(params, cryptoKey, own(sealed)));
      } catch (cause) {
        throw new E2eeError('invalid-tag', 'SFrame authentication failed', { cause });
      }
    },
  };
}

function createCtrHmacAead(suite: CipherSuiteParams, key: Uint8Array): SFrameAead {
  const encKey = key.slice(0, suite.nka);
  const authKey = key.slice(suite.nka);
  const tag = (nonce: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array => {
    const authData = concatBytes(
      uintToBytes(BigInt(aad.length), 8),
      uintToBytes(BigInt(ct.length), 8),
      uintToBytes(BigInt(suite.nt), 8),
      nonce,
      aad,
      ct,
    );
    return hmac(sha256, authKey, authData).subarray(0, suite.nt);
  };
  // The AES-CTR initial counter block is the 12-byte nonce followed by a 32-bit zero counter.
  const counterBlock = (nonce: Uint8Array): Uint8Array => concatBytes(nonce, new Uint8Array(4));
  return {
    suite,
    async seal(nonce, aad, plaintext) {
      const ct = aesCtr(encKey, counterBlock(nonce)).encrypt(plaintext);
      return concatBytes(ct, tag(nonce, aad, ct));
    },
    async open(nonce, aad, sealed) {
      if (sealed.length < suite.nt) throw new E2eeError('invalid-tag', 'ciphertext shorter than the tag');
      const ct = sealed.subarray(0, sealed.length - suite.nt);
      if (!equalBytes(tag(nonce, aad, ct), sealed.subarray(sealed.length - suite.nt))) {
        throw new E2eeError('invalid-tag', 'SFrame authentication failed');
      }
      return aesCtr(encKey, counterBlock(nonce)).decrypt(ct);
    },
  };
}
