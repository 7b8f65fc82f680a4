import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../src/e2ee/bytes';
import { cipherSuite, type CipherSuiteId } from '../../../src/e2ee/cipher-suite';
import { createAead } from '../../../src/e2ee/sframe-aead';
import { decodeHeader, encodeHeader } from '../../../src/e2ee/sframe-header';
import { SFrameKey } from '../../../src/e2ee/sframe-key';
import { deriveSFrameKeyMaterial, sframeLabel, sframeNonce } from '../../../src/e2ee/sframe-key-schedule';
import { loadRfc9605Vectors } from './rfc9605-fixture';

const vectors = loadRfc9605Vectors();

describe('RFC 9605 header vectors', () => {
  it('has all 289 encodings', () => {
    expect(vectors.header).toHaveLength(289);
  });

  it('encodes and decodes every KID/CTR pair byte for byte', () => {
    for (const v of vectors.header) {
      expect(bytesToHex(encodeHeader(v)), `kid=${v.kid} ctr=${v.ctr}`).toBe(v.encoded);
      const decoded = decodeHeader(hexToBytes(v.encoded));
      expect(decoded).toEqual({ kid: v.kid, ctr: v.ctr, length: v.encoded.length / 2 });
    }
  });

  it('decodes a header that sits after a clear prefix and ignores trailing bytes', () => {
    const v = vectors.header[200]!;
    const bytes = hexToBytes(`aabbcc${v.encoded}deadbeef`);
    expect(decodeHeader(bytes, 3)).toEqual({ kid: v.kid, ctr: v.ctr, length: v.encoded.length / 2 });
  });

  it('rejects truncated headers with malformed-header', () => {
    for (const v of vectors.header.filter((h) => h.encoded.length > 2)) {
      const cut = hexToBytes(v.encoded).subarray(0, v.encoded.length / 2 - 1);
      expect(() => decodeHeader(cut)).toThrowError(expect.objectContaining({ code: 'malformed-header' }));
    }
    expect(() => decodeHeader(new Uint8Array(0))).toThrowError(expect.objectContaining({ code: 'malformed-header' }));
  });

  it('refuses values beyond 64 bits', () => {
    expect(() => encodeHeader({ kid: 1n << 64n, ctr: 0n })).toThrowError(expect.objectContaining({ code: 'malformed-header' }));
    expect(() => encodeHeader({ kid: 0n, ctr: -1n })).toThrowError(expect.objectContaining({ code: 'malformed-header' }));
  });
});

describe('RFC 9605 AES-CTR+HMAC raw vectors', () => {
  it.each(vectors.aes_ctr_hmac.map((v) => [v.cipher_suite, v] as const))('suite %i', async (_id, v) => {
    const suite = cipherSuite(v.cipher_suite);
    const key = hexToBytes(v.key);
    expect(bytesToHex(key.subarray(0, suite.nka))).toBe(v.enc_key);
    expect(bytesToHex(key.subarray(suite.nka))).toBe(v.auth_key);
    const aead = await createAead(suite, key);
    const nonce = hexToBytes(v.nonce);
    const aad = hexToBytes(v.aad);
    expect(bytesToHex(await aead.seal(nonce, aad, hexToBytes(v.pt)))).toBe(v.ct);
    expect(bytesToHex(await aead.open(nonce, aad, hexToBytes(v.ct)))).toBe(v.pt);
  });
});

describe('RFC 9605 full SFrame vectors', () => {
  it('covers all five suites', () => {
    expect(vectors.sframe.map((v) => v.cipher_suite).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it.each(vectors.sframe.map((v) => [v.cipher_suite, v] as const))('suite %i', async (_id, v) => {
    const suite = cipherSuite(v.cipher_suite);
    expect(bytesToHex(sframeLabel('key', v.kid, suite))).toBe(v.sframe_key_label);
    expect(bytesToHex(sframeLabel('salt', v.kid, suite))).toBe(v.sframe_salt_label);
    const material = deriveSFrameKeyMaterial(suite, v.kid, hexToBytes(v.base_key));
    expect(bytesToHex(material.key)).toBe(v.sframe_key);
    expect(bytesToHex(material.salt)).toBe(v.sframe_salt);
    expect(bytesToHex(sframeNonce(material.salt, v.ctr))).toBe(v.nonce);
    expect(bytesToHex(encodeHeader(v)) + v.metadata).toBe(v.aad);

    const key = await SFrameKey.fromBaseKey(v.cipher_suite as CipherSuiteId, v.kid, hexToBytes(v.base_key));
    const metadata = hexToBytes(v.metadata);
    expect(bytesToHex(await key.encrypt(v.ctr, hexToBytes(v.pt), metadata))).toBe(v.ct);
    expect(bytesToHex(await key.decrypt(hexToBytes(v.ct), metadata))).toBe(v.pt);
  });
});

describe('nonce = salt XOR CTR', () => {
  it('matches a byte-wise XOR on both the Number and the BigInt path', () => {
    const salt = hexToBytes('50b29329a04dc0f184ac3168');
    for (const ctr of [0n, 1n, 255n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 60n + 5n, 2n ** 64n - 1n]) {
      const expected = new Uint8Array(salt);
      const ctrBytes = hexToBytes(ctr.toString(16).padStart(24, '0'));
      ctrBytes.forEach((b, i) => (expected[i] = (expected[i] ?? 0) ^ b));
      expect(bytesToHex(sframeNonce(salt, ctr)), String(ctr)).toBe(bytesToHex(expected));
    }
  });
});
