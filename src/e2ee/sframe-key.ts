/**
 * One SFrame key: a KID with its derived AEAD key and salt (RFC 9605 §4.4.3/§4.4.4).
 * `encrypt` produces `header ‖ ciphertext ‖ tag`; `decrypt` takes the same bytes. The AAD is
 * `header ‖ metadata`, so anything the caller sends in the clear beside the frame (our codec
 * clear prefix) is authenticated as metadata.
 */
import { concatBytes, growFront } from './bytes';
import { cipherSuite, type CipherSuiteId, type CipherSuiteParams } from './cipher-suite';
import { E2eeError } from './errors';
import { createAead, type SFrameAead } from './sframe-aead';
import { decodeHeader, encodeHeader, type DecodedHeader } from './sframe-header';
import { deriveSFrameKeyMaterial, sframeNonce } from './sframe-key-schedule';

const EMPTY = new Uint8Array(0);
const MAX_FAST_CTR = Number.MAX_SAFE_INTEGER;
const MAX_FAST_CTR_BIG = BigInt(MAX_FAST_CTR);
/** Largest header (1 + 8 + 8) plus the largest clear prefix (VP8 key frame, 10), rounded up. */
const AAD_SCRATCH_BYTES = 32;
const NONCE_BYTES = 12;
/** 2^96 would wrap the nonce; we stop far earlier, at the top of the 64-bit CTR field. */
const MAX_CTR = (1n << 64n) - 1n;

export class SFrameKey {
  /** The header with CTR 0: config byte with the KID bits, then the KID bytes (fixed per key). */
  private readonly kidHeader: Uint8Array;
  /**
   * Scratch space for the AAD and the nonce. WebCrypto (and the synchronous @noble path)
   * copy their inputs when called, so one buffer per key is safe to reuse; a fresh small
   * Uint8Array per frame is not free in V8 (it lives on the heap until WebCrypto asks for
   * its ArrayBuffer, which then has to be created: the largest JS cost per frame in a profile).
   */
  private readonly aadScratch = new Uint8Array(new ArrayBuffer(AAD_SCRATCH_BYTES));
  private readonly nonceScratch = new Uint8Array(new ArrayBuffer(NONCE_BYTES));

  private constructor(
    readonly kid: bigint,
    readonly suite: CipherSuiteParams,
    private readonly salt: Uint8Array,
    private readonly aead: SFrameAead,
  ) {
    this.kidHeader = encodeHeader({ kid, ctr: 0n });
  }

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

  /**
   * The per-frame encrypt path: `frame[0, prefix) ‖ header ‖ ciphertext ‖ tag` in one buffer,
   * with the clear prefix authenticated as metadata (AAD = header ‖ prefix). The same bytes
   * as `encrypt(BigInt(ctr), frame.subarray(prefix), frame.subarray(0, prefix))` behind the
   * prefix, with Number arithmetic and no per-frame buffers besides the output.
   */
  async sealFrame(ctr: number, frame: Uint8Array, prefix: number): Promise<Uint8Array<ArrayBuffer>> {
    if (!Number.isInteger(ctr) || ctr < 0 || ctr > MAX_FAST_CTR) {
      throw new E2eeError('counter-exhausted', 'SFrame counter out of range');
    }
    const headerLength = this.kidHeader.length + ctrLength(ctr);
    const aad = this.aadBuffer(headerLength + prefix);
    this.writeHeader(aad, 0, ctr, headerLength);
    aad.set(frame.subarray(0, prefix), headerLength);
    const sealed = await this.aead.sealBuffer(this.nonce(ctr), aad, frame.subarray(prefix));
    // The scratch AAD may belong to another frame by now: write the header again.
    const out = growFront(sealed, prefix + headerLength);
    out.set(frame.subarray(0, prefix));
    this.writeHeader(out, prefix, ctr, headerLength);
    return out;
  }

  /**
   * The per-frame decrypt path: `frame` is `prefix bytes ‖ header ‖ ciphertext ‖ tag` with
   * `header` already decoded at `prefix`; returns `prefix bytes ‖ plaintext` in one buffer.
   */
  async openFrame(frame: Uint8Array, prefix: number, header: DecodedHeader): Promise<Uint8Array<ArrayBuffer>> {
    if (header.kid !== this.kid) throw new E2eeError('missing-key', `frame KID ${header.kid} is not this key's KID ${this.kid}`);
    const start = prefix + header.length;
    const aad = this.aadBuffer(start);
    aad.set(frame.subarray(prefix, start));
    aad.set(frame.subarray(0, prefix), header.length);
    const nonce = header.ctr <= MAX_FAST_CTR_BIG ? this.nonce(Number(header.ctr)) : sframeNonce(this.salt, header.ctr);
    const plaintext = await this.aead.openBuffer(nonce, aad, frame.subarray(start));
    if (prefix === 0) return new Uint8Array(plaintext);
    const out = growFront(plaintext, prefix);
    out.set(frame.subarray(0, prefix));
    return out;
  }

  private aadBuffer(length: number): Uint8Array {
    return length <= AAD_SCRATCH_BYTES ? this.aadScratch.subarray(0, length) : new Uint8Array(new ArrayBuffer(length));
  }

  /** Writes the `headerLength`-byte header of `ctr` (below 2^53) at `out[offset]`. */
  private writeHeader(out: Uint8Array, offset: number, ctr: number, headerLength: number): void {
    const kidHeader = this.kidHeader;
    out.set(kidHeader, offset);
    const config = kidHeader[0] ?? 0;
    if (ctr < 8) {
      out[offset] = config | ctr;
      return;
    }
    out[offset] = config | 0x08 | (headerLength - kidHeader.length - 1);
    for (let i = offset + headerLength - 1, v = ctr; i >= offset + kidHeader.length; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  }

  /** salt XOR CTR for a CTR below 2^53, in the per-key scratch nonce. */
  private nonce(ctr: number): Uint8Array {
    const nonce = this.nonceScratch;
    nonce.set(this.salt);
    for (let i = nonce.length - 1, v = ctr; i >= 0 && v > 0; i--, v = Math.floor(v / 256)) nonce[i] = (nonce[i] ?? 0) ^ v % 256;
    return nonce;
  }
}

/** Bytes of CTR in the header: none below 8 (it sits in the config byte), else its minimal big-endian length. */
function ctrLength(ctr: number): number {
  let n = 0;
  if (ctr >= 8) for (let v = ctr; v >= 1; v = Math.floor(v / 256)) n++;
  return n;
}
