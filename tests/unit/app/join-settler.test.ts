import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { JoinSettler } from '../../../src/call/join-settler';

describe('JoinSettler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const settledBy = async (s: JoinSettler, ms: number) => {
    let done = false;
    void s.settled.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(ms);
    return done;
  };

  it('settles a grace period after the join is ready, once', async () => {
    const s = new JoinSettler(1500, 400);
    await vi.advanceTimersByTimeAsync(100);
    s.ready();
    expect(await settledBy(s, 399)).toBe(false);
    s.ready(); // a second report does not restart the grace period
    expect(await settledBy(s, 1)).toBe(true);
    expect(s.pending).toBe(false);
  });

  it('settles at the cap when the join never gets ready (alone, or a slow peer)', async () => {
    const s = new JoinSettler(1500, 400);
    expect(await settledBy(s, 1499)).toBe(false);
    expect(await settledBy(s, 1)).toBe(true);
  });

  it('settles at once on leaving', async () => {
    const s = new JoinSettler(1500, 400);
    s.now();
    expect(await settledBy(s, 0)).toBe(true);
  });
});
