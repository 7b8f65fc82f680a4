/**
 * How far apart the room's leader mints new epoch keys, by room size. Pure: unit-tested, and
 * bench/tree reads the same numbers.
 *
 * Every join and leave makes the leader mint a new epoch (src/call/trust-keeper.ts); changes
 * that land together share one, and mints are at least this far apart. A hand-out names every
 * member it is meant for (`to`: 35 bytes a member) and on the control overlay every page passes
 * it on to its other neighbours, so one mint costs each page about five times N × 35 bytes, and
 * a room whose people come and go keeps minting: at a fixed 250 ms, up to four mints a second,
 * ≈ 180 KB/s sent by every page at 256 members and ≈ 700 KB/s at 1,000 (bench/tree, "Epoch
 * hand-outs"), plus an X25519 open and re-seals and the key preparation on every page each time.
 * So the gap grows with the room, 250 ms per 64 members (1 s at 256, 4 s at 1,000), which keeps
 * the worst case near 45 KB/s at any size. The price: in a burst of joins a newcomer may wait
 * up to one gap for the key that lets it see and hear the room; a lone join after a quiet spell
 * is keyed at once, as before. Up to 64 members nothing changes.
 */
import { sizeSteps } from '../util/size-steps';

/** The least gap between two mints in a room of up to 64 members (SIZE_STEP). */
export const REKEY_MIN_GAP_MS = 250;

export function rekeyGapMs(members: number): number {
  return REKEY_MIN_GAP_MS * sizeSteps(members);
}
