import { describe, expect, it } from 'vitest';
import { DominantSpeaker } from '../../../src/room-state/dominant-speaker';

const L = (o: Record<string, number>) => new Map(Object.entries(o));

describe('DominantSpeaker', () => {
  it('the first voice takes the stage at once; silence keeps no one', () => {
    const d = new DominantSpeaker();
    expect(d.update(L({ a: 0, b: 0.01 }), 0)).toBeNull();
    expect(d.update(L({ a: 0.3, b: 0 }), 100)).toBe('a');
  });

  it('a challenger needs to be clearly louder for the hold time (no flicker)', () => {
    const d = new DominantSpeaker({ holdMs: 400 });
    d.update(L({ a: 0.3, b: 0 }), 0);
    expect(d.update(L({ a: 0.3, b: 0.35 }), 100)).toBe('a'); // not 1.5x louder
    expect(d.update(L({ a: 0.2, b: 0.5 }), 200)).toBe('a'); // louder, but not for long
    expect(d.update(L({ a: 0.3, b: 0.1 }), 300)).toBe('a');
    expect(d.update(L({ a: 0.2, b: 0.5 }), 400)).toBe('a');
    expect(d.update(L({ a: 0.2, b: 0.5 }), 800)).toBe('b'); // within a second
  });

  it('a silent speaker is replaced quickly, and cleared after the release time', () => {
    const d = new DominantSpeaker({ holdMs: 400, releaseMs: 1000 });
    d.update(L({ a: 0.3 }), 0);
    expect(d.update(L({ a: 0, b: 0 }), 500)).toBe('a');
    expect(d.update(L({ a: 0, b: 0 }), 1600)).toBeNull();
    d.update(L({ a: 0.3, b: 0 }), 2000);
    expect(d.update(L({ a: 0, b: 0.2 }), 2100)).toBe('a');
    expect(d.update(L({ a: 0, b: 0.2 }), 2500)).toBe('b');
  });

  it('someone who left is no longer the speaker', () => {
    const d = new DominantSpeaker();
    d.update(L({ a: 0.3 }), 0);
    expect(d.update(L({ b: 0 }), 100)).toBeNull();
  });
});
