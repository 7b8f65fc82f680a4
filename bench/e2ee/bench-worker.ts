/**
 * Runs inside a dedicated worker in Chromium: per frame size, the cost of SFrame
 * encrypt+decrypt through FrameCryptor (what the E2EE worker does per frame) against raw
 * WebCrypto AES-GCM encrypt+decrypt of the same frames, and @noble/ciphers AES-GCM for
 * reference. Rounds interleave the three so load drift hits all alike.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { FrameCryptor } from '../../src/e2ee/frame-cryptor';

export interface E2eeBenchRequest {
  sizes: number[];
  rounds: number;
  /** Target wall time per measurement, in ms (iterations are scaled to fit). */
  budgetMs: number;
}

export interface E2eeBenchRow {
  size: number;
  oursUs: number;
  webCryptoUs: number;
  nobleUs: number;
}

interface WorkerScope {
  onmessage: ((event: { data: E2eeBenchRequest }) => void) | null;
  postMessage(message: unknown): void;
}
declare const self: WorkerScope;

const SECRET = 'q83vEjRWeJq83vEjRWeJqw';
const VIDEO = { kind: 'video', codec: 'vp8' } as const;

function frameOf(size: number): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(frame.subarray(i, Math.min(size, i + 65536)));
  frame[0] = 0x31; // VP8 delta frame: 3-byte clear prefix
  return frame;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

async function timePerFrame(iterations: number, step: (i: number) => Promise<void> | void): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await step(i);
  return ((performance.now() - start) * 1000) / iterations;
}

async function run(request: E2eeBenchRequest): Promise<E2eeBenchRow[]> {
  const sender = new FrameCryptor({ localId: 'alice' });
  const receiver = new FrameCryptor({ localId: 'bob' });
  sender.setRoomSecret(SECRET);
  receiver.setRoomSecret(SECRET);
  const rawKeyBytes = crypto.getRandomValues(new Uint8Array(16));
  const rawKey = await crypto.subtle.importKey('raw', rawKeyBytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(12);
  const nextIv = (i: number) => {
    new DataView(iv.buffer).setUint32(8, i);
    return iv;
  };

  const ours = async (frame: Uint8Array) => {
    const encrypted = await sender.encrypt(frame, VIDEO);
    const result = await receiver.decrypt(encrypted, { ...VIDEO, senderId: 'alice' });
    if (!result.ok) throw new Error(`bench decrypt failed: ${result.code}`);
  };
  let ivCounter = 0;
  const webCrypto = async (frame: Uint8Array<ArrayBuffer>) => {
    const params = { name: 'AES-GCM', iv: nextIv(ivCounter++) };
    const sealed = await crypto.subtle.encrypt(params, rawKey, frame);
    await crypto.subtle.decrypt(params, rawKey, sealed);
  };
  const noble = (frame: Uint8Array) => {
    const nonce = nextIv(ivCounter++);
    gcm(rawKeyBytes, nonce).decrypt(gcm(rawKeyBytes, nonce).encrypt(frame));
  };

  const rows: E2eeBenchRow[] = [];
  for (const size of request.sizes) {
    const frame = frameOf(size);
    // Calibrate on raw WebCrypto so every variant runs the same number of frames.
    const probe = await timePerFrame(50, () => webCrypto(frame));
    const iterations = Math.max(50, Math.round((request.budgetMs * 1000) / probe));
    await timePerFrame(iterations, () => ours(frame)); // warm-up: key derivation, JIT
    const samples = { ours: [] as number[], webCrypto: [] as number[], noble: [] as number[] };
    const variants = [
      async () => samples.ours.push(await timePerFrame(iterations, () => ours(frame))),
      async () => samples.webCrypto.push(await timePerFrame(iterations, () => webCrypto(frame))),
      async () => samples.noble.push(await timePerFrame(Math.max(10, Math.round(iterations / 10)), () => noble(frame))),
    ];
    for (let r = 0; r < request.rounds; r++) {
      // Rotate which variant goes first, so ordering effects (GC after noble, warm caches) cancel out.
      for (let v = 0; v < variants.length; v++) await variants[(r + v) % variants.length]?.();
    }
    rows.push({ size, oursUs: median(samples.ours), webCryptoUs: median(samples.webCrypto), nobleUs: median(samples.noble) });
  }
  return rows;
}

self.onmessage = (event) => {
  run(event.data).then(
    (rows) => self.postMessage({ ok: true, rows }),
    (error: unknown) => self.postMessage({ ok: false, error: String(error) }),
  );
};
