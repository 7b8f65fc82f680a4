/**
 * ForwarderCore in Node with fake encoded frames: an origin core encrypts, a forwarder core
 * copies the ciphertext to its children unchanged and decrypts its own copy, placeholder key
 * frames become rate-limited upstream requests, and a forwarder without the key still forwards.
 */
import { describe, expect, it, vi } from 'vitest';
import { createRoom } from '../../../../src/room/room-link';
import { ForwarderCore } from '../../../../src/tree/forwarding/forwarder-core';
import { PRIME_FLUSH_MAX_MS, PRIME_KEY_WAIT_MS, PRIME_MS } from '../../../../src/tree/forwarding/primed-frames';

interface FakeFrame {
  data: ArrayBuffer;
  type?: string;
  getMetadata(): { mimeType: string };
}

function frame(bytes: number[], type?: string): FakeFrame {
  return { data: new Uint8Array(bytes).buffer, ...(type ? { type } : {}), getMetadata: () => ({ mimeType: 'video/VP8' }) };
}

const clone = (f: FakeFrame): FakeFrame => ({ ...f, data: f.data.slice(0) });

/** A readable we push into and a writable that collects. */
function source() {
  let ctl!: ReadableStreamDefaultController<FakeFrame>;
  const readable = new ReadableStream<FakeFrame>({ start: (c) => void (ctl = c) });
  return { readable, push: (f: FakeFrame) => ctl.enqueue(f) };
}
function sink() {
  const got: Uint8Array[] = [];
  const writable = new WritableStream<FakeFrame>({ write: (f) => void got.push(new Uint8Array(f.data)) });
  return { writable, got };
}

const KEY = [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00, 7, 7, 7, 7]; // VP8 key frame (bit 0 = 0)
const DELTA = [0x31, 0x02, 0x00, 5, 5, 5, 5, 5];
const SECRET = createRoom().secret;

async function encryptedFrames(secret: string, plain: number[][]): Promise<Uint8Array[]> {
  const origin = new ForwarderCore<FakeFrame>({ cloneFrame: clone });
  expect(origin.api.setRoomSecret(secret).ok).toBe(true);
  const src = source();
  const out = sink();
  expect(origin.api.attachOrigin(src.readable, out.writable, { role: 'origin', kind: 'video', localId: 'alice' }).ok).toBe(true);
  for (const p of plain) src.push(frame(p));
  await vi.waitFor(() => expect(out.got).toHaveLength(plain.length));
  expect(origin.counters().sent['video:alice']).toBe(plain.length);
  return out.got;
}

