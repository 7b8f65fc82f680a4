import type { TreePlan, TreeState } from '../../../src/tree';

/**
 * Checks a plan against the rules independently of how the planner works, straight from its
 * edges: returns a list of violations (empty when the plan is sound).
 */
export function checkPlan(state: TreeState, plan: TreePlan, opts: { uploadCapKbps: number; maxNeighbours: number }): string[] {
  const problems: string[] = [];
  const members = new Map(state.members.map((m) => [m.id, m]));
  const forwarded = new Map<string, number>();
  for (const s of plan.streams) {
    const has = new Set([s.source]);
    for (const [from, to] of s.edges) {
      if (!has.has(from)) problems.push(`${s.id}: ${from} sends before it has the stream`);
      if (has.has(to)) problems.push(`${s.id}: ${to} receives twice`);
      has.add(to);
      if (from !== s.source) {
        forwarded.set(from, (forwarded.get(from) ?? 0) + 1);
        if (!members.get(from)?.canForward) problems.push(`${s.id}: ${from} cannot forward but does`);
      }
    }
    const missing = [...members.keys()].filter((id) => !has.has(id));
    if (missing.length !== s.unreached.length) problems.push(`${s.id}: unreached list disagrees with edges`);
    if (missing.length > 0) problems.push(`${s.id}: ${missing.length} members not reached`);
  }
  const byId = new Map(plan.peers.map((p) => [p.id, p]));
  for (const p of plan.peers) {
    if (p.links.length > opts.maxNeighbours) problems.push(`${p.id}: ${p.links.length} neighbours`);
    if (p.uploadKbps > opts.uploadCapKbps + 1e-6) problems.push(`${p.id}: uploads ${p.uploadKbps} kbps`);
    const forwards = forwarded.get(p.id) ?? 0;
    const uplink = members.get(p.id)?.uplinkKbps ?? 0;
    if (forwards > 0 && p.uploadKbps > uplink + 1e-6) problems.push(`${p.id}: uploads ${p.uploadKbps} over its uplink ${uplink}`);
    for (const l of p.links) {
      const back = byId.get(l.peer)?.links.find((x) => x.peer === p.id);
      if (!back || back.send.join() !== l.receive.join() || back.receive.join() !== l.send.join()) {
        problems.push(`${p.id}↔${l.peer}: link is not symmetric`);
      }
    }
  }
  return problems;
}
