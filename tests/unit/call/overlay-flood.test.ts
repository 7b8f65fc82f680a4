/**
 * Room-wide control messages over the control overlay (src/call/overlay-flood.ts): forty pages
 * each linked to its overlay neighbours only, every message going through the control schema
 * as JSON (as on a data channel) and delivered in seeded random order.
 */
import { describe, expect, it } from 'vitest';
import { OverlayFlood } from '../../../src/call/overlay-flood';
import { parseControl, ROSTER_PART, type ControlMessage } from '../../../src/protocol/mesh-messages';
import { decodeBeats, encodeBeats } from '../../../src/protocol/beat-digest';
import type { TreeSignal } from '../../../src/protocol/tree-messages';
import { deliverOverlay, overlayPages } from '../../support/overlay-pages';
import { createPrng } from '../../support/prng';

/** Ids unique in their first 12 characters, as random ones are (beat digests name members by them). */
const id = (i: number): string => i.toString(16).padStart(4, '0').repeat(8);
const HELLO = { uplinkKbps: 4000, canForward: true };
const state = (i: number) => ({ name: `guest ${i}`, micOn: i % 2 === 0, camOn: true });

function room(n: number, seed: number) {
  const rng = createPrng(seed);
  const clock = { now: 1_000_000 };
  const ids = Array.from({ length: n }, (_, i) => id(i + 1));
  const queue: { from: string; to: string; raw: string }[] = [];
  const trees = new Map<string, { from: string; sig: TreeSignal }[]>(ids.map((p) => [p, []]));
  const newMembers = new Map<string, string[]>(ids.map((p) => [p, []]));
  const dms = new Map<string, string[]>();
  const { neighbours, floods } = overlayPages(
    ids,
    (from, to, msg) => queue.push({ from, to, raw: JSON.stringify(msg) }),
    (me) => ({
      onTree: (from, sig) => trees.get(me)?.push({ from, sig }),
      onDm: (from, box) => dms.set(me, [...(dms.get(me) ?? []), `${from}:${box}`]),
      onHeartbeat: (m, first) => first && newMembers.get(me)?.push(m.peerId),
      now: () => clock.now,
    }),
  );
  /** Delivers in random order, each message through the control schema. */
  const flush = (): number => {
    let delivered = 0;
    while (queue.length > 0) {
      const k = rng.int(0, queue.length - 1);
      const m = queue[k] as (typeof queue)[number];
      queue[k] = queue[queue.length - 1] as (typeof queue)[number];
      queue.pop();
      const msg = parseControl(m.raw);
      if (!msg || !deliverOverlay(floods.get(m.to), m.from, msg)) throw new Error(`not an overlay message: ${m.raw}`);
      delivered++;
    }
    return delivered;
  };
  return { ids, neighbours, floods, trees, newMembers, dms, flush, queue, clock };
}

