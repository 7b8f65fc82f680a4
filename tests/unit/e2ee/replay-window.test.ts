import { describe, expect, it } from 'vitest';
import { ReplayWindow } from '../../../src/e2ee/replay-window';

describe('ReplayWindow', () => {
  it('accepts each CTR once, in or out of order, inside the window', () => {
    const w = new ReplayWindow(128);
    expect(w.accept(5n)).toBe(true);
    expect(w.accept(5n)).toBe(false);
    expect(w.accept(3n)).toBe(true);
    expect(w.check(3n)).toBe('replay');
    expect(w.accept(4n)).toBe(true);
    expect(w.accept(132n)).toBe(true);
    expect(w.check(5n)).toBe('replay');
    expect(w.check(4n)).toBe('too-old'); // 132 - 4 = 128
    expect(w.check(6n)).toBe('fresh');
  });

  it('handles large jumps and 64-bit counters', () => {
    const w = new ReplayWindow(128);
    expect(w.accept(10n)).toBe(true);
    const big = (1n << 63n) + 7n;
    expect(w.accept(big)).toBe(true);
    expect(w.check(10n)).toBe('too-old');
    expect(w.check(big)).toBe('replay');
    expect(w.accept(big - 127n)).toBe(true);
    expect(w.check(big - 128n)).toBe('too-old');
  });

  it('check does not move the window', () => {
    const w = new ReplayWindow(4);
    w.accept(1n);
    expect(w.check(1000n)).toBe('fresh');
    expect(w.check(1n)).toBe('replay');
    expect(w.accept(2n)).toBe(true);
  });
});
