/**
 * Room-wide control messages over the control overlay (src/call/overlay-flood.ts): forty pages
 * each linked to its overlay neighbours only, every message going through the control schema
 * as JSON (as on a data channel) and delivered in seeded random order.
 */
import { describe, expect, it } from 'vitest';
import { OverlayFlood } from '../../../src/call/overlay-flood';
import { parseControl, type ControlMessage } from '../../../src/protocol/mesh-messages';
import type { TreeSignal } from '../../../src/protocol/tree-messages';
import { planControlOverlay } from '../../../src/tree/control-overlay';
import { createPrng } from '../../support/prng';

const id = (i: number): string => i.toString(16).padStart(32, '0');
const HELLO = { uplinkKbps: 4000, canForward: true };
const state = (i: number) => ({ name: `guest ${i}`, micOn: i % 2 === 0, camOn: true });

function room(n: number, seed: number) {
  const rng = createPrng(seed);
  const ids = Array.from({ length: n }, (_, i) => id(i + 1));
  const { neighbours } = planControlOverlay(ids);
  const queue: { from: string; to: string; raw: string }[] = [];
  const trees = new Map<string, { from: string; sig: TreeSignal }[]>(ids.map((p) => [p, []]));
  const floods = new Map<string, OverlayFlood>();
  const newMembers = new Map<string, string[]>(ids.map((p) => [p, []]));
  for (const me of ids) {
    floods.set(
      me,
      new OverlayFlood({
        myId: me,
        neighbours: () =>
          (neighbours.get(me) ?? []).map((peerId) => ({
            peerId,
            send: (msg: ControlMessage) => {
              queue.push({ from: me, to: peerId, raw: JSON.stringify(msg) });
              return true;
            },
          })),
        onTree: (from, sig) => trees.get(me)?.push({ from, sig }),
        onHeartbeat: (m, first) => first && newMembers.get(me)?.push(m.peerId),
      }),
    );
  }
  /** Delivers in random order, each message through the control schema. */
  const flush = (): number => {
    let delivered = 0;
    while (queue.length > 0) {
      const k = rng.int(0, queue.length - 1);
      const m = queue[k] as (typeof queue)[number];
      queue[k] = queue[queue.length - 1] as (typeof queue)[number];
      queue.pop();
      const msg = parseControl(m.raw);
      if (msg?.t !== 'flood') throw new Error(`not a flood message: ${m.raw}`);
      floods.get(m.to)?.receive(m.from, msg);
      delivered++;
    }
    return delivered;
  };
  return { ids, neighbours, floods, trees, newMembers, flush, queue };
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
    expect(r.floods.get(r.ids[0] as string)?.heardFrom(r.ids[7] as string)?.state.micOn).toBe(true);
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

describe('flood messages in the control schema', () => {
  const ok = { t: 'flood', o: id(1), s: 1, h: 3, b: { k: 'hb', joinedAt: 5, state: state(1), hello: HELLO } };
  it('accepts a heartbeat (full or bare) and an addressed tree signal', () => {
    expect(parseControl(JSON.stringify(ok))).toEqual(ok);
    const bare = { t: 'flood', o: id(1), s: 1, h: 3, b: { k: 'hb', joinedAt: 5 } };
    expect(parseControl(JSON.stringify(bare))).toEqual(bare);
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
    ['a bad tree signal', { ...ok, b: { k: 'tree', sig: { t: 'tree', v: 1, kind: 'resume', link: 'nope' } } }],
  ])('refuses %s', (_, msg) => {
    expect(parseControl(JSON.stringify(msg))).toBeNull();
  });
});