describe('OverlayFlood', () => {
  it('every heartbeat reaches every member once, with what it says', () => {
    const r = room(40, 1);
    r.ids.forEach((me, i) => r.floods.get(me)?.heartbeat({ joinedAt: 1000 + i, state: state(i), hello: HELLO }));
    r.flush();
    for (const me of r.ids) {
      const heard = [...(r.floods.get(me)?.members() ?? [])];
      expect(heard.map((h) => h.peerId).sort()).toEqual(r.ids.filter((p) => p !== me));
      expect(r.newMembers.get(me)?.length).toBe(39);
    }
    const h = r.floods.get(r.ids[0] as string)?.heardFrom(r.ids[7] as string);
    expect(h).toMatchObject({ joinedAt: 1007, state: state(7), hello: HELLO });
    // A second round updates what is known and adds no one.
    r.floods.get(r.ids[7] as string)?.heartbeat({ joinedAt: 1007, state: { ...state(7), micOn: true }, hello: HELLO });
    r.flush();
    expect(r.floods.get(r.ids[0] as string)?.heardFrom(r.ids[7] as string)?.state?.micOn).toBe(true);
    expect(r.newMembers.get(r.ids[0] as string)?.length).toBe(39);
  });

  it('a bare heartbeat keeps what an earlier one said', () => {
    const r = room(12, 5);
    const [a, b] = [r.ids[0] as string, r.ids[6] as string];
    r.floods.get(b)?.heartbeat({ joinedAt: 9, state: state(6), hello: HELLO });
    r.flush();
    r.floods.get(b)?.heartbeat({ joinedAt: 9 });
    r.flush();
    expect(r.floods.get(a)?.heardFrom(b)).toMatchObject({ state: state(6), hello: HELLO });
    // Heard bare first: known, with nothing said yet.
    const c = r.ids[3] as string;
    r.floods.get(c)?.heartbeat({ joinedAt: 4 });
    r.flush();
    expect(r.floods.get(a)?.heardFrom(c)).toMatchObject({ state: null, hello: null });
  });

  it('costs each link at most one copy each way per message', () => {
    const r = room(40, 2);
    r.floods.get(r.ids[3] as string)?.heartbeat({ joinedAt: 1, state: state(3), hello: HELLO });
    const copies = r.flush();
    const linkEnds = [...r.neighbours.values()].reduce((s, n) => s + n.length, 0);
    expect(copies).toBeLessThanOrEqual(linkEnds);
    expect(copies).toBeGreaterThanOrEqual(39);
  });

  it('a tree signal goes straight to a neighbour, and through the others to anyone else, delivered to it alone', () => {
    const r = room(40, 3);
    const from = r.ids[0] as string;
    const near = (r.neighbours.get(from) ?? [])[0] as string;
    const far = r.ids.find((p) => p !== from && !(r.neighbours.get(from) ?? []).includes(p)) as string;
    const sig: TreeSignal = { t: 'tree', v: 1, kind: 'resume', link: '0123456789abcdef' };
    const flood = r.floods.get(from) as OverlayFlood;

    // Straight: the neighbour gets the plain tree signal (not a flood message).
    const direct: ControlMessage[] = [];
    const viaNear = new OverlayFlood({ myId: from, neighbours: () => [{ peerId: near, send: (m) => direct.push(m) > 0 }], onTree: () => {} });
    expect(viaNear.sendTree(near, sig)).toBe(true);
    expect(direct).toEqual([sig]);

    expect(flood.sendTree(far, sig)).toBe(true);
    r.flush();
    for (const me of r.ids) expect(r.trees.get(me), me).toEqual(me === far ? [{ from, sig }] : []);
  });

  it('a sealed private message reaches its recipient alone, passed on opaque', () => {
    const r = room(40, 8);
    const from = r.ids[1] as string;
    const far = r.ids.find((p) => p !== from && !(r.neighbours.get(from) ?? []).includes(p)) as string;
    expect(r.floods.get(from)?.sendDm(far, 'b3BhcXVl')).toBe(true);
    r.flush();
    expect([...r.dms.entries()]).toEqual([[far, [`${from}:b3BhcXVl`]]]);
  });

  it('cannot send a tree signal with no neighbour at all', () => {
    const lonely = new OverlayFlood({ myId: id(1), neighbours: () => [], onTree: () => {} });
    expect(lonely.sendTree(id(2), { t: 'tree', v: 1, kind: 'resume', link: '0123456789abcdef' })).toBe(false);
  });

  it('forgets a member who left, and hears it as new if it speaks again', () => {
    const r = room(20, 4);
    const a = r.ids[0] as string;
    const b = r.ids[9] as string;
    r.floods.get(b)?.heartbeat({ joinedAt: 5, state: state(9), hello: HELLO });
    r.flush();
    r.floods.get(a)?.forget(b);
    expect(r.floods.get(a)?.heardFrom(b)).toBeUndefined();
    r.floods.get(b)?.heartbeat({ joinedAt: 5, state: state(9), hello: HELLO });
    r.flush();
    expect(r.floods.get(a)?.heardFrom(b)).toBeDefined();
    expect(r.newMembers.get(a)?.filter((p) => p === b)).toHaveLength(2);
  });
});

