import { describe, expect, it } from 'vitest';
import { ChildThinning, type TemporalInfo } from '../../../src/tree/forwarding/temporal-thinning';
import { BranchLayerPolicy } from '../../../src/tree/branch-layer-policy';

/** An L1T3 stream as Chromium 156's libvpx produced it (frame ids and references as measured). */
function l1t3(count: number): TemporalInfo[] {
  const frames: TemporalInfo[] = [{ keyFrame: true, temporalIndex: 0, frameId: 1, dependencies: [] }];
  let lastT0 = 1;
  let lastT1 = 1;
  for (let id = 2; id <= count; id++) {
    const phase = (id - 1) % 4; // 0: T0, 1: T2, 2: T1, 3: T2
    if (phase === 0) {
      frames.push({ keyFrame: false, temporalIndex: 0, frameId: id, dependencies: [lastT0] });
      lastT0 = id;
    } else if (phase === 2) {
      frames.push({ keyFrame: false, temporalIndex: 1, frameId: id, dependencies: [lastT0] });
      lastT1 = id;
    } else {
      // A T2 frame references the newest lower-layer frames (T1 before this T0: the pattern's [3,5]).
      frames.push({ keyFrame: false, temporalIndex: 2, frameId: id, dependencies: [...new Set([lastT1, lastT0])] });
    }
  }
  return frames;
}

/** Passes `frames` through, checking the child can decode every frame it gets. */
function pass(t: ChildThinning, frames: TemporalInfo[], have = new Set<number>()): TemporalInfo[] {
  const got: TemporalInfo[] = [];
  for (const f of frames) {
    if (!t.admit(f)) continue;
    for (const d of f.dependencies ?? []) expect(have.has(d), `frame ${f.frameId} references ${d}, never sent`).toBe(true);
    have.add(f.frameId!);
    got.push(f);
  }
  return got;
}

describe('ChildThinning', () => {
  it('full rate passes everything; caps pass a half and a quarter of the frames', () => {
    const frames = l1t3(400);
    expect(pass(new ChildThinning(), frames)).toHaveLength(400);
    const half = new ChildThinning();
    half.setMaxTemporal(1);
    expect(pass(half, frames)).toHaveLength(200);
    const quarter = new ChildThinning();
    quarter.setMaxTemporal(0);
    expect(pass(quarter, frames)).toHaveLength(100);
  });

  it('raising the cap mid-stream never sends a frame whose reference was dropped', () => {
    const frames = l1t3(40);
    const t = new ChildThinning();
    t.setMaxTemporal(0);
    const have = new Set<number>();
    const got = [...pass(t, frames.slice(0, 10), have)];
    t.setMaxTemporal(2);
    // Frame 11 (T1) references the T0 frame 9, which went: it passes. Frame 12 (T2) references 11 and 9.
    got.push(...pass(t, frames.slice(10), have));
    const ids = got.map((f) => f.frameId);
    expect(ids.slice(0, 3)).toEqual([1, 5, 9]);
    expect(ids).toContain(12);
    // pass() has already asserted that every frame's references were sent before it.
  });

  it('key frames and layer 0 always go, even at cap 0; frames without metadata go', () => {
    const t = new ChildThinning();
    t.setMaxTemporal(0);
    expect(t.admit({ keyFrame: true, temporalIndex: 2 })).toBe(true);
    expect(t.admit({ keyFrame: false, temporalIndex: 0, frameId: 7, dependencies: [3] })).toBe(true);
    expect(t.admit({ keyFrame: false })).toBe(true);
    expect(t.admit({ keyFrame: false, temporalIndex: 1 })).toBe(false);
    t.setMaxTemporal(9);
    expect(t.maxTemporal).toBe(2);
  });
});

describe('BranchLayerPolicy', () => {
  const congested = { sendDelayMs: 400, fractionLost: 0 };
  const clear = { sendDelayMs: 5, fractionLost: 0 };

  it('steps down at once, up after a run of clear samples', () => {
    const p = new BranchLayerPolicy();
    expect(p.sample(congested, 0)).toBe(1);
    expect(p.sample(congested, 1000)).toBe(0);
    expect(p.sample(congested, 2000)).toBe(0);
    expect(p.sample(clear, 3000)).toBe(0);
    expect(p.sample(clear, 7000)).toBe(0);
    expect(p.sample(clear, 8000)).toBe(1);
    expect(p.sample(clear, 13_000)).toBe(2);
    // Loss alone is congestion too; a middling sample holds.
    expect(p.sample({ sendDelayMs: 0, fractionLost: 0.3 }, 60_000)).toBe(1);
    expect(p.sample({ sendDelayMs: 80, fractionLost: 0 }, 70_000)).toBe(1);
  });

  it('a step up that congests again soon doubles the wait for the next one', () => {
    const p = new BranchLayerPolicy();
    p.sample(congested, 0); // 1
    p.sample(clear, 1000);
    expect(p.sample(clear, 6000)).toBe(2); // up after 5 s
    expect(p.sample(congested, 7000)).toBe(1); // failed within 10 s: wait 10 s now
    p.sample(clear, 8000);
    expect(p.sample(clear, 13_000)).toBe(1);
    expect(p.sample(clear, 18_000)).toBe(2);
  });
});
