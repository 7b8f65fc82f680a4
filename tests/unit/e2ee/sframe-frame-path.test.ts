/**
 * The per-frame fast path (SFrameKey.sealFrame/openFrame, growFront) must produce exactly the
 * bytes of the reference path (BigInt header, concatenation) for every CTR width and both
 * suite families, with or without ArrayBuffer.prototype.transfer (Chromium has it, Node 20 not).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytesToHex, concatBytes } from '../../../src/e2ee/bytes';
import { CipherSuite, type CipherSuiteId } from '../../../src/e2ee/cipher-suite';
import { E2eeError } from '../../../src/e2ee/errors';
import { decodeHeader } from '../../../src/e2ee/sframe-header';
import { SFrameKey } from '../../../src/e2ee/sframe-key';
import { LunarError } from '../../../src/util/lunar-error';
import { vp8DeltaFrame, vp8KeyFrame } from './frames';

const BASE_KEY = new Uint8Array(32).fill(9);
const CTRS = [0, 1, 7, 8, 255, 256, 65535, 65536, 2 ** 32, 2 ** 48 + 5, Number.MAX_SAFE_INTEGER];
const KIDS = [0n, 7n, 8n, 0x1234_5678_9an, (1n << 49n) - 1n];
const SUITES: CipherSuiteId[] = [CipherSuite.AES_128_GCM_SHA256_128, CipherSuite.AES_128_CTR_HMAC_SHA256_80, CipherSuite.AES_256_GCM_SHA512_128];

/** The reference layout: prefix ‖ encrypt(ctr, rest, metadata = prefix). */
async function reference(key: SFrameKey, ctr: number, frame: Uint8Array, prefix: number): Promise<Uint8Array> {
  const sframe = await key.encrypt(BigInt(ctr), frame.subarray(prefix), frame.subarray(0, prefix));
  return concatBytes(frame.subarray(0, prefix), sframe);
}

describe('SFrameKey frame path', () => {
  it.each(SUITES)('sealFrame matches the reference bytes, and openFrame inverts it (suite %i)', async (suite) => {
    for (const kid of KIDS) {
      const key = await SFrameKey.fromBaseKey(suite, kid, BASE_KEY);
      for (const [frame, prefix] of [[vp8DeltaFrame(90), 3], [vp8KeyFrame(150), 10], [vp8DeltaFrame(40), 0]] as const) {
        for (const ctr of CTRS) {
          const sealed = await key.sealFrame(ctr, frame, prefix);
          expect(bytesToHex(sealed), `kid ${kid} ctr ${ctr}`).toBe(bytesToHex(await reference(key, ctr, frame, prefix)));
          expect(sealed.byteOffset === 0 && sealed.byteLength === sealed.buffer.byteLength).toBe(true);
          const header = decodeHeader(sealed, prefix);
          expect(header.ctr).toBe(BigInt(ctr));
          const opened = await key.openFrame(sealed, prefix, header);
          expect(bytesToHex(opened)).toBe(bytesToHex(frame));
        }
      }
    }
  });

  it('authenticates the clear prefix and the header', async () => {
    const key = await SFrameKey.fromBaseKey(CipherSuite.AES_128_GCM_SHA256_128, 300n, BASE_KEY);
    const frame = vp8KeyFrame(64);
    const sealed = await key.sealFrame(42, frame, 10);
    for (const index of [0, 9, 10, 11, sealed.length - 1]) {
      const tampered = sealed.slice();
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      const header = decodeHeader(sealed, 10);
      await expect(key.openFrame(tampered, 10, header)).rejects.toMatchObject({ code: 'invalid-tag' });
    }
  });

  it('keeps concurrent frames on one key apart (scratch buffers are reused)', async () => {
    const key = await SFrameKey.fromBaseKey(CipherSuite.AES_128_GCM_SHA256_128, 77n, BASE_KEY);
    const frames = Array.from({ length: 32 }, (_, i) => vp8DeltaFrame(50 + i, i + 1));
    const sealed = await Promise.all(frames.map((f, i) => key.sealFrame(1000 + i * 300, f, 3)));
    for (const [i, s] of sealed.entries()) {
      expect(bytesToHex(s)).toBe(bytesToHex(await reference(key, 1000 + i * 300, frames[i]!, 3)));
    }
    const opened = await Promise.all(sealed.map((s) => key.openFrame(s, 3, decodeHeader(s, 3))));
    opened.forEach((o, i) => expect(bytesToHex(o)).toBe(bytesToHex(frames[i]!)));
  });

  it('refuses a CTR beyond the Number range instead of wrapping', async () => {
    const key = await SFrameKey.fromBaseKey(CipherSuite.AES_128_GCM_SHA256_128, 1n, BASE_KEY);
    for (const ctr of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) {
      await expect(key.sealFrame(ctr, vp8DeltaFrame(), 3)).rejects.toMatchObject({ code: 'counter-exhausted' });
    }
  });

  it('opens frames whose CTR is above 2^53 (from another implementation)', async () => {
    const key = await SFrameKey.fromBaseKey(CipherSuite.AES_128_GCM_SHA256_128, 5n, BASE_KEY);
    const frame = vp8DeltaFrame(30);
    const big = (1n << 63n) + 12345n;
    const wire = concatBytes(frame.subarray(0, 3), await key.encrypt(big, frame.subarray(3), frame.subarray(0, 3)));
    const header = decodeHeader(wire, 3);
    expect(header.ctr).toBe(big);
    expect(bytesToHex(await key.openFrame(wire, 3, header))).toBe(bytesToHex(frame));
  });
});

describe('growFront', () => {
  const original = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'transfer');

  afterEach(() => {
    if (original) Object.defineProperty(ArrayBuffer.prototype, 'transfer', original);
    else delete (ArrayBuffer.prototype as { transfer?: unknown }).transfer;
    vi.resetModules();
  });

  async function check(): Promise<void> {
    const { growFront } = await import('../../../src/e2ee/bytes');
    for (const size of [0, 5, 8191, 8192, 70_000]) {
      const source = new Uint8Array(size).map((_, i) => i % 251);
      const out = growFront(source.slice().buffer, 13);
      expect(out.length).toBe(size + 13);
      expect(out.subarray(13)).toEqual(source);
    }
  }

  it('moves the bytes right without ArrayBuffer.prototype.transfer', async () => {
    delete (ArrayBuffer.prototype as { transfer?: unknown }).transfer;
    vi.resetModules();
    await check();
  });

  it('moves the bytes right with ArrayBuffer.prototype.transfer', async () => {
    const transfer = vi.fn(function (this: ArrayBuffer, length: number): ArrayBuffer {
      const out = new Uint8Array(length);
      out.set(new Uint8Array(this).subarray(0, length));
      return out.buffer;
    });
    Object.defineProperty(ArrayBuffer.prototype, 'transfer', { value: transfer, configurable: true, writable: true });
    vi.resetModules();
    await check();
    expect(transfer).toHaveBeenCalled();
  });
});

describe('E2eeError', () => {
  it('is a LunarError with a stable code that survives JSON and postMessage', () => {
    const e = new E2eeError('replay', 'seen before', { cause: new Error('x') });
    expect(e).toBeInstanceOf(LunarError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('E2eeError');
    expect(JSON.parse(JSON.stringify(e))).toEqual({ code: 'replay', message: 'seen before' });
    expect(E2eeError.fromData(structuredClone(e.toData()))).toMatchObject({ code: 'replay', message: 'seen before' });
  });
});
