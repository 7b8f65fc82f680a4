/**
 * What the simulated pages of the overlay benches sent, counted per page: the median page, and
 * the median page's cost of one flood (a flood costs a page the same whatever else goes on, so
 * the benches sample a few and scale by the floods a second).
 */
export interface SentCount {
  messages: number;
  bytes: number;
}

/** The median page by bytes (a copy: the counters go on). */
export function medianPage(sent: ReadonlyMap<string, SentCount>): SentCount {
  const rows = [...sent.values()].sort((a, b) => a.bytes - b.bytes);
  return { ...(rows[Math.floor(rows.length / 2)] as SentCount) };
}

/** Resets the counts, runs `flood` (which delivers what it sent) `samples` times, and returns the median page's cost of one. */
export function costPerFlood(sent: ReadonlyMap<string, SentCount>, samples: number, flood: () => void): SentCount {
  for (const s of sent.values()) {
    s.messages = 0;
    s.bytes = 0;
  }
  for (let k = 0; k < samples; k++) flood();
  const mid = medianPage(sent);
  return { messages: mid.messages / samples, bytes: mid.bytes / samples };
}
