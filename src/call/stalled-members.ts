/**
 * Which members of a large room have gone quiet: pure, so the rule is unit-tested. A member
 * counts once its connection has been up (a connection still being set up is not "quiet").
 */
export interface HeardFrom {
  peerId: string;
  everConnected: boolean;
  lastHeardAt: number;
}

export function stalledMembers(peers: readonly HeardFrom[], now: number, stallMs: number): Set<string> {
  const out = new Set<string>();
  for (const p of peers) if (p.everConnected && now - p.lastHeardAt > stallMs) out.add(p.peerId);
  return out;
}

export function sameMembers(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((id) => b.has(id));
}
