import { describe, expect, it } from 'vitest';
import { admitted, compareMembers, isInitiator, type Member } from '../../../src/call/membership';
import { seededRandom } from '../../support/prng';


function shuffle<T>(xs: T[], r: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

describe('membership rules', () => {
  it('exactly one side of every pair initiates (no glare), the earlier joiner', () => {
    const ms: Member[] = [
      { peerId: '0a', joinedAt: 5 },
      { peerId: '0b', joinedAt: 5 },
      { peerId: 'ff', joinedAt: 1 },
      { peerId: '10', joinedAt: 9 },
    ];
    for (const a of ms) for (const b of ms) if (a !== b) expect(isInitiator(a, b)).toBe(!isInitiator(b, a));
    expect(isInitiator({ peerId: 'ff', joinedAt: 1 }, { peerId: '00', joinedAt: 2 })).toBe(true);
    expect(isInitiator({ peerId: '0a', joinedAt: 5 }, { peerId: '0b', joinedAt: 5 })).toBe(true);
  });

  it('every peer computes the same admitted set whatever order it learned of the others', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = seededRandom(seed);
      const n = 2 + Math.floor(r() * 10);
      // Equal join times happen (clock granularity): ids break the tie.
      const members: Member[] = Array.from({ length: n }, (_, i) => ({ peerId: `p${String(i).padStart(2, '0')}`, joinedAt: Math.floor(r() * 4) }));
      const max = 1 + Math.floor(r() * n);
      const reference = [...admitted(members, max)].sort();
      for (let view = 0; view < 5; view++) {
        const got = [...admitted(shuffle(members, r), max)].sort();
        expect(got, `seed ${seed}`).toEqual(reference);
      }
      expect(reference).toHaveLength(Math.min(max, n));
      // The earliest joiners get in.
      const sorted = [...members].sort(compareMembers);
      expect(reference).toEqual(sorted.slice(0, max).map((m) => m.peerId).sort());
    }
  });
});
