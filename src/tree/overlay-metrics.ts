/**
 * Figures of a control overlay (src/tree/control-overlay.ts) for tests and bench/tree: degree,
 * how many hops a flooded message needs, and what stays connected while links are repaired.
 */
export type Adjacency = ReadonlyMap<string, readonly string[]>;

export interface OverlayMetrics {
  members: number;
  maxDegree: number;
  meanDegree: number;
  /** Most hops between any two members (Infinity when some are not connected). */
  diameter: number;
  /** Mean hops between two members. */
  meanHops: number;
  /** Members in the largest connected part, as a share of all. */
  connectedShare: number;
}

/** Hops from `from` to every member it reaches. */
export function hopsFrom(adj: Adjacency, from: string): Map<string, number> {
  const dist = new Map<string, number>([[from, 0]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head] as string;
    const d = dist.get(at) as number;
    for (const next of adj.get(at) ?? []) {
      if (dist.has(next)) continue;
      dist.set(next, d + 1);
      queue.push(next);
    }
  }
  return dist;
}

function largestPart(adj: Adjacency): number {
  const seen = new Set<string>();
  let best = 0;
  for (const id of adj.keys()) {
    if (seen.has(id)) continue;
    const part = hopsFrom(adj, id);
    for (const m of part.keys()) seen.add(m);
    best = Math.max(best, part.size);
  }
  return best;
}

export function measureOverlay(adj: Adjacency): OverlayMetrics {
  const n = adj.size;
  let maxDegree = 0;
  let degrees = 0;
  for (const nbrs of adj.values()) {
    maxDegree = Math.max(maxDegree, nbrs.length);
    degrees += nbrs.length;
  }
  let diameter = 0;
  let hops = 0;
  let pairs = 0;
  for (const id of adj.keys()) {
    const dist = hopsFrom(adj, id);
    if (dist.size < n) diameter = Infinity;
    for (const d of dist.values()) {
      if (d === 0) continue;
      diameter = Math.max(diameter, d);
      hops += d;
      pairs += 1;
    }
  }
  return {
    members: n,
    maxDegree,
    meanDegree: n === 0 ? 0 : degrees / n,
    diameter: n <= 1 ? 0 : diameter,
    meanHops: pairs === 0 ? 0 : hops / pairs,
    connectedShare: n === 0 ? 1 : largestPart(adj) / n,
  };
}

/**
 * The links of `before` that survive among `members` (the ones who stayed): what a flooded
 * message can travel on after churn, before anyone has opened the new overlay's links.
 */
export function survivingLinks(before: Adjacency, members: readonly string[]): Map<string, string[]> {
  const stay = new Set(members);
  const out = new Map<string, string[]>();
  for (const id of stay) out.set(id, (before.get(id) ?? []).filter((m) => stay.has(m)));
  return out;
}

/** Links (unordered pairs) in `after` that `before` did not have: connections to open. */
export function newLinks(before: Adjacency, after: Adjacency): number {
  let count = 0;
  for (const [id, nbrs] of after) {
    const had = new Set(before.get(id) ?? []);
    for (const m of nbrs) if (id < m && !had.has(m)) count += 1;
  }
  return count;
}
