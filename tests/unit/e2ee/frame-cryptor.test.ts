import { describe, expect, it } from 'vitest';
import { equalBytes } from '../../../src/e2ee/bytes';
import { FrameCryptor, type DecryptResult } from '../../../src/e2ee/frame-cryptor';
import { nextEpochKey, randomKey, ratchetEpochKey, deriveRoomKey } from '../../../src/e2ee/room-keys';
import { decodeHeader } from '../../../src/e2ee/sframe-header';
import { OTHER_SECRET, SECRET, opusFrame, vp8DeltaFrame, vp8KeyFrame } from './frames';

const VIDEO = { kind: 'video', codec: 'vp8' } as const;
const AUDIO = { kind: 'audio', codec: 'opus' } as const;

function pair(secretA = SECRET, secretB = SECRET) {
  const alice = new FrameCryptor({ localId: 'alice' });
  const bob = new FrameCryptor({ localId: 'bob' });
  alice.setRoomSecret(secretA);
  bob.setRoomSecret(secretB);
  return { alice, bob };
}

function expectRejected(result: DecryptResult, code: string): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.code).toBe(code);
}

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

describe('FrameCryptor round trip', () => {
  it('encrypts and decrypts VP8 key/delta and Opus frames, counting them', async () => {
    const { alice, bob } = pair();
    for (const [frame, info] of [
      [vp8KeyFrame(), VIDEO],
      [vp8DeltaFrame(), VIDEO],
      [opusFrame(), AUDIO],
    ] as const) {
      const encrypted = await alice.encrypt(frame, info);
      const result = await bob.decrypt(encrypted, { ...info, senderId: 'alice' });
      expect(result).toMatchObject({ ok: true, senderId: 'alice', epoch: 0 });
      if (result.ok) expect(equalBytes(result.data, frame)).toBe(true);
    }
    expect(alice.counters('alice')).toEqual({ encrypted: 3, decrypted: 0, rejected: {} });
    expect(bob.counters()).toEqual({
      alice: { encrypted: 0, decrypted: 3, rejected: {} },
    });
  });

  it('maps the KID back to a registered sender when no sender is given', async () => {
    const { alice, bob } = pair();
    bob.addParticipant('alice');
    const result = await bob.decrypt(await alice.encrypt(opusFrame(), AUDIO), AUDIO);
    expect(result).toMatchObject({ ok: true, senderId: 'alice' });
  });

  it('uses a fresh CTR for every frame, separately for audio and video KIDs', async () => {
    const { alice } = pair();
    const headers = [];
    for (let i = 0; i < 3; i++) headers.push(decodeHeader(await alice.encrypt(opusFrame(), AUDIO)));
    const video = decodeHeader(await alice.encrypt(vp8DeltaFrame(), VIDEO), 3);
    expect(headers.map((h) => h.ctr)).toEqual([0n, 1n, 2n]);
    expect(video.ctr).toBe(0n);
    expect(video.kid).not.toBe(headers[0]?.kid);
  });

  it('handles concurrent encrypts without reusing a counter', async () => {
    const { alice } = pair();
    const frames = await Promise.all(Array.from({ length: 20 }, () => alice.encrypt(opusFrame(), AUDIO)));
    const ctrs = new Set(frames.map((f) => decodeHeader(f).ctr));
    expect(ctrs.size).toBe(20);
  });

  it('does not restart counters when the same secret is set again (no nonce reuse)', async () => {
    const { alice } = pair();
    await alice.encrypt(opusFrame(), AUDIO);
    alice.setRoomSecret(SECRET);
    expect(decodeHeader(await alice.encrypt(opusFrame(), AUDIO)).ctr).toBe(1n);
  });

  it('refuses to encrypt without a key, and counts it', async () => {
    const lone = new FrameCryptor({ localId: 'alice' });
    await expect(lone.encrypt(opusFrame(), AUDIO)).rejects.toMatchObject({ code: 'missing-key' });
    expect(lone.counters('alice').rejected).toEqual({ 'missing-key': 1 });
  });
});

