/**
 * One SFrame key: a KID with its derived AEAD key and salt (RFC 9605 §4.4.3/§4.4.4).
 * `encrypt` produces `header ‖ ciphertext ‖ tag`; `decrypt` takes the same bytes. The AAD is
 * `header ‖ metadata`, so anything the caller sends in the clear beside the frame (our codec
 * clear prefix) is authenticated as metadata.
 */
import { concatBytes } from './bytes';
import { cipherSuite, type CipherSuiteId, type CipherSuiteParams } from './cipher-suite';
import { E2eeError } from './errors';
import { createAead, type SFrameAead } from './sframe-aead';
import { decodeHeader, encodeHeader, type DecodedHeader } from './sframe-header';
import { deriveSFrameKeyMaterial, sframeNonce } from './sframe-key-schedule';

const EMPTY = new Uint8Array(0);
/** 2^96 would wrap the nonce; we stop far earlier, at the top of the 64-bit CTR field. */
const MAX_CTR = (1n << 64n) - 1n;

export class SFrameKey {
  private constructor(
    readonly kid: bigint,
    readonly suite: CipherSuiteParams,
    private readonly salt: Uint8Array,
    private readonly aead: SFrameAead,
  ) {}

  /** Derives the key from a base key (the normal path). */
  static async fromBaseKey(suiteId: CipherSuiteId, kid: bigint, baseKey: Uint8Array): Promise<SFrameKey> {
    const suite = cipherSuite(suiteId);
    const { key, salt } = deriveSFrameKeyMaterial(suite, kid, baseKey);
    return new SFrameKey(kid, suite, salt, await createAead(suite, key));
  }

  /** Encrypts with an explicit CTR; the caller guarantees a CTR is never reused with this key. */
  async encrypt(ctr: bigint, plaintext: Uint8Array, metadata: Uint8Array = EMPTY): Promise<Uint8Array> {
    const { header, sealed } = await this.seal(ctr, plaintext, metadata);
    return concatBytes(header, sealed);
  }

  /** `encrypt` without the final concatenation, for callers that assemble a larger frame in one copy. */
  async seal(ctr: bigint, plaintext: Uint8Array, metadata: Uint8Array = EMPTY): Promise<{ header: Uint8Array; sealed: Uint8Array }> {
    if (ctr < 0n || ctr > MAX_CTR) throw new E2eeError('counter-exhausted', 'SFrame counter out of range');
    const header = encodeHeader({ kid: this.kid, ctr });
    const sealed = await this.aead.seal(sframeNonce(this.salt, ctr), concatBytes(header, metadata), plaintext);
    return { header, sealed };
  }

  /**
   * Decrypts `header ‖ ciphertext ‖ tag`. Pass the already decoded header when the caller
   * needed it to pick this key (it must be the header at the start of `frame`).
   */
  async decrypt(frame: Uint8Array, metadata: Uint8Array = EMPTY, header?: DecodedHeader): Promise<Uint8Array> {
    const h = header ?? decodeHeader(frame);
    if (h.kid !== this.kid) throw new E2eeError('missing-key', `frame KID ${h.kid} is not this key's KID ${this.kid}`);
    const aad = concatBytes(frame.subarray(0, h.length), metadata);
    return this.aead.open(sframeNonce(this.salt, h.ctr), aad, frame.subarray(h.length));
  }
}
