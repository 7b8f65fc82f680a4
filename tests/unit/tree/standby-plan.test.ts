import { describe, expect, it } from 'vitest';
import { treeStateFor, upstreamOf, videoTo, type CallMember } from '../../../src/tree/call-plan';
import { planTree } from '../../../src/tree';
import { STANDBY_PER_CHILD, STANDBY_PER_PARENT, standbyLoad, standbyParents } from '../../../src/tree/standby-plan';
import { createPrng } from '../../support/prng';
import { randomRoom } from './room-sim';

const id = (n: number) => n.toString(16).padStart(32, '0');
const member = (n: number, turn?: number): CallMember => ({ id: id(n), joinedAt: 1000 + n, uplinkKbps: 4000, canForward: true, ...(turn ? { turn } : {}) });

describe('standbyParents', () => {
  it('names, for each source we get through a forwarder, the parent the plan gives once that forwarder is a leaf', () => {
    let checked = 0;
    for (const [n, lastN, speakers] of [[8, 4, 4], [12, 9, 9], [32, 9, 9]] as const) {
      const params = { meshMax: 3, lastN, quality: 'low' as const };
      const members = Array.from({ length: n }, (_, i) => member(i + 1, i < speakers ? 100 + i : undefined));
      const plan = planTree(treeStateFor(members, params));
      expect(plan.mode).toBe('tree');
      for (const me of members) {
        const current = upstreamOf(plan, me.id);
        const standby = standbyParents(members, params, me.id, current);
        let candidates = 0;
        for (const [source, parent] of current) {
          const link = standby.get(source);
          if (parent === source) {
            expect(link).toBeUndefined();
            continue;
          }
          // What every page plans once `parent` is judged stalled (planned as a leaf).
          const after = planTree(treeStateFor(members.map((m) => (m.id === parent ? { ...m, canForward: false } : m)), params));
          const next = upstreamOf(after, me.id).get(source);
          if (next !== undefined && next !== parent) candidates++;
          if (!link) continue;
          expect(link.parent).toBe(next);
          expect(link.parent).not.toBe(parent);
          expect(link.video).toBe(videoTo(after, me.id).has(source));
          checked++;
        }
        // At most STANDBY_PER_CHILD, and as many as that allows.
        expect(standby.size).toBe(Math.min(candidates, STANDBY_PER_CHILD));
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('has nothing to add in a mesh or when every source comes straight from its origin', () => {
    const params = { meshMax: 6, lastN: 9, quality: 'low' as const };
    const members = [member(1), member(2), member(3)];
    expect(standbyParents(members, params, id(1), new Map([[id(2), id(2)], [id(3), id(3)]])).size).toBe(0);
  });

  it('standbyLoad: on seeded rooms no child holds more than STANDBY_PER_CHILD, no parent answers more than STANDBY_PER_PARENT', () => {
    for (const [seed, n] of [[1, 32], [2, 64]] as const) {
      const state = randomRoom(createPrng(seed), n);
      const load = standbyLoad(state, planTree(state));
      expect(load.wanted).toBeGreaterThan(0);
      expect(load.covered).toBeGreaterThan(0);
      expect(load.covered).toBeLessThanOrEqual(load.wanted);
      expect(Math.max(...load.asChild.values())).toBeLessThanOrEqual(STANDBY_PER_CHILD);
      expect(Math.max(...load.asParent.values())).toBeLessThanOrEqual(STANDBY_PER_PARENT);
      expect([...load.asChild.values()].reduce((a, b) => a + b, 0)).toBe(load.covered);
    }
  });
});