describe('beat digests', () => {
  it('a member far away is heard while its count rises, one digest per neighbour per beat', () => {
    const r = room(40, 6);
    r.ids.forEach((me, i) => r.floods.get(me)?.heartbeat({ joinedAt: i, state: state(i), hello: HELLO }));
    r.flush();
    const t0 = r.clock.now;
    const round = () => {
      r.clock.now += 400;
      for (const me of r.ids) r.floods.get(me)?.beat();
      return r.flush();
    };
    let messages = 0;
    for (let i = 0; i < 8; i++) messages += round();
    // One digest per link end per beat: 8 beats × the links' ends.
    const linkEnds = [...r.neighbours.values()].reduce((s, n) => s + n.length, 0);
    expect(messages).toBe(8 * linkEnds);
    for (const me of r.ids) {
      for (const h of r.floods.get(me)?.members() ?? []) expect(h.lastHeardAt, `${me} hears ${h.peerId}`).toBeGreaterThan(r.clock.now - 400 * 5);
    }
    // One page stops beating: its last count still travels a few hops, then nobody hears it rise.
    const quiet = r.ids[17] as string;
    const stoppedAt = r.clock.now;
    const lastHeard = () => r.ids.filter((me) => me !== quiet).map((me) => r.floods.get(me)?.heardFrom(quiet)?.lastHeardAt ?? 0);
    let settled: number[] = [];
    for (let i = 0; i < 10; i++) {
      r.clock.now += 400;
      for (const me of r.ids) if (me !== quiet) r.floods.get(me)?.beat();
      r.flush();
      if (i === 7) settled = lastHeard();
    }
    expect(lastHeard()).toEqual(settled);
    for (const at of settled) expect(at).toBeLessThanOrEqual(stoppedAt + 400 * 6);
    for (const me of r.ids) if (me !== quiet) expect(r.floods.get(me)?.heardFrom(quiet)?.beat, me).toBe(8);
    expect(t0).toBeLessThan(stoppedAt);
  });

  it('a roster tells a newcomer who everyone is; beats then make them heard', () => {
    const r = room(12, 7);
    // Everyone but p12 knows everyone; p12 knows no one.
    r.ids.slice(0, 11).forEach((me, i) => r.floods.get(me)?.heartbeat({ joinedAt: i, state: state(i), hello: HELLO }));
    const late = r.ids[11] as string;
    r.flush();
    const lateFlood = r.floods.get(late) as OverlayFlood;
    for (const p of r.ids) lateFlood.forget(p);
    expect([...lateFlood.members()]).toEqual([]);
    const neighbour = (r.neighbours.get(late) ?? [])[0] as string;
    const toLate = { peerId: late, send: (msg: ControlMessage) => r.queue.push({ from: neighbour, to: late, raw: JSON.stringify(msg) }) > 0 };
    r.floods.get(neighbour)?.welcome(toLate, { joinedAt: 99, state: state(99), hello: HELLO });
    r.flush();
    const known = [...lateFlood.members()];
    expect(known.map((h) => h.peerId).sort()).toEqual(r.ids.filter((p) => p !== late).sort());
    expect(known.every((h) => h.lastHeardAt === -Infinity)).toBe(true);
    expect(lateFlood.heardFrom(r.ids[3] as string)?.state).toEqual(state(3));
    for (let i = 0; i < 6; i++) {
      r.clock.now += 400;
      for (const me of r.ids) r.floods.get(me)?.beat();
      r.flush();
    }
    expect([...lateFlood.members()].every((h) => h.lastHeardAt > -Infinity)).toBe(true);
  });
});

