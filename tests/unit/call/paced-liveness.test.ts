/**
 * A seeded simulation of liveness in a large room at its paced beat (src/tree/beat-pace.ts):
 * N pages of the real OverlayFlood on the ring overlay, each beating every `beatMs` from its
 * own phase, every message delivered 2–40 ms later. What the stall rules need from it: the
 * longest gap between two rises of a member's count, as any other member sees them, stays well
 * under the paced stall floor, so nobody is judged stalled while everybody beats; and a member
 * that stops is silent everywhere a few beats later.
 */
import { describe, expect, it } from 'vitest';
import type { ControlMessage } from '../../../src/protocol/mesh-messages';
import { beatPace } from '../../../src/tree/beat-pace';
import { deliverOverlay, overlayPages } from '../../support/overlay-pages';
import { createPrng } from '../../support/prng';

const id = (i: number): string => i.toString(16).padStart(4, '0').repeat(8);
const HELLO = { uplinkKbps: 4000, canForward: true };
const STEP_MS = 10;

function simulate(n: number, seed: number, seconds: number, quietFromMs?: number) {
  const rng = createPrng(seed);
  const { beatMs } = beatPace(n);
  const clock = { now: 0 };
  const ids = Array.from({ length: n }, (_, i) => id(i + 1));
  const inFlight: { at: number; from: string; to: string; msg: ControlMessage }[] = [];
  /** Per observer, per member: when its count last rose, and the gaps between rises. */
  const lastRise = new Map<string, number>();
  const gaps: number[] = [];
  let measuring = false;
  const { floods } = overlayPages(
    ids,
    (from, to, msg) => inFlight.push({ at: clock.now + rng.int(2, 40), from, to, msg }),
    (me) => ({
      onHeartbeat: (m) => {
        const key = `${me}>${m.peerId}`;
        const before = lastRise.get(key);
        if (measuring && before !== undefined) gaps.push(clock.now - before);
        lastRise.set(key, clock.now);
      },
      now: () => clock.now,
    }),
  );
  const deliverDue = () => {
    for (let k = inFlight.length - 1; k >= 0; k--) {
      const m = inFlight[k] as (typeof inFlight)[number];
      if (m.at > clock.now) continue;
      inFlight[k] = inFlight[inFlight.length - 1] as (typeof inFlight)[number];
      inFlight.pop();
      deliverOverlay(floods.get(m.to), m.from, m.msg);
    }
  };
  ids.forEach((me, i) => floods.get(me)?.heartbeat({ joinedAt: i, state: { name: `p${i}`, micOn: false, camOn: false }, hello: HELLO }));
  const phase = new Map(ids.map((me) => [me, rng.int(0, beatMs / STEP_MS - 1) * STEP_MS]));
  const quiet = ids[Math.floor(n / 3)] as string;
  const warmMs = 8 * beatMs;
  for (clock.now = 0; clock.now < warmMs + seconds * 1000; clock.now += STEP_MS) {
    measuring = clock.now >= warmMs;
    for (const me of ids) {
      if (quietFromMs !== undefined && me === quiet && clock.now >= warmMs + quietFromMs) continue;
      if ((clock.now - (phase.get(me) ?? 0)) % beatMs === 0) floods.get(me)?.beat();
    }
    deliverDue();
  }
  const heardQuiet = ids.filter((me) => me !== quiet).map((me) => floods.get(me)?.heardFrom(quiet)?.lastHeardAt ?? -1);
  gaps.sort((a, b) => a - b);
  return { beatMs, gaps, maxGap: gaps[gaps.length - 1] ?? 0, p99: gaps[Math.floor(gaps.length * 0.99)] ?? 0, heardQuiet, end: clock.now, quietAt: warmMs + (quietFromMs ?? 0) };
}

/** The longest gap: two beats and a few deliveries' delays, well inside the stall floor. */
function expectTwoBeats(maxGap: number, beatMs: number, stallMs: number): void {
  expect(maxGap).toBeLessThanOrEqual(2 * beatMs + 300);
  expect(maxGap).toBeLessThan(0.6 * stallMs);
}

describe('paced liveness (seeded simulation)', () => {
  it('256 pages beating every 1.6 s: every member hears every other rise within two beats, well inside the stall floor', () => {
    const pace = beatPace(256);
    const r = simulate(256, 7, 12);
    expect(r.beatMs).toBe(1600);
    expect(r.gaps.length).toBeGreaterThan(256 * 255 * 5);
    // A gap is one beat at the median; a delivery that just misses a page's beat waits a whole
    // one there, so the longest is about two. The stall floor is five (beat-pace.ts).
    expect(r.gaps[Math.floor(r.gaps.length / 2)]).toBe(r.beatMs);
    expect(r.p99).toBeLessThan(1.5 * r.beatMs);
    expectTwoBeats(r.maxGap, r.beatMs, pace.stallMs);
    console.log(`[paced-liveness] 256 pages, beat ${r.beatMs} ms: gap between rises p99 ${r.p99} ms, max ${r.maxGap} ms (stall floor ${pace.stallMs} ms)`);
  });

  it('64 pages at the small-room beat (0.4 s): the same two-beat bound against a 2 s floor', () => {
    const pace = beatPace(64);
    const r = simulate(64, 3, 8);
    expect(r.beatMs).toBe(400);
    expectTwoBeats(r.maxGap, r.beatMs, pace.stallMs);
  });

  it('a member that stops beating is heard by nobody a few beats later (well inside the leave silence)', () => {
    const pace = beatPace(130);
    const r = simulate(130, 11, 10, 2000);
    expect(r.beatMs).toBe(1200);
    for (const at of r.heardQuiet) {
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThanOrEqual(r.quietAt + 2 * r.beatMs);
    }
    expect(r.end - Math.max(...r.heardQuiet)).toBeGreaterThan(pace.stallMs);
  });
});
