import { describe, expect, it, vi } from 'vitest';
import { equalBytes } from '../../../src/e2ee/bytes';
import { E2eeError } from '../../../src/e2ee/errors';
import { parseTransformOptions, type EncodedFrame } from '../../../src/e2ee/frame-transform';
import { randomKey } from '../../../src/e2ee/room-keys';
import type { FrameCryptor } from '../../../src/e2ee/frame-cryptor';
import { E2eeWorkerCore, PREPARED_KEYS_PER_EPOCH } from '../../../src/e2ee/worker-core';
import { OTHER_SECRET, SECRET, opusFrame, vp8DeltaFrame, vp8KeyFrame } from './frames';

class FakeFrame implements EncodedFrame {
  data: ArrayBuffer;
  constructor(bytes: Uint8Array, readonly type: 'key' | 'delta' | undefined, private readonly mimeType: string | undefined) {
    this.data = bytes.slice().buffer;
  }
  getMetadata() {
    return this.mimeType === undefined ? {} : { mimeType: this.mimeType };
  }
}

/** Runs frames through one core's transform (like an RTCRtpScriptTransformer) and collects the output. */
async function pump(core: E2eeWorkerCore, options: unknown, frames: FakeFrame[]): Promise<FakeFrame[]> {
  const readable = new ReadableStream<FakeFrame>({
    start(controller) {
      for (const f of frames) controller.enqueue(f);
      controller.close();
    },
  });
  const out: FakeFrame[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const writable = new WritableStream<FakeFrame>({ write: (f) => void out.push(f), close: () => done() });
  core.handleTransform(readable, writable, options);
  await finished;
  return out;
}

const videoFrames = () => [
  new FakeFrame(vp8KeyFrame(300, 1), 'key', 'video/VP8'),
  new FakeFrame(vp8DeltaFrame(90, 2), 'delta', 'video/VP8'),
  new FakeFrame(vp8DeltaFrame(70, 3), 'delta', undefined), // no mimeType: falls back to VP8 for video
];

function setup(bobSecret = SECRET) {
  const alice = new E2eeWorkerCore();
  const bob = new E2eeWorkerCore();
  expect(alice.api.setRoomSecret(SECRET)).toEqual({ ok: true, value: undefined });
  expect(bob.api.setRoomSecret(bobSecret)).toEqual({ ok: true, value: undefined });
  return { alice, bob };
}

const send = (kind: 'audio' | 'video', extra = {}) => ({ operation: 'encrypt', kind, participantId: 'alice', ...extra });
const receive = (kind: 'audio' | 'video') => ({ operation: 'decrypt', kind, participantId: 'alice' });

describe('E2eeWorkerCore transforms', () => {
  it('holds a link: nothing leaves until it is released, then a key frame is asked for and frames flow', async () => {
    const { alice, bob } = setup();
    let push!: ReadableStreamDefaultController<FakeFrame>;
    const readable = new ReadableStream<FakeFrame>({ start: (c) => void (push = c) });
    const out: FakeFrame[] = [];
    const writable = new WritableStream<FakeFrame>({ write: (f) => void out.push(f) });
    const generateKeyFrame = vi.fn(() => Promise.resolve());
    alice.handleTransform(readable, writable, send('video', { link: 'sid-1' }), { generateKeyFrame });
    const settle = () => new Promise((r) => setTimeout(r, 10));
    for (const f of videoFrames()) push.enqueue(f);
    await settle();
    expect(out).toHaveLength(0); // the peer is not verified: held frames are dropped, not queued
    expect(alice.api.releaseLink('other')).toEqual({ ok: true, value: undefined });
    push.enqueue(new FakeFrame(vp8DeltaFrame(90, 4), 'delta', 'video/VP8'));
    await settle();
    expect(out).toHaveLength(0); // another link's release does not free this one
    expect(generateKeyFrame).not.toHaveBeenCalled();
    expect(alice.api.releaseLink('sid-1')).toEqual({ ok: true, value: undefined });
    expect(generateKeyFrame).toHaveBeenCalledTimes(1);
    const key = vp8KeyFrame(300, 5);
    push.enqueue(new FakeFrame(key, 'key', 'video/VP8'));
    await vi.waitFor(() => expect(out).toHaveLength(1)); // encryption is async: wait for it, not for a fixed time
    expect(equalBytes(new Uint8Array(out[0]!.data), key)).toBe(false); // released frames are still encrypted
    const decrypted = await pump(bob, receive('video'), out);
    expect(new Uint8Array(decrypted[0]!.data)).toEqual(key);
    push.close();
  });

  it('refuses a link on a receiver, and an empty release', () => {
    expect(() => parseTransformOptions({ ...receive('video'), link: 'sid-1' })).toThrowError(expect.objectContaining({ code: 'invalid-message' }));
    expect(() => parseTransformOptions(send('video', { link: '' }))).toThrowError(expect.objectContaining({ code: 'invalid-message' }));
    expect(new E2eeWorkerCore().api.releaseLink('' as string)).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
  });

  it('encrypts on one side and decrypts on the other, frame for frame', async () => {
    const { alice, bob } = setup();
    const originals = videoFrames().map((f) => new Uint8Array(f.data.slice(0)));
    const encrypted = await pump(alice, send('video'), videoFrames());
    expect(encrypted).toHaveLength(3);
    encrypted.forEach((f, i) => expect(equalBytes(new Uint8Array(f.data), originals[i]!)).toBe(false));
    const decrypted = await pump(bob, receive('video'), encrypted);
    expect(decrypted.map((f) => new Uint8Array(f.data))).toEqual(originals);

    const audio = [new FakeFrame(opusFrame(40), undefined, 'audio/opus')];
    const audioOut = await pump(bob, receive('audio'), await pump(alice, send('audio'), audio));
    expect(new Uint8Array(audioOut[0]!.data)).toEqual(opusFrame(40));
    expect(bob.api.counters()).toMatchObject({ ok: true, value: { alice: { decrypted: 4, rejected: {} } } });
  });

  it('drops and counts plaintext from a bypassed sender; nothing reaches the decoder', async () => {
    const { alice, bob } = setup();
    const plaintext = await pump(alice, send('video', { bypassEncryption: true }), videoFrames());
    expect(plaintext).toHaveLength(3); // the hook really sends plaintext...
    expect(await pump(bob, receive('video'), plaintext)).toHaveLength(0); // ...and it is all dropped
    expect(bob.cryptor.counters('alice')).toEqual({ encrypted: 0, decrypted: 0, rejected: { unencrypted: 3 } });
    expect(bob.drops.get('unencrypted')).toBe(3);
  });

  it('drops everything from a sender with another secret', async () => {
    const { alice, bob } = setup(OTHER_SECRET);
    expect(await pump(bob, receive('video'), await pump(alice, send('video'), videoFrames()))).toHaveLength(0);
    expect(bob.cryptor.counters('alice').rejected).toEqual({ 'invalid-tag': 3 });
  });

  it('drops frames it cannot encrypt (no key yet) instead of sending them', async () => {
    const lone = new E2eeWorkerCore();
    expect(await pump(lone, send('audio'), [new FakeFrame(opusFrame(), undefined, 'audio/opus')])).toHaveLength(0);
    expect(lone.cryptor.counters('alice').rejected).toEqual({ 'missing-key': 1 });
  });

  it('refuses invalid transform options', () => {
    const core = new E2eeWorkerCore();
    const stream = () => [new ReadableStream(), new WritableStream()] as const;
    for (const bad of [
      null,
      'encrypt',
      { operation: 'both', kind: 'video', participantId: 'a' },
      { operation: 'decrypt', kind: 'screen', participantId: 'a' },
      { operation: 'decrypt', kind: 'video', participantId: '' },
      { operation: 'decrypt', kind: 'video', participantId: 'a', codec: 'h265' },
      { operation: 'decrypt', kind: 'video', participantId: 'a', bypassEncryption: true },
    ]) {
      expect(() => core.handleTransform(...stream(), bad), JSON.stringify(bad)).toThrowError(
        expect.objectContaining({ code: 'invalid-message' }),
      );
    }
    expect(parseTransformOptions({ operation: 'decrypt', kind: 'audio', participantId: 'x', extra: 1 })).toEqual({
      operation: 'decrypt',
      kind: 'audio',
      participantId: 'x',
    });
  });
});

describe('E2eeWorkerCore later-bound receivers (a spare connection, built before anyone is there)', () => {
  /** A receiver pipe we can push into and read from, like an RTCRtpScriptTransformer's. */
  function pipe() {
    let push!: ReadableStreamDefaultController<FakeFrame>;
    const readable = new ReadableStream<FakeFrame>({ start: (c) => void (push = c) });
    const out: FakeFrame[] = [];
    const writable = new WritableStream<FakeFrame>({ write: (f) => void out.push(f) });
    return { readable, writable, out, push: (f: FakeFrame) => push.enqueue(f) };
  }
  const settle = () => new Promise((r) => setTimeout(r, 10));
  const later = (token: string) => ({ operation: 'decrypt', kind: 'video', token });

  it('passes nothing until bound, then decrypts as the named sender', async () => {
    const { alice, bob } = setup();
    const encrypted = await pump(alice, send('video'), videoFrames());
    const p = pipe();
    bob.handleTransform(p.readable, p.writable, later('t1'));
    p.push(encrypted[0]!);
    await settle();
    expect(p.out).toHaveLength(0);
    expect(bob.api.bindReceiver('t1', 'alice')).toEqual({ ok: true, value: undefined });
    p.push(encrypted[1]!);
    p.push(encrypted[2]!);
    await vi.waitFor(() => expect(p.out).toHaveLength(3)); // the frame that waited, then the rest, in order
    expect(bob.cryptor.counters('alice').decrypted).toBe(3);
  });

  it('takes a binding that arrives before the transform does', async () => {
    const { alice, bob } = setup();
    const encrypted = await pump(alice, send('video'), videoFrames());
    expect(bob.api.bindReceiver('t2', 'alice')).toEqual({ ok: true, value: undefined });
    const p = pipe();
    bob.handleTransform(p.readable, p.writable, later('t2'));
    for (const f of encrypted) p.push(f);
    await vi.waitFor(() => expect(p.out).toHaveLength(3)); // decryption is async: a fixed 10 ms failed on a loaded CI machine
  });

  it("bound to one sender, rejects another's frames", async () => {
    const { alice, bob } = setup();
    const encrypted = await pump(alice, send('video'), videoFrames());
    const p = pipe();
    bob.handleTransform(p.readable, p.writable, later('t3'));
    bob.api.bindReceiver('t3', 'carol');
    for (const f of encrypted) p.push(f);
    await vi.waitFor(() => expect(bob.cryptor.counters('carol').rejected).toEqual({ unencrypted: 3 })); // not carol's: dropped, never passed
    expect(p.out).toHaveLength(0);
  });

  it('refuses bad later-bound options and bindings', () => {
    const core = new E2eeWorkerCore();
    const refuse = (options: unknown) => expect(() => core.handleTransform(new ReadableStream(), new WritableStream(), options)).toThrowError(expect.objectContaining({ code: 'invalid-message' }));
    refuse({ operation: 'encrypt', kind: 'video', token: 't' });
    refuse({ operation: 'decrypt', kind: 'video', token: '' });
    refuse({ operation: 'decrypt', kind: 'video', token: 't', participantId: 'alice' });
    expect(core.api.bindReceiver('', 'alice')).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    expect(core.api.bindReceiver('t', '')).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
  });
});

describe('E2eeWorkerCore API', () => {
  it('returns errors as plain data that rebuild into E2eeError', () => {
    const core = new E2eeWorkerCore();
    const bad = core.api.setRoomSecret('short');
    expect(bad).toEqual({ ok: false, error: { code: 'invalid-key', message: expect.any(String) } });
    // Survives structured cloning (what postMessage does).
    const cloned = structuredClone(bad);
    if (!cloned.ok) expect(E2eeError.fromData(cloned.error)).toMatchObject({ code: 'invalid-key' });
    expect(core.api.setEpoch(1, randomKey())).toMatchObject({ ok: false, error: { code: 'missing-key' } });
    expect(core.api.setEpoch('1' as unknown as number, randomKey())).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    core.api.setRoomSecret(SECRET);
    expect(core.api.setEpoch(1, randomKey())).toEqual({ ok: true, value: undefined });
    expect(core.api.setEpoch(0, randomKey())).toMatchObject({ ok: false, error: { code: 'epoch-order' } });
  });

  it('asks video transforms for key frames after a key change', async () => {
    const core = new E2eeWorkerCore();
    core.api.setRoomSecret(SECRET);
    const sender = { generateKeyFrame: vi.fn(async () => 0) };
    const receiver = { sendKeyFrameRequest: vi.fn(async () => undefined) };
    const audio = { generateKeyFrame: vi.fn(async () => 0) };
    core.handleTransform(new ReadableStream(), new WritableStream(), send('video'), sender);
    core.handleTransform(new ReadableStream(), new WritableStream(), receive('video'), receiver);
    core.handleTransform(new ReadableStream(), new WritableStream(), send('audio'), audio);
    core.api.setEpoch(1, randomKey());
    expect(sender.generateKeyFrame).toHaveBeenCalledTimes(1);
    expect(receiver.sendKeyFrameRequest).toHaveBeenCalledTimes(1);
    expect(audio.generateKeyFrame).not.toHaveBeenCalled();
  });
  it('derives the keys of its pipes when they start and at a new epoch (a bounded number), before any frame', () => {
    const core = new E2eeWorkerCore();
    core.api.setRoomSecret(SECRET);
    const cryptor = (core as unknown as { cryptor: FrameCryptor }).cryptor;
    const prepare = vi.spyOn(cryptor, 'prepareKey');
    core.handleTransform(new ReadableStream(), new WritableStream(), { operation: 'encrypt', kind: 'video', participantId: 'me' });
    const peers = Array.from({ length: PREPARED_KEYS_PER_EPOCH + 6 }, (_, i) => `peer-${i}`);
    for (const id of peers) core.handleTransform(new ReadableStream(), new WritableStream(), { operation: 'decrypt', kind: 'video', participantId: id });
    // Each pipe's key as it starts: ours, then every receiver's.
    expect(prepare.mock.calls).toEqual([['me', 'video'], ...peers.map((id) => [id, 'video'])]);
    prepare.mockClear();
    core.api.setEpoch(1, randomKey());
    // At the new epoch: the oldest pipes' keys, each once, up to the cap.
    expect(prepare.mock.calls).toEqual([['me', 'video'], ...peers.slice(0, PREPARED_KEYS_PER_EPOCH - 1).map((id) => [id, 'video'])]);
  });

  it('holds frames under an epoch it lacks and releases them, decrypted and in order, once the key comes', async () => {
    const { alice, bob } = setup();
    const key = randomKey();
    alice.api.setEpoch(1, key);
    const originals = videoFrames().map((f) => new Uint8Array(f.data.slice(0)));
    const encrypted = await pump(alice, send('video'), videoFrames());

    // Bob's receiver stays open (like a live transceiver) while the frames arrive before his key.
    let feed!: ReadableStreamDefaultController<FakeFrame>;
    const readable = new ReadableStream<FakeFrame>({ start: (c) => void (feed = c) });
    const out: FakeFrame[] = [];
    bob.handleTransform(readable, new WritableStream<FakeFrame>({ write: (f) => void out.push(f) }), receive('video'));
    for (const f of encrypted) feed.enqueue(f);
    await new Promise((r) => setTimeout(r, 20));
    expect(out).toHaveLength(0); // nothing passes without its key...
    expect(bob.cryptor.counters('alice').rejected).toEqual({}); // ...and nothing is lost yet

    bob.api.setEpoch(1, key);
    await vi.waitFor(() => expect(out).toHaveLength(3));
    expect(out.map((f) => new Uint8Array(f.data))).toEqual(originals);
    expect(bob.cryptor.counters('alice')).toMatchObject({ decrypted: 3, rejected: {} });
    feed.close();
  });

  it('drops and counts held frames whose key never comes (stream end or age limit), never passing them', async () => {
    const { alice, bob } = setup();
    alice.api.setEpoch(1, randomKey());
    const encrypted = await pump(alice, send('video'), videoFrames());
    expect(await pump(bob, receive('video'), encrypted)).toHaveLength(0);
    expect(bob.cryptor.counters('alice').rejected).toEqual({ 'missing-key': 3 });
    // A wrong key for that epoch releases nothing either: they fail authentication.
    const carol = new E2eeWorkerCore();
    carol.api.setRoomSecret(SECRET);
    let feed!: ReadableStreamDefaultController<FakeFrame>;
    const out: FakeFrame[] = [];
    carol.handleTransform(new ReadableStream<FakeFrame>({ start: (c) => void (feed = c) }), new WritableStream<FakeFrame>({ write: (f) => void out.push(f) }), receive('video'));
    for (const f of await pump(alice, send('video'), videoFrames())) feed.enqueue(f);
    await new Promise((r) => setTimeout(r, 20));
    carol.api.setEpoch(1, randomKey());
    await vi.waitFor(() => expect(carol.cryptor.counters('alice').rejected).toEqual({ 'invalid-tag': 3 }));
    expect(out).toHaveLength(0);
    feed.close();
  });
});
