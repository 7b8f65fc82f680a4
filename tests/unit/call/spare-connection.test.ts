import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SPARE_MAX_AGE_MS, SPARE_OFFER_AFTER_MS, SPARE_QUIET_MS, SpareConnection, type SpareHost } from '../../../src/call/spare-connection';
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

  it('builds and offers a spare once online for a while (whoever comes next is ours to offer to)', () => {
    const { spare, built } = setup();
    spare.online();
    vi.advanceTimersByTime(SPARE_OFFER_AFTER_MS - 1);
    expect(built).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(built).toHaveLength(1);
    expect(built[0]!.offer).not.toBeNull();
    expect(built[0]!.tuned).toBe('sdp+tuned');
  });

  it('hands the spare to a session we offer, never to one we answer', () => {
    const { spare, built, counts } = setup();
    spare.online();
    vi.advanceTimersByTime(SPARE_OFFER_AFTER_MS);
    expect(spare.take(false)).toBeNull();
    expect(built[0]!.closed).toBe(false);
    expect(spare.take(true)).toBe(built[0]);
    expect(counts['spare-used']).toBe(1);
    expect(spare.take(true)).toBeNull();
  });

  it('builds nothing while a connection is being set up, nor in the quiet time after one was opened', () => {
    const { spare, built, state } = setup();
    state.busy = true;
    spare.online();
    vi.advanceTimersByTime(SPARE_OFFER_AFTER_MS);
    expect(built).toHaveLength(0);
    state.busy = false;
    spare.take(false); // a session opened without a spare (we answered)
    vi.advanceTimersByTime(SPARE_QUIET_MS - 1);
    spare.tend();
    expect(built).toHaveLength(0);
    vi.advanceTimersByTime(1); // the quiet timer tends by itself
    expect(built).toHaveLength(1);
  });

  it('makes no spare while offline or before being online long enough', () => {
    const { spare, built } = setup();
    spare.tend();
    expect(built).toHaveLength(0);
    spare.online();
    spare.offline();
    vi.advanceTimersByTime(SPARE_OFFER_AFTER_MS);
    expect(built).toHaveLength(0);
  });

  it('closes a spare built for other settings, or grown old, and builds a fresh one', () => {
    const { spare, built, state } = setup();
    spare.online();
    vi.advanceTimersByTime(SPARE_OFFER_AFTER_MS);
    state.shape = 'audio-only|voice';
    expect(spare.take(true)).toBeNull();
    expect(built[0]!.closed).toBe(true);
    vi.advanceTimersByTime(SPARE_QUIET_MS);
    expect(built).toHaveLength(2);
    vi.advanceTimersByTime(SPARE_MAX_AGE_MS);
    spare.tend();
    expect(built[1]!.closed).toBe(true);
    expect(built).toHaveLength(3);
  });

  it('holds nothing once the call is left or turned away, and after dispose', () => {
    const { spare, built, state } = setup();
    spare.online();
    vi.advanceTimersByTime(SPARE_OFFER_AFTER_MS);
    state.allowed = false;
    spare.tend();
    expect(built[0]!.closed).toBe(true);
    expect(spare.take(true)).toBeNull();
    state.allowed = true;
    vi.advanceTimersByTime(SPARE_QUIET_MS);
    expect(built).toHaveLength(2);
    spare.dispose();
    expect(built[1]!.closed).toBe(true);
    spare.tend();
    expect(built).toHaveLength(2);
  });
});
