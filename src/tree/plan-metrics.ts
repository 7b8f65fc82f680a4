import type { TreePlan } from './tree-types';

export interface PlanMetrics {
  members: number;
  /** Most hops from any source to any receiver. */
  maxDepth: number;
  maxUploadKbps: number;
  maxNeighbours: number;
  /** Distinct peer-to-peer connections in the room. */
  connections: number;
  /** (stream, member) pairs not delivered. */
  unreached: number;
}

/** Summary figures for tests, the benchmark and the debug overlay. */
export function measurePlan(plan: TreePlan): PlanMetrics {
  let maxUploadKbps = 0;
  let maxNeighbours = 0;
  let links = 0;
  for (const p of plan.peers) {
    maxUploadKbps = Math.max(maxUploadKbps, p.uploadKbps);
    maxNeighbours = Math.max(maxNeighbours, p.links.length);
    links += p.links.length;
  }
  return {
    members: plan.members.length,
    maxDepth: plan.streams.reduce((d, s) => Math.max(d, s.depth), 0),
    maxUploadKbps,
    maxNeighbours,
    connections: links / 2,
    unreached: plan.unreached,
  };
}

function connectionKeys(plan: TreePlan): Set<string> {
  const keys = new Set<string>();
  for (const p of plan.peers) {
    for (const l of p.links) if (p.id < l.peer) keys.add(JSON.stringify([p.id, l.peer]));
  }
  return keys;
}

export interface PlanStability {
  /** Connections of `before` whose two ends are still in the room. */
  surviving: number;
  /** Of those, how many `after` keeps. */
  kept: number;
  /** kept / surviving (1 when nothing survived). */
  keptFraction: number;
  /** Connections `after` has to open. */
  opened: number;
}

/** How much churn a replan causes: the connections it keeps and the ones it must open. */
export function planStability(before: TreePlan, after: TreePlan): PlanStability {
  const alive = new Set(after.members);
  const next = connectionKeys(after);
  const prev = connectionKeys(before);
  let surviving = 0;
  let kept = 0;
  for (const key of prev) {
    const [a, b] = JSON.parse(key) as [string, string];
    if (!alive.has(a) || !alive.has(b)) continue;
    surviving++;
    if (next.has(key)) kept++;
  }
  let opened = 0;
  for (const key of next) if (!prev.has(key)) opened++;
  return { surviving, kept, keptFraction: surviving === 0 ? 1 : kept / surviving, opened };
}
