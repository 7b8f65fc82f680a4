import { describe, expect, it } from 'vitest';
import { REKEY_MIN_GAP_MS, rekeyGapMs } from '../../../src/call/rekey-pace';
import { epochTraffic } from '../../../bench/tree/rekey-traffic';

describe('rekeyGapMs', () => {
  it('leaves rooms of up to 64 members at 250 ms, then 250 ms more per 64 (1 s at 256, 4 s at 1,000)', () => {
    for (const n of [2, 6, 16, 64]) expect(rekeyGapMs(n)).toBe(REKEY_MIN_GAP_MS);
    expect(rekeyGapMs(65)).toBe(500);
    expect(rekeyGapMs(256)).toBe(1000);
    expect(rekeyGapMs(1000)).toBe(4000);
  });

  it('keeps the most a page sends in epoch hand-outs near the same at any size above 64', () => {
    const at = (n: number) => epochTraffic(n).pacedKBps;
    const small = at(128);
    for (const n of [256, 512, 1000]) {
      expect(at(n)).toBeLessThan(1.3 * small);
      expect(at(n)).toBeGreaterThan(0.7 * small);
    }
    // At the fixed 250 ms it grew with the room.
    expect(epochTraffic(1000).fixedKBps).toBeGreaterThan(5 * epochTraffic(128).fixedKBps);
  });
});