describe('ForwarderCore', () => {
  it('forwards ciphertext byte for byte to every child and decrypts its own copy', async () => {
    const cipher = await encryptedFrames(SECRET, [KEY, DELTA, DELTA]);
    const requests = { n: 0 };
    const keyFrames = { sendKeyFrameRequest: async () => void requests.n++ };
    const b = new ForwarderCore<FakeFrame>({ cloneFrame: clone, now: () => 0 });
    expect(b.api.setRoomSecret(SECRET).ok).toBe(true);
    const up = source();
    const decoder = sink();
    b.handleReceive(up.readable, decoder.writable, { role: 'receive', kind: 'video', sourceId: 'alice' }, keyFrames);
    const children = ['c1', 'c2'].map((childId) => {
      const placeholder = source();
      const out = sink();
      const r = b.api.attachChild(placeholder.readable, out.writable, { role: 'child', kind: 'video', sourceId: 'alice', childId });
      expect(r.ok).toBe(true);
      return { childId, placeholder, out };
    });
    for (const c of cipher) up.push(frame([...c]));
    await vi.waitFor(() => expect(decoder.got).toHaveLength(3));
    expect(decoder.got.map((d) => [...d])).toEqual([KEY, DELTA, DELTA]);
    for (const child of children) {
      await vi.waitFor(() => expect(child.out.got).toHaveLength(3));
      expect(child.out.got.map((d) => [...d])).toEqual(cipher.map((c) => [...c]));
    }
    const stream = b.counters().streams['video:alice'];
    expect(stream?.received).toBe(3);
    expect(stream?.decrypted).toBe(3);
    expect(stream?.children.c1).toMatchObject({ offered: 3, forwarded: 3, failed: 0 });

    // Placeholder key frames are the children's key-frame requests: two at once make one upstream request.
    children[0]?.placeholder.push(frame(DELTA));
    children[0]?.placeholder.push(frame(KEY, 'key'));
    children[1]?.placeholder.push(frame(KEY, 'key'));
    await vi.waitFor(() => expect(b.counters().streams['video:alice']?.keyFrameRequestsSuppressed).toBe(1));
    expect(requests.n).toBe(1);
    expect(b.counters().streams['video:alice']?.children.c1).toMatchObject({ placeholderDiscarded: 2, placeholderKeyFrames: 1 });

    // A detached child gets nothing more.
    expect(b.api.detachChild('c1')).toEqual({ ok: true, value: 1 });
    up.push(frame([...(cipher[1] ?? [])]));
    await vi.waitFor(() => expect(children[1]?.out.got).toHaveLength(4));
    expect(children[0]?.out.got).toHaveLength(3);
    expect(Object.keys(b.counters().streams['video:alice']?.children ?? {})).toEqual(['c2']);
  });

  it('a spare receiver (receive-later) passes nothing until bound, then forwards and decrypts as its source; either order', async () => {
    const cipher = await encryptedFrames(SECRET, [KEY, DELTA]);
    for (const bindFirst of [false, true]) {
      const b = new ForwarderCore<FakeFrame>({ cloneFrame: clone, now: () => 0 });
      expect(b.api.setRoomSecret(SECRET).ok).toBe(true);
      const up = source();
      const decoder = sink();
      const out = sink();
      expect(b.api.attachChild(source().readable, out.writable, { role: 'child', kind: 'video', sourceId: 'alice', childId: 'c1' }).ok).toBe(true);
      if (bindFirst) expect(b.api.bindReceiver('tok', 'alice').ok).toBe(true);
      b.handleReceive(up.readable, decoder.writable, { role: 'receive-later', kind: 'video', token: 'tok' });
      up.push(frame([...(cipher[0] ?? [])]));
      if (!bindFirst) {
        await new Promise((r) => setTimeout(r, 20));
        expect(decoder.got).toHaveLength(0);
        expect(out.got).toHaveLength(0);
        expect(b.api.bindReceiver('tok', 'alice').ok).toBe(true);
      }
      up.push(frame([...(cipher[1] ?? [])]));
      await vi.waitFor(() => expect(decoder.got).toHaveLength(2));
      expect(decoder.got.map((d) => [...d])).toEqual([KEY, DELTA]);
      expect(out.got.map((d) => [...d])).toEqual(cipher.map((c) => [...c]));
    }
    const b = new ForwarderCore<FakeFrame>({ cloneFrame: clone });
    expect(b.api.bindReceiver('', 'alice')).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    expect(() => b.handleReceive(source().readable, sink().writable, { role: 'receive-later', kind: 'video' })).toThrow(/token/);
  });

  it("a new child's key-frame requests pass after a short gap; an older child's wait the full interval", async () => {
    let t = 0;
    const requests: number[] = [];
    const b = new ForwarderCore<FakeFrame>({ cloneFrame: clone, now: () => t });
    b.handleReceive(source().readable, sink().writable, { role: 'receive', kind: 'video', sourceId: 'alice' }, { sendKeyFrameRequest: async () => void requests.push(t) });
    const child = (childId: string) => {
      const placeholder = source();
      expect(b.api.attachChild(placeholder.readable, sink().writable, { role: 'child', kind: 'video', sourceId: 'alice', childId }).ok).toBe(true);
      return placeholder;
    };
    const c1 = child('c1');
    const c2 = child('c2');
    const key = async (c: ReturnType<typeof source>, at: number) => {
      t = at;
      const before = b.counters().streams['video:alice'];
      const seen = (before?.keyFrameRequestsUp ?? 0) + (before?.keyFrameRequestsSuppressed ?? 0);
      c.push(frame(KEY, 'key'));
      await vi.waitFor(() => {
        const s = b.counters().streams['video:alice'];
        expect((s?.keyFrameRequestsUp ?? 0) + (s?.keyFrameRequestsSuppressed ?? 0)).toBe(seen + 1);
      });
    };
    await key(c1, 0); // c1 comes up: passes
    await key(c2, 200); // c2 comes up 200 ms later: passes (before: waited until 500)
    await key(c2, 300); // still new, but only 100 ms after the last: suppressed
    await key(c1, 2100); // c1 is no longer new: the full interval applies, and 2100 - 200 passes
    await key(c2, 2250); // c2 is no longer new either: 150 ms after the last, suppressed
    expect(requests).toEqual([0, 200, 2100]);
  });

  it('asks upstream for a key frame when a child connects, through the new-child gate', () => {
    let t = 1000;
    const requests: number[] = [];
    const b = new ForwarderCore<FakeFrame>({ cloneFrame: clone, now: () => t });
    b.handleReceive(source().readable, sink().writable, { role: 'receive', kind: 'video', sourceId: 'alice' }, { sendKeyFrameRequest: async () => void requests.push(t) });
    b.handleReceive(source().readable, sink().writable, { role: 'receive', kind: 'audio', sourceId: 'alice' });
    for (const childId of ['c1', 'c2']) {
      for (const kind of ['video', 'audio'] as const) expect(b.api.attachChild(source().readable, sink().writable, { role: 'child', kind, sourceId: 'alice', childId }).ok).toBe(true);
    }
    expect(b.api.childConnected('c1')).toEqual({ ok: true, value: 1 });
    t += 100;
    expect(b.api.childConnected('c2')).toEqual({ ok: true, value: 0 });
    t += 50;
    expect(b.api.childConnected('c2')).toEqual({ ok: true, value: 1 });
    expect(b.api.childConnected('nobody')).toEqual({ ok: true, value: 0 });
    expect(b.api.childConnected(7 as unknown as string).ok).toBe(false);
    expect(requests).toEqual([1000, 1150]);
  });

  it('per-branch layers: a capped child gets the lower temporal layers only, the others everything', async () => {
    // Ciphertext is not needed to choose: the layer comes from the frame's metadata.
    const x = new ForwarderCore<FakeFrame>({ cloneFrame: clone });
    const up = source();
    x.handleReceive(up.readable, sink().writable, { role: 'receive', kind: 'video', sourceId: 'alice' });
    const full = sink();
    const thin = sink();
    x.api.attachChild(source().readable, full.writable, { role: 'child', kind: 'video', sourceId: 'alice', childId: 'full' });
    x.api.attachChild(source().readable, thin.writable, { role: 'child', kind: 'video', sourceId: 'alice', childId: 'thin' });
    expect(x.api.setChildLayers('thin', 0).ok).toBe(true);
    expect(x.api.setChildLayers('thin', Number.NaN).ok).toBe(false);
    // L1T3 over 8 frames: T0 T2 T1 T2 T0 T2 T1 T2 (frame ids 1–8, the first a key frame).
    const layers = [0, 2, 1, 2, 0, 2, 1, 2];
    const deps = [[], [1], [1], [3, 1], [1], [5, 3], [5], [7, 5]];
    layers.forEach((t, i) =>
      up.push({ data: new Uint8Array([i]).buffer, ...(i === 0 ? { type: 'key' } : {}), getMetadata: () => ({ mimeType: 'video/VP8', temporalIndex: t, frameId: i + 1, dependencies: deps[i] ?? [] }) }),
    );
    await vi.waitFor(() => expect(full.got).toHaveLength(8));
    await vi.waitFor(() => expect(thin.got).toHaveLength(2));
    expect(thin.got.map((d) => d[0])).toEqual([0, 4]);
    const children = x.counters().streams['video:alice']?.children;
    expect(children?.thin).toMatchObject({ offered: 8, forwarded: 2, thinned: 6, failed: 0, maxTemporal: 0 });
    expect(children?.full).toMatchObject({ offered: 8, forwarded: 8, thinned: 0, maxTemporal: 2 });
  });

  it('a new link decodes frames it brings though an older link brought them first; one link never passes a frame twice', async () => {
    // A child that moved parents twice: the primed key frame came through the second parent and
    // again through the third. The third link's decoder needs it (eight-page test: refused as a
    // replay, that decoder waited 1.7 s for another key frame).
    const cipher = await encryptedFrames(SECRET, [KEY, DELTA, DELTA]);
    const b = new ForwarderCore<FakeFrame>({ cloneFrame: clone, now: () => 0 });
    expect(b.api.setRoomSecret(SECRET).ok).toBe(true);
    const first = { up: source(), decoder: sink() };
    b.handleReceive(first.up.readable, first.decoder.writable, { role: 'receive', kind: 'video', sourceId: 'alice', link: 'l1' });
    for (const c of cipher) first.up.push(frame([...c]));
    await vi.waitFor(() => expect(first.decoder.got).toHaveLength(3));
    const second = { up: source(), decoder: sink() };
    b.handleReceive(second.up.readable, second.decoder.writable, { role: 'receive', kind: 'video', sourceId: 'alice', link: 'l2' });
    // The same frames again on the first link are replays; on the second, its decoder's first.
    for (const c of cipher) first.up.push(frame([...c]));
    for (const c of cipher) second.up.push(frame([...c]));
    await vi.waitFor(() => expect(second.decoder.got).toHaveLength(3));
    expect(second.decoder.got.map((d) => [...d])).toEqual([KEY, DELTA, DELTA]);
    await vi.waitFor(() => expect(b.counters().cryptor.alice?.rejected.replay).toBe(3));
    expect(first.decoder.got).toHaveLength(3);
    // Frames are counted per link as well as per stream (which link brought them: ParentMedia).
    const r = b.api.received();
    expect(r.ok && r.value.streams['video:alice']?.count).toBe(9);
    expect(r.ok && [r.value.links.l1?.count, r.value.links.l2?.count]).toEqual([6, 3]);
  });

  it('without the key it still forwards the ciphertext but decodes nothing', async () => {
    const cipher = await encryptedFrames(SECRET, [KEY, DELTA]);
    const x = new ForwarderCore<FakeFrame>({ cloneFrame: clone });
    expect(x.api.setRoomSecret(createRoom().secret).ok).toBe(true);
    const up = source();
    const decoder = sink();
    x.handleReceive(up.readable, decoder.writable, { role: 'receive', kind: 'video', sourceId: 'alice' });
    const child = sink();
    x.api.attachChild(source().readable, child.writable, { role: 'child', kind: 'video', sourceId: 'alice', childId: 'c' });
    for (const c of cipher) up.push(frame([...c]));
    await vi.waitFor(() => expect(x.counters().cryptor.alice?.rejected['invalid-tag']).toBe(2));
    await vi.waitFor(() => expect(child.got).toHaveLength(2));
    expect(decoder.got).toHaveLength(0);
    expect(x.counters().streams['video:alice']?.decrypted).toBe(0);
  });

  describe('standby children', () => {
    /** A forwarder of alice's video with a live child and a standby (paused) one; frames are numbered. */
    function standbyRig() {
      const clock = { t: 1000 };
      const requests: number[] = [];
      const x = new ForwarderCore<FakeFrame>({ cloneFrame: clone, now: () => clock.t });
      const up = source();
      x.handleReceive(up.readable, sink().writable, { role: 'receive', kind: 'video', sourceId: 'alice' }, { sendKeyFrameRequest: async () => void requests.push(clock.t) });
      x.handleReceive(source().readable, sink().writable, { role: 'receive', kind: 'audio', sourceId: 'alice' });
      const live = sink();
      const standby = sink();
      x.api.attachChild(source().readable, live.writable, { role: 'child', kind: 'video', sourceId: 'alice', childId: 'live' });
      x.api.attachChild(source().readable, standby.writable, { role: 'child', kind: 'video', sourceId: 'alice', childId: 'standby', paused: true });
      x.api.attachChild(source().readable, sink().writable, { role: 'child', kind: 'audio', sourceId: 'alice', childId: 'standby', paused: true });
      let n = 0;
      // Frames are handled asynchronously: move the clock between `settled` calls, not between pushes.
      const push = (type: 'key' | 'delta') => {
        up.push({ data: new Uint8Array([n++]).buffer, type, getMetadata: () => ({ mimeType: 'video/VP8' }) });
      };
      const settled = (count: number) => vi.waitFor(() => expect(x.counters().streams['video:alice']?.received).toBe(count));
      return { x, clock, requests, live, standby, push, settled };
    }

    it('a standby child gets nothing until resumed; resumed without priming, a key frame is asked for it', async () => {
      const r = standbyRig();
      r.push('key');
      r.push('delta');
      await r.settled(2);
      expect(r.standby.got).toHaveLength(0);
      expect(r.x.api.resumeChild('standby')).toMatchObject({ ok: true, value: { resumed: 2, primed: 0 } });
      expect(r.requests).toHaveLength(1);
      r.push('delta');
      await vi.waitFor(() => expect(r.standby.got.map((d) => d[0])).toEqual([2]));
      expect(r.live.got.map((d) => d[0])).toEqual([0, 1, 2]);
      // Resumed once: a second resume changes nothing and asks for nothing.
      expect(r.x.api.resumeChild('standby')).toMatchObject({ ok: true, value: { resumed: 0, primed: 0 } });
      expect(r.requests).toHaveLength(1);
    });

    it('primed when a member goes down: the resumed child starts with the key frame asked for then and every frame after it, and nothing is asked again', async () => {
      const r = standbyRig();
      r.push('key');
      r.push('delta');
      expect(r.x.api.primeStandby()).toEqual({ ok: true, value: 1 });
      expect(r.requests).toEqual([1000]);
      // Primed again (the stall after the relay's report): no second key frame.
      expect(r.x.api.primeStandby()).toEqual({ ok: true, value: 1 });
      expect(r.requests).toHaveLength(1);
      r.push('delta'); // before the key frame: no use to a new decoder
      r.push('key');
      r.push('delta');
      r.push('delta');
      await r.settled(6);
      expect(r.standby.got).toHaveLength(0);
      expect(r.x.api.resumeChild('standby')).toMatchObject({ ok: true, value: { resumed: 2, primed: 1 } });
      r.push('delta');
      await vi.waitFor(() => expect(r.standby.got.map((d) => d[0])).toEqual([3, 4, 5, 6]));
      expect(r.requests).toHaveLength(1);
      expect(r.live.got.map((d) => d[0])).toEqual([0, 1, 2, 3, 4, 5, 6]);
      // Counted like any forwarded frame: every frame offered to it went out.
      await vi.waitFor(() => expect(r.x.counters().streams['video:alice']?.children.standby).toMatchObject({ offered: 4, forwarded: 4, failed: 0 }));
    });

    it('primed frames are let go once no standby child is left to use them', async () => {
      for (const end of ['resume', 'detach'] as const) {
        const r = standbyRig();
        r.x.api.primeStandby();
        r.push('key');
        await r.settled(1);
        if (end === 'resume') r.x.api.resumeChild('standby');
        else r.x.api.detachChild('standby');
        // A standby child attached afterwards gets no stale frames: its resume asks for a key frame.
        r.x.api.attachChild(source().readable, sink().writable, { role: 'child', kind: 'video', sourceId: 'alice', childId: 'later', paused: true });
        r.clock.t += 200;
        expect(r.x.api.resumeChild('later'), end).toMatchObject({ ok: true, value: { resumed: 1, primed: 0, awaitingKey: 0 } });
      }
    });

    it('resumed while the key frame asked for at priming is still on its way: it comes live, and is not asked for again', async () => {
      const r = standbyRig();
      r.x.api.primeStandby();
      r.push('delta');
      await r.settled(1);
      r.clock.t += 500;
      expect(r.x.api.resumeChild('standby')).toMatchObject({ ok: true, value: { resumed: 2, primed: 0, awaitingKey: 1, primedMsAgo: 500 } });
      expect(r.requests).toEqual([1000]);
      r.push('key');
      r.push('delta');
      await vi.waitFor(() => expect(r.standby.got.map((d) => d[0])).toEqual([1, 2]));
      // Waited for too long: a resume asks again.
      const slow = standbyRig();
      slow.x.api.primeStandby();
      slow.clock.t += PRIME_KEY_WAIT_MS;
      expect(slow.x.api.resumeChild('standby')).toMatchObject({ ok: true, value: { resumed: 2, primed: 0, awaitingKey: 0 } });
      expect(slow.requests).toEqual([1000, 1000 + PRIME_KEY_WAIT_MS]);
    });

    it('a primed key frame too old to start with, or priming run out, means a key-frame request as before', async () => {
      const r = standbyRig();
      r.x.api.primeStandby();
      r.push('key');
      await r.settled(1);
      r.clock.t += PRIME_FLUSH_MAX_MS + 1;
      expect(r.x.api.resumeChild('standby')).toMatchObject({ ok: true, value: { resumed: 2, primed: 0 } });
      expect(r.requests).toHaveLength(2);
      expect(r.standby.got).toHaveLength(0);

      const late = standbyRig();
      late.x.api.primeStandby();
      late.clock.t += PRIME_MS + 1;
      late.push('delta'); // priming has run out: this frame ends it
      await late.settled(1);
      late.push('key');
      await late.settled(2);
      expect(late.x.api.resumeChild('standby')).toMatchObject({ ok: true, value: { resumed: 2, primed: 0 } });
      expect(late.requests).toHaveLength(2);
    });

    it('nothing is primed without a standby child, and a video stream never keeps more than a bounded run of frames', async () => {
      const r = standbyRig();
      r.x.api.resumeChild('standby');
      r.requests.length = 0;
      expect(r.x.api.primeStandby()).toEqual({ ok: true, value: 0 });
      expect(r.requests).toHaveLength(0);

      const long = standbyRig();
      long.x.api.primeStandby();
      long.push('key');
      for (let i = 0; i < 80; i++) long.push('delta');
      await long.settled(81);
      long.clock.t += 200;
      // 81 frames since the key frame are more than are kept: the child waits for a fresh key frame.
      expect(long.x.api.resumeChild('standby')).toMatchObject({ ok: true, value: { resumed: 2, primed: 0 } });
      expect(long.requests).toHaveLength(2);
    });
  });

  it('refuses invalid options as data, never by throwing across the boundary', () => {
    const core = new ForwarderCore<FakeFrame>({ cloneFrame: clone });
    const r = core.api.attachChild(source().readable, sink().writable, { role: 'child', kind: 'video' } as never);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    expect(() => core.handleReceive(source().readable, sink().writable, { role: 'origin', kind: 'video', localId: 'x' })).toThrow(/receive/);
  });
});