describe('beat digests on the wire', () => {
  it('round-trips and refuses anything off', () => {
    const e = encodeBeats([[id(1), 1], [id(2) + 'ff', 123456]]);
    expect(decodeBeats(e)).toEqual([[id(1).slice(0, 12), 1], [id(2).slice(0, 12), 123456]]);
    expect(decodeBeats('')).toEqual([]);
    for (const bad of ['x', '0123456789ab', '0123456789ab.', '0123456789AB.1', '0123456789ab.1,', '0123456789ab.123456789']) expect(decodeBeats(bad), bad).toBeNull();
    expect(parseControl(JSON.stringify({ t: 'beats', e: 'zz' }))).toBeNull();
    expect(parseControl(JSON.stringify({ t: 'beats', e }))).toEqual({ t: 'beats', e });
  });

  it('takes a roster part of at most ROSTER_PART valid members', () => {
    const entry = { id: id(3), joinedAt: 5, state: state(3), hello: HELLO };
    expect(parseControl(JSON.stringify({ t: 'roster', m: [entry, { id: id(4), joinedAt: 6 }] }))).toEqual({ t: 'roster', m: [entry, { id: id(4), joinedAt: 6 }] });
    expect(parseControl(JSON.stringify({ t: 'roster', m: Array.from({ length: ROSTER_PART + 1 }, () => entry) }))).toBeNull();
    expect(parseControl(JSON.stringify({ t: 'roster', m: [{ ...entry, id: 'x' }] }))).toBeNull();
    expect(parseControl(JSON.stringify({ t: 'roster', m: [{ ...entry, state: { name: 1 } }] }))).toBeNull();
  });
});

describe('flood messages in the control schema', () => {
  const ok = { t: 'flood', o: id(1), s: 1, h: 3, b: { k: 'hb', joinedAt: 5, state: state(1), hello: HELLO } };
  it('accepts a heartbeat (full or bare) and an addressed tree signal', () => {
    expect(parseControl(JSON.stringify(ok))).toEqual(ok);
    const bare = { t: 'flood', o: id(1), s: 1, h: 3, b: { k: 'hb', joinedAt: 5 } };
    expect(parseControl(JSON.stringify(bare))).toEqual(bare);
    const fp = `sha-256 ${Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').slice(-2)).join(':')}`;
    const withFp = { ...ok, b: { ...ok.b, fp } };
    expect(parseControl(JSON.stringify(withFp))).toEqual(withFp);
    const tree = { t: 'flood', o: id(1), s: 2, h: 0, to: id(2), b: { k: 'tree', sig: { t: 'tree', v: 1, kind: 'close', link: '0123456789abcdef' } } };
    expect(parseControl(JSON.stringify(tree))).toEqual(tree);
  });
  it.each([
    ['a bad origin', { ...ok, o: 'me' }],
    ['sequence 0', { ...ok, s: 0 }],
    ['too many hops', { ...ok, h: 17 }],
    ['a bad target', { ...ok, to: 'x' }],
    ['an unknown kind', { ...ok, b: { k: 'gossip' } }],
    ['a heartbeat with a broken state', { ...ok, b: { k: 'hb', joinedAt: 5, state: { name: 3 } } }],
    ['a heartbeat without a join time', { ...ok, b: { k: 'hb' } }],
    ['a negative uplink', { ...ok, b: { ...ok.b, hello: { uplinkKbps: -1, canForward: true } } }],
    ['a fingerprint that is not one', { ...ok, b: { ...ok.b, fp: 'sha-256 <script>' } }],
    ['a public key that is not one', { ...ok, b: { ...ok.b, pub: 'not base64!' } }],
    ['an empty sealed message', { ...ok, to: id(2), b: { k: 'dm', box: '' } }],
    ['a sealed message too long', { ...ok, to: id(2), b: { k: 'dm', box: 'a'.repeat(12_001) } }],
    ['a bad tree signal', { ...ok, b: { k: 'tree', sig: { t: 'tree', v: 1, kind: 'resume', link: 'nope' } } }],
  ])('refuses %s', (_, msg) => {
    expect(parseControl(JSON.stringify(msg))).toBeNull();
  });
});
