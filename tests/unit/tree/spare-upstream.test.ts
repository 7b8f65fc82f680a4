import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LinkOptions, PreparedUpstream } from '../../../src/tree/forwarding/tree-links';
import { SpareUpstream } from '../../../src/tree/spare-upstream';

/** A stand-in for a prepared child end: only `pc.close` is used by the keeper. */
function fakePrepared(): PreparedUpstream & { closed: boolean } {
  const p = { closed: false } as PreparedUpstream & { closed: boolean };
  p.pc = { close: () => { p.closed = true; } } as unknown as RTCPeerConnection;
  return p;
}

describe('SpareUpstream', () => {
  let made: (PreparedUpstream & { closed: boolean })[];
  let wanted: boolean;
  let options: LinkOptions;
  const keeper = () =>
    new SpareUpstream({
      delayMs: 3000,
      maxAgeMs: 60_000,
      linkOptions: () => options,
      wanted: () => wanted,
      now: () => Date.now(),
      prepare: () => {
        const p = fakePrepared();
        made.push(p);
        return Promise.resolve(p);
      },
    });
  beforeEach(() => {
    vi.useFakeTimers();
    made = [];
    wanted = true;
    options = { iceServers: [] };
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('makes one spare after a quiet time, hands it out once, and makes the next after another quiet time', async () => {
    const s = keeper();
    s.schedule();
    expect(s.take()).toBeNull();
    await vi.advanceTimersByTimeAsync(2999);
    expect(made).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(made).toHaveLength(1);
    expect(s.take()).toBe(made[0]);
    expect(s.take()).toBeNull();
    // Each take restarts the quiet time: links opened in a burst get no spare built beside them.
    await vi.advanceTimersByTimeAsync(2000);
    s.take();
    await vi.advanceTimersByTimeAsync(2000);
    expect(made).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(made).toHaveLength(2);
    expect(s.counts).toEqual({ made: 2, taken: 1, stale: 0 });
  });

  it('renews a spare after maxAgeMs, and never hands out one made for other ICE settings', async () => {
    const s = keeper();
    s.schedule();
    await vi.advanceTimersByTimeAsync(3000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(made).toHaveLength(2);
    expect(made[0]?.closed).toBe(true);
    options = { iceServers: [{ urls: 'turn:127.0.0.1:3478' }], iceTransportPolicy: 'relay' };
    expect(s.take()).toBeNull();
    expect(made[1]?.closed).toBe(true);
    expect(s.counts.stale).toBe(2);
  });

  it('makes none while the room is not a tree, and closes the spare when it stops being one', async () => {
    const s = keeper();
    wanted = false;
    s.schedule();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(made).toHaveLength(0);
    wanted = true;
    s.schedule();
    await vi.advanceTimersByTimeAsync(3000);
    s.drop();
    expect(made[0]?.closed).toBe(true);
    s.dispose();
    s.schedule();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(made).toHaveLength(1);
  });
});
