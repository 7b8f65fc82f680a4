/**
 * Liveness on the control overlay without passing every heartbeat on. Each page counts its
 * own beats (one per large-room ping, 0.4 s); every beat it sends each neighbour one digest
 * with its own count and every count it saw rise since its last digest. A member is alive
 * while its count keeps rising, however many hops away: one message per neighbour per beat
 * instead of one per member (used by src/call/overlay-flood.ts).
 *
 * Compact on the wire: `<first 12 hex of the peer id>.<count in base 36>` joined by commas,
 * about 17 characters per member (48-bit prefixes: two members of a room of 1,000 share one
 * with a chance of about 2 in a billion). Pure; validated on the way in.
 */
export const BEAT_ID_CHARS = 12;
/** Members one digest may carry (a room is capped far below). */
export const MAX_BEAT_ENTRIES = 4096;
const ENTRY = /^([0-9a-f]{12})\.([0-9a-z]{1,8})$/;

export function beatPrefix(peerId: string): string {
  return peerId.slice(0, BEAT_ID_CHARS);
}

export function encodeBeats(entries: Iterable<readonly [string, number]>): string {
  const out: string[] = [];
  for (const [peerId, beat] of entries) out.push(`${beatPrefix(peerId)}.${beat.toString(36)}`);
  return out.join(',');
}

/** The entries of a digest, or null when anything about it is off. */
export function decodeBeats(e: string): [string, number][] | null {
  if (e.length === 0) return [];
  const parts = e.split(',');
  if (parts.length > MAX_BEAT_ENTRIES) return null;
  const out: [string, number][] = [];
  for (const part of parts) {
    const m = ENTRY.exec(part);
    if (!m) return null;
    out.push([m[1] as string, parseInt(m[2] as string, 36)]);
  }
  return out;
}
