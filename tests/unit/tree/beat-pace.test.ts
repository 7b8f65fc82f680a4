import { describe, expect, it } from 'vitest';
import { BEAT_MS, beatDue, beatPace, MAX_BEAT_MS, PACE_STEP, WHO_MS } from '../../../src/tree/beat-pace';

describe('beatPace', () => {
  it('leaves rooms of up to 64 members as they were: 0.4 s beats, 2 s / 4 s stall limits, 8 s to leave, who we are every 30 s', () => {
    for (const n of [2, 17, 32, PACE_STEP]) expect(beatPace(n)).toEqual({ beatMs: BEAT_MS, stallMs: 2000, maxStallMs: 4000, silentMs: 8000, whoMs: WHO_MS });
  });

  it('slows one 0.4 s step per 64 members, to 4 s; the silences that count follow', () => {
    expect(beatPace(65).beatMs).toBe(800);
    expect(beatPace(256)).toEqual({ beatMs: 1600, stallMs: 8000, maxStallMs: 16_000, silentMs: 19_200, whoMs: 120_000 });
    expect(beatPace(1000)).toEqual({ beatMs: MAX_BEAT_MS, stallMs: 20_000, maxStallMs: 40_000, silentMs: 48_000, whoMs: 480_000 });
  });

  it('says who we are, unchanged, about twice a second room-wide at any size above 64', () => {
    for (const n of [128, 256, 512, 1000]) {
      const floodsPerSecond = n / (beatPace(n).whoMs / 1000);
      expect(floodsPerSecond).toBeGreaterThan(1.9);
      expect(floodsPerSecond).toBeLessThanOrEqual(64 / 30);
    }
  });

  it('never speeds up as the room grows; a stall waits out five beats, leaving more than the stall cap', () => {
    let before = beatPace(1);
    for (let n = 2; n <= 1000; n++) {
      const p = beatPace(n);
      expect(p.beatMs).toBeGreaterThanOrEqual(before.beatMs);
      expect(p.stallMs).toBeGreaterThanOrEqual(5 * p.beatMs);
      expect(p.maxStallMs).toBeGreaterThanOrEqual(2 * p.stallMs);
      expect(p.silentMs).toBeGreaterThan(p.maxStallMs);
      before = p;
    }
  });
});

describe('beatDue', () => {
  /** Beats a 400 ms timer with ±30 ms of jitter gives over 20 s, at `beatMs`. */
  function beatsOver20s(beatMs: number): number {
    let last = -Infinity;
    let beats = 0;
    for (let tick = 0; tick < 50; tick++) {
      const now = tick * 400 + (tick % 3 === 0 ? 30 : tick % 3 === 1 ? -30 : 0);
      if (beatDue(last, now, beatMs, 400)) {
        last = now;
        beats++;
      }
    }
    return beats;
  }

  it('beats on every tick at 0.4 s and on every fourth at 1.6 s, despite the timer jitter', () => {
    expect(beatsOver20s(400)).toBe(50);
    expect(beatsOver20s(1600)).toBe(13);
    expect(beatsOver20s(4000)).toBe(5);
  });
});