describe('clear prefix', () => {
  it('keeps 10 bytes of a VP8 key frame and 3 of a delta frame in the clear, encrypts the rest', async () => {
    const { alice } = pair();
    const key = vp8KeyFrame();
    const delta = vp8DeltaFrame();
    const encKey = await alice.encrypt(key, { ...VIDEO, keyFrame: true });
    const encDelta = await alice.encrypt(delta, VIDEO);
    expect(encKey.subarray(0, 10)).toEqual(key.subarray(0, 10));
    expect(encDelta.subarray(0, 3)).toEqual(delta.subarray(0, 3));
    // The SFrame header follows the prefix; the payload is not visible anywhere.
    const h = decodeHeader(encKey, 10);
    const body = encKey.subarray(10 + h.length);
    expect(body.length).toBe(key.length - 10 + 16);
    expect(equalBytes(body.subarray(0, 32), key.subarray(10, 42))).toBe(false);
  });

  it('encrypts every byte of an Opus frame (TOC included) and of a VP9 frame', async () => {
    const { alice, bob } = pair();
    const frame = opusFrame();
    const encrypted = await alice.encrypt(frame, AUDIO);
    expect(decodeHeader(encrypted).length).toBeGreaterThan(1); // header starts at byte 0
    const vp9 = vp8KeyFrame(100, 9);
    const encVp9 = await alice.encrypt(vp9, { kind: 'video', codec: 'vp9' });
    expect(() => decodeHeader(encVp9, 0)).not.toThrow();
    expect(await bob.decrypt(encVp9, { kind: 'video', codec: 'vp9', senderId: 'alice' })).toMatchObject({ ok: true });
  });

  it('authenticates the clear prefix as metadata', async () => {
    const { alice, bob } = pair();
    const encrypted = await alice.encrypt(vp8KeyFrame(), VIDEO);
    // Byte 5 is inside the clear prefix but not the key-frame bit: only the tag can catch it.
    expectRejected(await bob.decrypt(flip(encrypted, 5), { ...VIDEO, senderId: 'alice' }), 'invalid-tag');
    // Flipping the key-frame bit moves the header: the frame no longer parses as ours.
    const r = await bob.decrypt(flip(encrypted, 0), { ...VIDEO, senderId: 'alice' });
    expect(r.ok).toBe(false);
  });

  it('refuses a VP8 frame shorter than its clear prefix', async () => {
    const { alice } = pair();
    await expect(alice.encrypt(new Uint8Array([0x00, 0x01]), VIDEO)).rejects.toMatchObject({ code: 'frame-too-short' });
  });
});

