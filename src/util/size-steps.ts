/**
 * How many steps of SIZE_STEP members a room of `members` is (at least one). Everything that
 * grows with a large room slows by the same steps, so up to 64 members nothing changes and
 * each further 64 add one interval: the beat and its silences (src/tree/beat-pace.ts), presence
 * announces (src/call/peer-liveness.ts), presence renewals (src/room-state/presence-clock.ts)
 * and epoch mints (src/call/rekey-pace.ts).
 */
export const SIZE_STEP = 64;

export function sizeSteps(members: number): number {
  return Math.max(1, Math.ceil(members / SIZE_STEP));
}
