import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalesce } from '../../../src/util/coalesce';

describe('coalesce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs the first call at once and folds a burst into one trailing run', () => {
    const fn = vi.fn();
    const run = coalesce(fn, 50);
    run();
    expect(fn).toHaveBeenCalledTimes(1);
    run();
    run();
    run();
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(50);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(500);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('never drops the last call: a change inside the window is seen after it', () => {
    const seen: number[] = [];
    let state = 0;
    const run = coalesce(() => seen.push(state), 50);
    state = 1;
    run();
    vi.advanceTimersByTime(10);
    state = 2;
    run();
    vi.advanceTimersByTime(40);
    expect(seen).toEqual([1, 2]);
    vi.advanceTimersByTime(100);
    state = 3;
    run();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('cancel stops a pending run', () => {
    const fn = vi.fn();
    const run = coalesce(fn, 50);
    run();
    run();
    run.cancel();
    vi.advanceTimersByTime(100);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
