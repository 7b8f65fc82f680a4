/**
 * How often a large room's pages beat, and how long a silence means something, by room size.
 * Pure: unit-tested, and the overlay traffic bench reads the same numbers.
 *
 * On the control overlay every beat sends each neighbour a digest of every count that rose
 * since the last (src/protocol/beat-digest.ts): about 17 characters per member. At a fixed
 * 0.4 s that grew with the room to 58 KB/s per page at 256 members and 225 KB/s (1.8 Mbit/s)
 * at 1,000: more than liveness is worth on many uplinks. So the beat slows as the room grows,
 * one more 0.4 s step per 64 members up to 4 s, keeping a digest's bytes per second near what
 * 64 members cost; and the silences that count follow the beat:
 * - `stallMs`, `maxStallMs`: the stall rules' floor and cap (StallWatch), 5 and 10 beats, as in
 *   a small room (2 s and 4 s at 0.4 s). A far member's count crosses several hops, each passing
 *   it on at its own next beat, and a delivery that just misses a page's beat waits a whole one
 *   there: in the seeded simulation of 256 pages (tests/unit/call/paced-liveness.test.ts) the
 *   gaps between rises are one beat at the median, 1.3 beats at p99 and 2 at most. Our parents
 *   are still judged by their frames first, and the relay's GONE by its report, neither of
 *   which slows down.
 * - `silentMs`: heard only through the overlay and silent this long, a member has left (12
 *   beats, at least 8 s: past the stall cap, so a member is a stalled leaf before it goes).
 * - `whoMs`: how often a page says who it is (name, state, tree hello, keys) to the whole room
 *   when nothing changed, in case someone missed it (changes go at once, and a neighbour whose
 *   link comes up gets a roster). Every page passes each one on to its other links, so at a
 *   fixed 30 s the room carried N / 30 such floods a second: ≈ 170 messages and 50 KB a second
 *   sent by every page at 1,000 members, more than the digests. 30 s per 64 members keeps it
 *   near two floods a second room-wide (bench/tree, overlay liveness).
 * Up to 64 members nothing changes: 0.4 s beats, 2 s / 4 s stall limits, 8 s to leave, who we
 * are every 30 s.
 */
import { SIZE_STEP, sizeSteps } from '../util/size-steps';


/** The beat of a room of up to PACE_STEP members. */
export const BEAT_MS = 400;
/** Each this many members add BEAT_MS to the beat. */
export const PACE_STEP = SIZE_STEP;
export const MAX_BEAT_MS = 4000;
/** Who we are, repeated unchanged, in a room of up to PACE_STEP members. */
export const WHO_MS = 30_000;

export interface BeatPace {
  beatMs: number;
  stallMs: number;
  maxStallMs: number;
  silentMs: number;
  whoMs: number;
}

export function beatPace(members: number): BeatPace {
  const steps = sizeSteps(members);
  const beatMs = Math.min(MAX_BEAT_MS, BEAT_MS * steps);
  return {
    beatMs,
    stallMs: Math.max(2000, 5 * beatMs),
    maxStallMs: Math.max(4000, 10 * beatMs),
    silentMs: Math.max(8000, 12 * beatMs),
    whoMs: WHO_MS * steps,
  };
}

/**
 * Is a beat due at `now`? A timer ticking every `tickMs` drives it: a slower beat skips ticks,
 * and a tick up to half a tick early is on time (timers run late and early by a few ms).
 */
export function beatDue(lastBeatAt: number, now: number, beatMs: number, tickMs: number): boolean {
  return now - lastBeatAt >= beatMs - tickMs / 2;
}
