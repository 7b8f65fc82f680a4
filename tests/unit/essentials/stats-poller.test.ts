import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStats, StatLike } from '../../../src/stats/connection-stats';
import { pollConnectionStats, type StatsSource } from '../../../src/stats/stats-poller';

/** A connection whose inbound video counter grows 12 500 bytes per poll (100 kbps at 1 s). */
function fakeConnection(): StatsSource & { calls: number; fail: boolean } {
  const src = {
    calls: 0,
    fail: false,
    getStats(): Promise<Map<string, StatLike>> {
      src.calls++;
      if (src.fail) return Promise.reject(new Error('closed'));
      const t = src.calls * 1000;
      return Promise.resolve(new Map([['in', { id: 'in', type: 'inbound-rtp', kind: 'video', timestamp: t, bytesReceived: src.calls * 12_500 }]]));
    },
  };
  return src;
}

describe('pollConnectionStats', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits an interval for its first sample, reports rates over the last interval, keeps going after a failed getStats, stops when disposed', async () => {
    const pc = fakeConnection();
    const seen: ConnectionStats[] = [];
    const stop = pollConnectionStats(pc, (s) => seen.push(s), 1000);
    await vi.advanceTimersByTimeAsync(999);
    expect(seen).toHaveLength(0); // the first sample waits an interval (first frames are arriving)
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.bitrateDownKbps).toBeUndefined(); // one snapshot: no rate yet
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen[1]?.bitrateDownKbps).toBe(100);

    pc.fail = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toHaveLength(2);
    pc.fail = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toHaveLength(3);

    stop();
    const calls = pc.calls;
    await vi.advanceTimersByTimeAsync(5000);
    expect(pc.calls).toBe(calls);
    expect(seen).toHaveLength(3);
  });

  it('drops a sample that arrives after disposal', async () => {
    let release: (m: Map<string, StatLike>) => void = () => undefined;
    const slow: StatsSource = { getStats: () => new Promise((r) => (release = r)) };
    const seen: ConnectionStats[] = [];
    const stop = pollConnectionStats(slow, (s) => seen.push(s));
    stop();
    release(new Map());
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([]);
  });
});
