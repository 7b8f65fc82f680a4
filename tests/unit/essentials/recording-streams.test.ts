import { describe, expect, it } from 'vitest';
import { createDecryptStream, createEncryptStream, decryptBlob, encryptBlob } from '../../../src/recording/recording-streams';
import { decodeHeader, HEADER_BYTES, looksEncrypted, MIN_ITERATIONS, TAG_BYTES } from '../../../src/recording/recording-format';
import { ByteQueue } from '../../../src/recording/byte-queue';
import type { RecordingError } from '../../../src/recording/recording-error';

const CHUNK = 1024;
const ITER = MIN_ITERATIONS;
const PASS = 'correct horse battery staple';

function data(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Feeds `bytes` through `stream` in irregular pieces, as MediaRecorder would. */
async function run(stream: TransformStream<Uint8Array, Uint8Array>, bytes: Uint8Array, piece = 777): Promise<Uint8Array> {
  const input = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += piece) c.enqueue(bytes.slice(i, i + piece));
      c.close();
    },
  });
  const q = new ByteQueue();
  const reader = input.pipeThrough(stream).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    q.push(value);
  }
  return q.take(q.length);
}

const encrypt = (plain: Uint8Array, pass = PASS) => run(createEncryptStream(pass, { iterations: ITER, chunkSize: CHUNK }), plain);
const decrypt = (sealed: Uint8Array, pass = PASS) => run(createDecryptStream(pass), sealed, 500);

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return (err as RecordingError).code ?? String(err);
  }
}

describe('recording file format', () => {
  // One encryption shared by the negative tests: PBKDF2 at 200k rounds costs ~0.1 s each time.
  const plain = data(5 * CHUNK + 300);
  const sealedP = encrypt(plain);

  it('round-trips, with a header, one tag per chunk and the stated parameters', async () => {
    const sealed = await sealedP;
    expect(looksEncrypted(sealed)).toBe(true);
    const h = decodeHeader(sealed);
    expect(h.iterations).toBe(ITER);
    expect(h.chunkSize).toBe(CHUNK);
    expect(sealed.length).toBe(HEADER_BYTES + plain.length + 6 * TAG_BYTES);
    expect(await decrypt(sealed)).toEqual(plain);
  });

  it('round-trips empty input and an exact multiple of the chunk size', async () => {
    expect(await decrypt(await encrypt(new Uint8Array(0)))).toEqual(new Uint8Array(0));
    const exact = data(3 * CHUNK, 7);
    const sealed = await encrypt(exact);
    expect(sealed.length).toBe(HEADER_BYTES + exact.length + 3 * TAG_BYTES);
    expect(await decrypt(sealed)).toEqual(exact);
  });

  it('never puts the plaintext in the output', async () => {
    const text = new TextEncoder().encode('SECRET-MEETING-CONTENT '.repeat(200));
    const sealed = await encrypt(text);
    expect(Buffer.from(sealed).includes(Buffer.from('SECRET-MEETING'))).toBe(false);
  });

  it('rejects a wrong passphrase with wrong-passphrase', async () => {
    expect(await code(decrypt(await sealedP, 'wrong horse'))).toBe('wrong-passphrase');
  });

  it('detects truncation at a chunk boundary, mid-chunk and before the header', async () => {
    const sealed = await sealedP;
    const boundary = HEADER_BYTES + 3 * (CHUNK + TAG_BYTES);
    expect(await code(decrypt(sealed.slice(0, boundary)))).toBe('truncated-recording');
    expect(await code(decrypt(sealed.slice(0, HEADER_BYTES)))).toBe('truncated-recording');
    expect(await code(decrypt(sealed.slice(0, 20)))).toBe('truncated-recording');
    // Dropping the final chunk's last bytes: it no longer authenticates.
    expect(await code(decrypt(sealed.slice(0, sealed.length - 5)))).toMatch(/corrupt-recording|truncated-recording/);
  });

  it('detects reordered chunks', async () => {
    const sealed = await sealedP;
    const size = CHUNK + TAG_BYTES;
    const c = (i: number) => sealed.slice(HEADER_BYTES + i * size, HEADER_BYTES + (i + 1) * size);
    const swapped = new Uint8Array(sealed);
    swapped.set(c(2), HEADER_BYTES + size);
    swapped.set(c(1), HEADER_BYTES + 2 * size);
    expect(await code(decrypt(swapped))).toBe('corrupt-recording');
  });

  it('detects a flipped bit in a chunk, in a tag, in the header and appended data', async () => {
    const sealed = await sealedP;
    for (const at of [HEADER_BYTES + 10, HEADER_BYTES + CHUNK + 3, sealed.length - 1]) {
      const t = new Uint8Array(sealed);
      t[at]! ^= 1;
      expect(await code(decrypt(t)), `byte ${at}`).toBe('corrupt-recording');
    }
    const h = new Uint8Array(sealed);
    h[33]! ^= 1; // nonce prefix: authenticated as AAD
    expect(await code(decrypt(h))).toBe('corrupt-recording');
    const salt = new Uint8Array(sealed);
    salt[20]! ^= 1; // different salt, different key: reported as a wrong passphrase, which is all we can know
    expect(await code(decrypt(salt))).toBe('wrong-passphrase');
    const appended = new Uint8Array([...sealed, ...data(CHUNK + TAG_BYTES + 5)]);
    expect(await code(decrypt(appended))).toBe('corrupt-recording');
  });

  it('refuses foreign files and weak or absurd parameters', async () => {
    expect(await code(decrypt(data(500)))).toBe('unsupported-recording');
    const weak = new Uint8Array(await sealedP);
    new DataView(weak.buffer).setUint32(6, 1000);
    expect(await code(decrypt(weak))).toBe('unsupported-recording');
    const huge = new Uint8Array(await sealedP);
    new DataView(huge.buffer).setUint32(6, 0xffffffff);
    expect(await code(decrypt(huge))).toBe('unsupported-recording');
    expect(() => createEncryptStream(PASS, { iterations: 1000 })).toThrow(RangeError);
  });

  it('encryptBlob/decryptBlob round-trip a Blob', async () => {
    const blob = new Blob([data(3000, 3) as Uint8Array<ArrayBuffer>], { type: 'video/webm' });
    const sealed = await encryptBlob(blob, PASS, { iterations: ITER, chunkSize: CHUNK });
    const back = await decryptBlob(sealed, PASS);
    expect(back.type).toBe('video/webm');
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(data(3000, 3));
    expect(await code(decryptBlob(sealed, 'nope'))).toBe('wrong-passphrase');
  });
});
