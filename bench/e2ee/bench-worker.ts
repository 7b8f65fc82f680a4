/**
 * Runs inside a dedicated worker in Chromium: per frame size, the cost of one encrypt plus
 * one decrypt of the same frame, for
 * - ours: FrameCryptor, exactly what the E2EE worker does per frame (VP8 delta frame:
 *   3-byte clear prefix ‖ SFrame header ‖ AES-GCM ciphertext ‖ tag; the AAD is header ‖
 *   prefix), and the same for VP9 (no clear prefix, so decrypt needs no copy at all);
 * - WebCrypto frame: a hand-written raw AES-GCM transform producing an equally usable frame
 *   (prefix ‖ 12-byte IV ‖ ciphertext ‖ tag, prefix authenticated), so the same copies the
 *   encoded-frame API forces on both: one to assemble each output frame. This isolates what
 *   the SFrame layer itself costs;
 * - WebCrypto only: bare encrypt + decrypt of the whole frame, no AAD, no frame assembly:
 *   the floor, not a working transform (VP8 would not even packetize);
 * - @noble/ciphers AES-GCM for reference.
 * Rounds interleave the variants (rotating which goes first) so load drift hits all alike.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { growFront } from '../../src/e2ee/bytes';
import { FrameCryptor } from '../../src/e2ee/frame-cryptor';

export interface E2eeBenchRequest {
  sizes: number[];
  rounds: number;
  /** Target wall time per measurement, in ms (iterations are scaled to fit). */
  budgetMs: number;
}

export interface E2eeBenchRow {
  size: number;
  /** FrameCryptor, VP8 delta frame. */
  oursUs: number;
  /** FrameCryptor, VP9 frame (no clear prefix). */
  oursVp9Us: number;
  /** Raw WebCrypto AES-GCM building the same kind of frame (prefix, IV, one copy each way). */
  webCryptoFrameUs: number;
  /** Raw WebCrypto AES-GCM encrypt + decrypt of the bare frame. */
  webCryptoUs: number;
  nobleUs: number;
}

interface WorkerScope {
  onmessage: ((event: { data: E2eeBenchRequest }) => void) | null;
  postMessage(message: unknown): void;
}
declare const self: WorkerScope;

const SECRET = 'q83vEjRWeJq83vEjRWeJqw';
const VP8 = { kind: 'video', codec: 'vp8' } as const;
const VP9 = { kind: 'video', codec: 'vp9' } as const;
const VP8_DELTA_PREFIX = 3;
const IV_BYTES = 12;

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

async function timePerFrame(iterations: number, step: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await step();
  return ((performance.now() - start) * 1000) / iterations;
}

async function run(request: E2eeBenchRequest): Promise<E2eeBenchRow[]> {
  const sender = new FrameCryptor({ localId: 'alice' });
  const receiver = new FrameCryptor({ localId: 'bob' });
  sender.setRoomSecret(SECRET);
  receiver.setRoomSecret(SECRET);
  const rawKeyBytes = crypto.getRandomValues(new Uint8Array(16));
  const rawKey = await crypto.subtle.importKey('raw', rawKeyBytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(new ArrayBuffer(IV_BYTES));
  const ivView = new DataView(iv.buffer);
  let ivCounter = 0;
  const nextIv = () => {
    ivView.setUint32(8, ivCounter++);
    return iv;
  };

  const ours = (info: typeof VP8 | typeof VP9) => async (frame: Uint8Array) => {
    const encrypted = await sender.encrypt(frame, info);
    const result = await receiver.decrypt(encrypted, { ...info, senderId: 'alice' });
    if (!result.ok) throw new Error(`bench decrypt failed: ${result.code}`);
  };
  const oursVp8 = ours(VP8);
  const oursVp9 = ours(VP9);
  const webCrypto = async (frame: Uint8Array<ArrayBuffer>) => {
    const params = { name: 'AES-GCM', iv: nextIv() };
    const sealed = await crypto.subtle.encrypt(params, rawKey, frame);
    await crypto.subtle.decrypt(params, rawKey, sealed);
  };
  const webCryptoFrame = async (frame: Uint8Array<ArrayBuffer>) => {
    // Sender: prefix ‖ IV ‖ ciphertext ‖ tag, with the clear prefix authenticated.
    const p = VP8_DELTA_PREFIX;
    const prefix = frame.subarray(0, p);
    const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nextIv(), additionalData: prefix }, rawKey, frame.subarray(p));
    const wire = growFront(sealed, p + IV_BYTES);
    wire.set(prefix);
    wire.set(iv, p);
    // Receiver: prefix ‖ plaintext.
    const params = { name: 'AES-GCM', iv: wire.subarray(p, p + IV_BYTES), additionalData: wire.subarray(0, p) };
    const plaintext = await crypto.subtle.decrypt(params, rawKey, wire.subarray(p + IV_BYTES));
    growFront(plaintext, p).set(wire.subarray(0, p));
  };
  const noble = (frame: Uint8Array) => {
    const nonce = nextIv();
    gcm(rawKeyBytes, nonce).decrypt(gcm(rawKeyBytes, nonce).encrypt(frame));
  };

  const rows: E2eeBenchRow[] = [];
  for (const size of request.sizes) {
    const frame = frameOf(size);
    // Calibrate on raw WebCrypto so every variant runs the same number of frames.
    const probe = await timePerFrame(50, () => webCrypto(frame));
    const iterations = Math.max(50, Math.round((request.budgetMs * 1000) / probe));
    // Warm-up: key derivation, JIT.
    for (const warm of [oursVp8, oursVp9, webCryptoFrame]) await timePerFrame(Math.ceil(iterations / 4), () => warm(frame));
    const samples = { ours: [] as number[], oursVp9: [] as number[], webCryptoFrame: [] as number[], webCrypto: [] as number[], noble: [] as number[] };
    const variants = [
      async () => samples.ours.push(await timePerFrame(iterations, () => oursVp8(frame))),
      async () => samples.webCryptoFrame.push(await timePerFrame(iterations, () => webCryptoFrame(frame))),
      async () => samples.webCrypto.push(await timePerFrame(iterations, () => webCrypto(frame))),
      async () => samples.oursVp9.push(await timePerFrame(iterations, () => oursVp9(frame))),
      async () => samples.noble.push(await timePerFrame(Math.max(10, Math.round(iterations / 10)), () => noble(frame))),
    ];
    for (let r = 0; r < request.rounds; r++) {
      // Rotate which variant goes first, so ordering effects (GC after noble, warm caches) cancel out.
      for (let v = 0; v < variants.length; v++) await variants[(r + v) % variants.length]?.();
    }
    rows.push({
      size,
      oursUs: median(samples.ours),
      oursVp9Us: median(samples.oursVp9),
      webCryptoFrameUs: median(samples.webCryptoFrame),
      webCryptoUs: median(samples.webCrypto),
      nobleUs: median(samples.noble),
    });
  }
  return rows;
}

self.onmessage = (event) => {
  run(event.data).then(
    (rows) => self.postMessage({ ok: true, rows }),
    (error: unknown) => self.postMessage({ ok: false, error: String(error) }),
  );
};
