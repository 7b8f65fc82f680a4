import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SPARE_MAX_AGE_MS, SPARE_OFFER_AFTER_MS, SPARE_REBUILD_AFTER_MS, SpareConnection, type SpareHost } from '../../../src/call/spare-connection';
import type { SessionKit } from '../../../src/call/session-kit';

/** The part of SessionKit the spare logic touches. */
class FakeKit {
  offer: Promise<boolean> | null = null;
  closed = false;
  tuned: string | null = null;
  preOffer(tune: (sdp: string) => string): Promise<boolean> {
    this.tuned = tune('sdp');
    this.offer = Promise.resolve(true);
    return this.offer;
  }
  close(): void {
    this.closed = true;
  }
}

function setup() {
  const built: FakeKit[] = [];
  const counts: Record<string, number> = {};
  const state = { allowed: true, busy: false, shape: 'video|voice' };
  const host: SpareHost = {
    allowed: () => state.allowed,
    busy: () => state.busy,
    shape: () => state.shape,
    build: () => {
      const k = new FakeKit();
      built.push(k);
      return k as unknown as SessionKit;
    },
    tune: (sdp) => `${sdp}+tuned`,
    count: (e) => void (counts[e] = (counts[e] ?? 0) + 1),
  };
  const spare = new SpareConnection(host, () => Date.now());
  return { spare, built, counts, state };
}

describe('SpareConnection', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('builds a spare at start, and offers it once online for a while (someone who comes next is ours to offer to)', () => {
    const { spare, built } = setup();
    spare.start();
    vi.advanceTimersByTime(0);
    expect(built).toHaveLength(1);
    expect(built[0]!.offer).toBeNull();
    spare.online();
    vi.advanceTimersByTime(SPARE_OFFER_AFTER_MS - 1);
    expect(built[0]!.offer).toBeNull();
    vi.advanceTimersByTime(1);
    expect(built[0]!.offer).not.toBeNull();
    expect(built[0]!.tuned).toBe('sdp+tuned');
  });

  it('answers the first offer on an unoffered spare; an offered one is only for offering', () => {
    const { spare, built, counts } = setup();
    spare.start();
    vi.advanceTimersByTime(0);
    expect(spare.take(false)).toBe(built[0]);
    expect(counts['spare-used:plain']).toBe(1);
    spare.tend();
    vi.advanceTimersByTime(SPARE_REBUILD_AFTER_MS);
    spare.online();
    vi.advanceTimersByTime(SPARE_OFFER_AFTER_MS);
    expect(built).toHaveLength(2);
    expect(built[1]!.offer).not.toBeNull();
    expect(spare.take(false)).toBeNull();
    expect(built[1]!.closed).toBe(false);
    expect(spare.take(true)).toBe(built[1]);
    expect(counts['spare-used:offered']).toBe(1);
  });

  it('builds nothing while a connection is being set up, nor soon after a spare was used', () => {
    const { spare, built, state } = setup();
    state.busy = true;
    spare.start();
    vi.advanceTimersByTime(0);
    expect(built).toHaveLength(0);
    state.busy = false;
    spare.tend();
    expect(spare.take(true)).toBe(built[0]);
    vi.advanceTimersByTime(SPARE_REBUILD_AFTER_MS - 1);
    spare.tend();
    expect(built).toHaveLength(1);
    vi.advanceTimersByTime(1);
    spare.tend();
    expect(built).toHaveLength(2);
  });

  it('closes a spare built for other settings, or grown old, and builds a fresh one', () => {
    const { spare, built, state } = setup();
    spare.start();
    vi.advanceTimersByTime(0);
    state.shape = 'audio-only|voice';
    expect(spare.take(true)).toBeNull();
    expect(built[0]!.closed).toBe(true);
    spare.tend();
    expect(built).toHaveLength(2);
    vi.advanceTimersByTime(SPARE_MAX_AGE_MS);
    spare.tend();
    expect(built[1]!.closed).toBe(true);
    expect(built).toHaveLength(3);
  });

  it('holds nothing once the call is left or turned away, and after dispose', () => {
    const { spare, built, state } = setup();
    spare.start();
    vi.advanceTimersByTime(0);
    state.allowed = false;
    spare.tend();
    expect(built[0]!.closed).toBe(true);
    expect(spare.take(true)).toBeNull();
    state.allowed = true;
    spare.tend();
    spare.dispose();
    expect(built[1]!.closed).toBe(true);
    spare.tend();
    expect(built).toHaveLength(2);
  });
});
