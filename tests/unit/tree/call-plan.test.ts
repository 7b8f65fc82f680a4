import { describe, expect, it } from 'vitest';
import { diffUpstream, joinOrder, treeStateFor, upstreamOf, type CallMember, type HeldLink } from '../../../src/tree/call-plan';
import { planTree } from '../../../src/tree';

const id = (n: number) => n.toString(16).padStart(32, '0');
const member = (n: number, canForward = true): CallMember => ({ id: id(n), joinedAt: 1000 + n, uplinkKbps: 4000, canForward });
const params = { meshMax: 3, lastN: 9, quality: 'low' as const };

describe('treeStateFor + upstreamOf', () => {
  it('stays a mesh up to meshMax, with no upstream links', () => {
    const plan = planTree(treeStateFor([member(1), member(2), member(3)], params));
    expect(plan.mode).toBe('mesh');
    expect(upstreamOf(plan, id(1)).size).toBe(0);
  });

  it('above meshMax every member gets every other source from exactly one parent', () => {
    for (const n of [4, 5, 6, 8]) {
      const members = Array.from({ length: n }, (_, i) => member(i + 1, i !== 1));
      const plan = planTree(treeStateFor(members, params));
      expect(plan.mode).toBe('tree');
      expect(plan.unreached).toBe(0);
      for (const m of members) {
        const up = upstreamOf(plan, m.id);
        expect([...up.keys()].sort()).toEqual(members.filter((o) => o.id !== m.id).map((o) => o.id).sort());
        for (const [source, parent] of up) {
          expect(parent).not.toBe(m.id);
          // The parent is the source itself or receives it too (it forwards what it has).
          if (parent !== source) expect(upstreamOf(plan, parent).has(source)).toBe(true);
        }
      }
    }
  });

  it('is the same plan whatever order the members arrive in', () => {
    const members = Array.from({ length: 6 }, (_, i) => member(i + 1));
    const a = planTree(treeStateFor(members, params));
    const b = planTree(treeStateFor([...members].reverse(), params));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('cuts video sources to lastN by join order', () => {
    const members = Array.from({ length: 6 }, (_, i) => member(6 - i));
    const state = treeStateFor(members, { ...params, lastN: 2 });
    expect(state.videoSources).toEqual([id(1), id(2)]);
    const up = upstreamOf(planTree(state), id(5));
    expect([...up.keys()].sort()).toEqual([id(1), id(2), id(3)].sort()); // 3 audio sources
  });

  it('orders ties in join time by id', () => {
    const a = { ...member(2), joinedAt: 5 };
    const b = { ...member(1), joinedAt: 5 };
    expect(joinOrder([a, b]).map((m) => m.id)).toEqual([id(1), id(2)]);
  });
});

describe('diffUpstream', () => {
  it('keeps matching links, closes moved or stale ones, opens the missing', () => {
    const held = new Map<string, HeldLink>([
      ['l1', { source: 'A', parent: 'A' }],
      ['l2', { source: 'B', parent: 'C' }],
      ['l3', { source: 'Z', parent: 'A' }],
      ['l4', { source: 'A', parent: 'A' }],
    ]);
    const wanted = new Map([
      ['A', 'A'],
      ['B', 'D'],
      ['E', 'A'],
    ]);
    const d = diffUpstream(held, wanted);
    expect(d.close.sort()).toEqual(['l2', 'l3', 'l4']);
    expect(d.open).toEqual([
      { source: 'B', parent: 'D' },
      { source: 'E', parent: 'A' },
    ]);
  });

  it('closes everything when the room is back to a mesh', () => {
    const held = new Map<number, HeldLink>([[1, { source: 'A', parent: 'B' }]]);
    expect(diffUpstream(held, new Map())).toEqual({ close: [1], open: [] });
  });
});