describe('rejection: fails closed', () => {
  it('rejects plaintext frames as unencrypted', async () => {
    const { bob } = pair();
    for (const [frame, info] of [
      [vp8KeyFrame(), VIDEO],
      [vp8DeltaFrame(), VIDEO],
      [opusFrame(), AUDIO],
      [new Uint8Array(0), AUDIO],
    ] as const) {
      expectRejected(await bob.decrypt(frame, { ...info, senderId: 'alice' }), 'unencrypted');
    }
    expect(bob.counters('alice').rejected).toEqual({ unencrypted: 4 });
  });

  it('rejects tampered ciphertext, tag and header', async () => {
    const { alice, bob } = pair();
    const encrypted = await alice.encrypt(opusFrame(), AUDIO);
    const headerLength = decodeHeader(encrypted).length;
    const info = { ...AUDIO, senderId: 'alice' };
    expectRejected(await bob.decrypt(flip(encrypted, headerLength + 3), info), 'invalid-tag'); // ciphertext
    expectRejected(await bob.decrypt(flip(encrypted, encrypted.length - 1), info), 'invalid-tag'); // tag
    expectRejected(await bob.decrypt(flip(encrypted, 0), info), 'invalid-tag'); // CTR (inline in the config byte)
    expectRejected(await bob.decrypt(flip(encrypted, headerLength - 1), info), 'missing-key'); // KID epoch bits
    expectRejected(await bob.decrypt(flip(encrypted, 2), info), 'unencrypted'); // KID byte: another sender
    expectRejected(await bob.decrypt(encrypted.subarray(0, encrypted.length - 4), info), 'invalid-tag'); // truncated
    // The genuine frame still decrypts: failures did not advance the replay window.
    expect((await bob.decrypt(encrypted, info)).ok).toBe(true);
  });

  it('rejects frames from a participant with another secret (wrong key)', async () => {
    const { alice, bob } = pair(SECRET, OTHER_SECRET);
    expectRejected(await bob.decrypt(await alice.encrypt(vp8KeyFrame(), VIDEO), { ...VIDEO, senderId: 'alice' }), 'invalid-tag');
    expectRejected(await bob.decrypt(await alice.encrypt(opusFrame(), AUDIO), { ...AUDIO, senderId: 'alice' }), 'invalid-tag');
  });

  it("rejects a frame under another sender's KID, and unknown senders", async () => {
    const { alice, bob } = pair();
    const encrypted = await alice.encrypt(opusFrame(), AUDIO);
    expectRejected(await bob.decrypt(encrypted, { ...AUDIO, senderId: 'carol' }), 'unencrypted');
    expectRejected(await bob.decrypt(encrypted, AUDIO), 'unencrypted'); // alice never registered
  });

  it('rejects an audio frame spliced into a video stream', async () => {
    const { alice, bob } = pair();
    const audio = await alice.encrypt(opusFrame(), AUDIO);
    expectRejected(await bob.decrypt(audio, { kind: 'video', codec: 'vp9', senderId: 'alice' }), 'unencrypted');
  });

  it('rejects replays and CTRs older than the window', async () => {
    const { alice, bob } = pair();
    const info = { ...AUDIO, senderId: 'alice' };
    const frames = [];
    for (let i = 0; i < 200; i++) frames.push(await alice.encrypt(opusFrame(10, i), AUDIO));
    expect((await bob.decrypt(frames[0]!, info)).ok).toBe(true);
    expectRejected(await bob.decrypt(frames[0]!, info), 'replay');
    expect((await bob.decrypt(frames[150]!, info)).ok).toBe(true);
    // Out of order but inside the 128-frame window: accepted once.
    expect((await bob.decrypt(frames[100]!, info)).ok).toBe(true);
    expectRejected(await bob.decrypt(frames[100]!, info), 'replay');
    // More than 128 behind the newest: too old.
    expectRejected(await bob.decrypt(frames[10]!, info), 'replay');
    expect(bob.counters('alice')).toMatchObject({ decrypted: 3, rejected: { replay: 3 } });
  });

  it('refuses replays per scope when given one (a relay tree link), and forgets a dropped scope', async () => {
    const { alice, bob } = pair();
    const frame = await alice.encrypt(vp8KeyFrame(), VIDEO);
    const on = (replayScope?: string) => ({ ...VIDEO, senderId: 'alice', ...(replayScope === undefined ? {} : { replayScope }) });
    expect((await bob.decrypt(frame, on('link-1'))).ok).toBe(true);
    expectRejected(await bob.decrypt(frame, on('link-1')), 'replay');
    // Another link's decoder has not had it; nor has the default scope.
    expect((await bob.decrypt(frame, on('link-2'))).ok).toBe(true);
    expect((await bob.decrypt(frame, on())).ok).toBe(true);
    expectRejected(await bob.decrypt(frame, on()), 'replay');
    bob.dropReplayScope('link-1');
    expect((await bob.decrypt(frame, on('link-1'))).ok).toBe(true);
    // Bounded: the oldest of more than 16 scopes is forgotten.
    for (let i = 0; i < 16; i++) expect((await bob.decrypt(frame, on(`many-${i}`))).ok).toBe(true);
    expect((await bob.decrypt(frame, on('link-2'))).ok).toBe(true);
  });
});

