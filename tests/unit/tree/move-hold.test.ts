import { describe, expect, it } from 'vitest';
import { diffUpstream } from '../../../src/tree/call-plan';
import { HEALTHY_MEDIA_MS, linkHealthy, MoveHold, NEW_LINK_GRACE_MS, type HeldLinkState } from '../../../src/tree/move-hold';

const HOLD = 8000;

/** Our links by id; `healthy` unless said otherwise. */
function links(...xs: [id: string, source: string, parent: string, healthy?: boolean][]): Map<string, HeldLinkState> {
  return new Map(xs.map(([id, source, parent, healthy]) => [id, { source, parent, video: true, healthy: healthy ?? true }]));
}

/** The plan's diff from `held` to `wanted` (source → parent, all with video), then the hold. */
function step(hold: MoveHold, held: Map<string, HeldLinkState>, wanted: Record<string, string>, now: number) {
  const want = new Map(Object.entries(wanted));
  return hold.apply(diffUpstream(held, want, new Set(want.keys())), held, now);
}

describe('MoveHold', () => {
  it('keeps a healthy link the plan moves, then moves it once the plan has wanted that for the hold', () => {
    const hold = new MoveHold(HOLD);
    const held = links(['l1', 'S', 'P']);
    const first = step(hold, held, { S: 'Q' }, 1000);
    expect(first).toEqual({ close: [], open: [], recheckAt: 1000 + HOLD, started: ['S'] });
    expect(hold.waiting()).toEqual(['S']);
    expect(step(hold, held, { S: 'Q' }, 1000 + HOLD - 1)).toMatchObject({ close: [], open: [], started: [] });
    expect(step(hold, held, { S: 'Q' }, 1000 + HOLD)).toEqual({ close: ['l1'], open: [{ source: 'S', parent: 'Q', video: true }], recheckAt: null, started: [] });
    expect(hold.waiting()).toEqual([]);
  });

  it('a plan that flips back within the hold moves nothing, and the next flip waits a whole hold again', () => {
    const hold = new MoveHold(HOLD);
    const held = links(['l1', 'S', 'P']);
    step(hold, held, { S: 'Q' }, 0);
    expect(step(hold, held, { S: 'P' }, 3000)).toEqual({ close: [], open: [], recheckAt: null, started: [] });
    expect(hold.waiting()).toEqual([]);
    expect(step(hold, held, { S: 'Q' }, 5000)).toMatchObject({ close: [], open: [], recheckAt: 5000 + HOLD });
    expect(step(hold, held, { S: 'Q' }, 5000 + HOLD).open).toEqual([{ source: 'S', parent: 'Q', video: true }]);
  });

  it('moves a broken or still-connecting link at once: a repair does not wait', () => {
    const hold = new MoveHold(HOLD);
    const held = links(['l1', 'S', 'P', false], ['l2', 'T', 'P']);
    const out = step(hold, held, { S: 'Q', T: 'Q' }, 0);
    expect(out.close).toEqual(['l1']);
    expect(out.open).toEqual([{ source: 'S', parent: 'Q', video: true }]);
    expect(out.started).toEqual(['T']);
  });

  it('opens new sources and closes sources the plan dropped without waiting', () => {
    const hold = new MoveHold(HOLD);
    const held = links(['l1', 'S', 'P']);
    const out = step(hold, held, { T: 'P' }, 0);
    expect(out).toEqual({ close: ['l1'], open: [{ source: 'T', parent: 'P', video: true }], recheckAt: null, started: [] });
  });

  it('a link whose video the plan turns on or off moves at once (the last N changed)', () => {
    const hold = new MoveHold(HOLD);
    const held = links(['l1', 'S', 'P']);
    const out = hold.apply(diffUpstream(held, new Map([['S', 'Q']]), new Set()), held, 0);
    expect(out.close).toEqual(['l1']);
    expect(out.open).toEqual([{ source: 'S', parent: 'Q', video: false }]);
  });

  it('of two links for one source, the plan keeps the one it wants and the hold adds nothing', () => {
    const hold = new MoveHold(HOLD);
    const held = links(['l1', 'S', 'P'], ['l2', 'S', 'Q', false]);
    expect(step(hold, held, { S: 'Q' }, 0)).toEqual({ close: ['l1'], open: [], recheckAt: null, started: [] });
  });
});

describe('linkHealthy', () => {
  const base = { parentStalled: false, state: 'connected' as const, openedAt: 0, mediaAt: undefined };
  const late = NEW_LINK_GRACE_MS + 10_000;

  it('a link whose frames arrive is healthy; once they stop it is not', () => {
    expect(linkHealthy({ ...base, mediaAt: late - 100 }, late)).toBe(true);
    expect(linkHealthy({ ...base, mediaAt: late - HEALTHY_MEDIA_MS }, late)).toBe(false);
  });

  it('a young link still setting up is healthy, an old one that never delivered is not', () => {
    expect(linkHealthy({ ...base, state: 'opening' }, NEW_LINK_GRACE_MS - 1)).toBe(true);
    expect(linkHealthy({ ...base, state: 'connecting' }, NEW_LINK_GRACE_MS - 1)).toBe(true);
    expect(linkHealthy({ ...base, state: 'connecting' }, NEW_LINK_GRACE_MS)).toBe(false);
  });

  it('a stalled parent or a failing link is never healthy, frames or not', () => {
    expect(linkHealthy({ ...base, parentStalled: true, mediaAt: late }, late)).toBe(false);
    for (const state of ['failed', 'closed', 'disconnected'] as const) expect(linkHealthy({ ...base, state, mediaAt: late }, late)).toBe(false);
  });
});