describe('epochs', () => {
  it('moves to a new epoch in order, keeps the previous one for frames in flight', async () => {
    const { alice, bob } = pair();
    const info = { ...AUDIO, senderId: 'alice' };
    const old = await alice.encrypt(opusFrame(), AUDIO);
    const epoch1 = nextEpochKey(deriveRoomKey(SECRET), randomKey(), 1);
    alice.setEpoch(1, epoch1);
    bob.setEpoch(1, epoch1);
    const fresh = await alice.encrypt(opusFrame(), AUDIO);
    expect(await bob.decrypt(fresh, info)).toMatchObject({ ok: true, epoch: 1 });
    expect(await bob.decrypt(old, info)).toMatchObject({ ok: true, epoch: 0 });

    expect(() => bob.setEpoch(0, epoch1)).toThrowError(expect.objectContaining({ code: 'epoch-order' }));
    expect(() => bob.setEpoch(2, new Uint8Array(5))).toThrowError(expect.objectContaining({ code: 'invalid-key' }));
  });

  it('replaces the current epoch\'s key (two minters, one number): the new key decrypts, the old one fails', async () => {
    const { alice, bob } = pair();
    const info = { ...AUDIO, senderId: 'alice' };
    const mine = randomKey();
    const theirs = randomKey();
    alice.setEpoch(1, mine);
    bob.setEpoch(1, mine);
    const before = await alice.encrypt(opusFrame(), AUDIO);
    bob.setEpoch(1, mine); // the same key again: nothing changes
    expect(await bob.decrypt(before, info)).toMatchObject({ ok: true, epoch: 1 });
    alice.setEpoch(1, theirs);
    bob.setEpoch(1, theirs);
    expect(await bob.decrypt(await alice.encrypt(opusFrame(), AUDIO), info)).toMatchObject({ ok: true, epoch: 1 });
    expectRejected(await bob.decrypt(await encryptWith(mine), info), 'invalid-tag');
    expect(() => bob.setEpoch(0, theirs)).toThrowError(expect.objectContaining({ code: 'epoch-order' }));

    async function encryptWith(key: Uint8Array): Promise<Uint8Array> {
      const other = new FrameCryptor({ localId: 'alice' });
      other.setRoomSecret(SECRET);
      other.setEpoch(1, key);
      // A fresh cryptor restarts its counter: skip past the CTRs bob has seen.
      for (let i = 0; i < 5; i++) await other.encrypt(opusFrame(), AUDIO);
      return other.encrypt(opusFrame(), AUDIO);
    }
  });

  it('rejects frames of an epoch we do not hold (missing-key), and drops old epochs', async () => {
    const { alice, bob } = pair();
    const info = { ...AUDIO, senderId: 'alice' };
    const e0 = await alice.encrypt(opusFrame(), AUDIO);
    const k1 = ratchetEpochKey(deriveRoomKey(SECRET), 1);
    const k2 = ratchetEpochKey(k1, 2);
    alice.setEpoch(1, k1);
    alice.setEpoch(2, k2);
    const e2 = await alice.encrypt(opusFrame(), AUDIO);
    expectRejected(await bob.decrypt(e2, info), 'missing-key');
    bob.setEpoch(1, k1);
    bob.setEpoch(2, k2);
    expect((await bob.decrypt(e2, info)).ok).toBe(true);
    expectRejected(await bob.decrypt(e0, info), 'missing-key'); // epoch 0 no longer retained
  });

  it('a removed member without the new epoch key decodes nothing new', async () => {
    const alice = new FrameCryptor({ localId: 'alice' });
    const bob = new FrameCryptor({ localId: 'bob' });
    const mallory = new FrameCryptor({ localId: 'mallory' });
    for (const c of [alice, bob, mallory]) c.setRoomSecret(SECRET);
    const k1 = nextEpochKey(deriveRoomKey(SECRET), randomKey(), 1);
    alice.setEpoch(1, k1);
    bob.setEpoch(1, k1);
    const frame = await alice.encrypt(vp8DeltaFrame(), VIDEO);
    expect((await bob.decrypt(frame, { ...VIDEO, senderId: 'alice' })).ok).toBe(true);
    expectRejected(await mallory.decrypt(frame, { ...VIDEO, senderId: 'alice' }), 'missing-key');
    // Even guessing the next epoch without the fresh randomness does not help.
    mallory.setEpoch(1, ratchetEpochKey(deriveRoomKey(SECRET), 1));
    expectRejected(await mallory.decrypt(frame, { ...VIDEO, senderId: 'alice' }), 'invalid-tag');
  });

  it('removing a participant rejects its frames afterwards', async () => {
    const { alice, bob } = pair();
    bob.addParticipant('alice');
    bob.removeParticipant('alice');
    expectRejected(await bob.decrypt(await alice.encrypt(opusFrame(), AUDIO), AUDIO), 'unencrypted');
  });
});

describe('prepareKey: keys derived before the first frame', () => {
  it('prepares the same keys the first frames would derive, for our own sends and a remote sender, in a new epoch', async () => {
    const { alice, bob } = pair();
    const epochKey = randomKey();
    alice.setEpoch(1, epochKey);
    bob.setEpoch(1, epochKey);
    // Prepared on both ends before any frame: alice's own send keys, bob's key for alice.
    for (const kind of ['video', 'audio'] as const) {
      alice.prepareKey('alice', kind);
      bob.prepareKey('alice', kind);
    }
    for (const [frame, info] of [
      [vp8KeyFrame(), VIDEO],
      [opusFrame(), AUDIO],
    ] as const) {
      const result = await bob.decrypt(await alice.encrypt(frame, info), { ...info, senderId: 'alice' });
      expect(result).toMatchObject({ ok: true, senderId: 'alice', epoch: 1 });
      if (result.ok) expect(equalBytes(result.data, frame)).toBe(true);
    }
  });

  it('does nothing without a key, and its key is not the wrong one for someone else', async () => {
    const keyless = new FrameCryptor({ localId: 'alice' });
    expect(() => keyless.prepareKey('bob', 'video')).not.toThrow();
    const { alice, bob } = pair();
    // Bob prepares a key for "carol"; alice's frames still open with alice's own key.
    bob.prepareKey('carol', 'video');
    const result = await bob.decrypt(await alice.encrypt(vp8KeyFrame(), VIDEO), { ...VIDEO, senderId: 'alice' });
    expect(result).toMatchObject({ ok: true, senderId: 'alice' });
  });
});
