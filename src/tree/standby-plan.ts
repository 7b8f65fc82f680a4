/**
 * Where each source we get through a forwarder would come from if that forwarder failed: the plan
 * made with it as a leaf, which is what every page plans once the failure is seen (a stalled
 * member keeps its place but forwards nothing). Pure, so every page's guess is the same and
 * testable. A standby link to that parent, connected ahead of time and passing nothing until
 * needed (tree-call.ts), turns a repair from a new connection into one message.
 */
import { upstreamOf, videoTo, treeStateFor, type CallMember, type HeldLink, type TreeCallParams } from './call-plan';
import { planTree } from './plan-tree';

/**
 * `current`: source → its parent on our links now. Returns source → the link we would want if
 * that parent failed, for each source whose parent is a forwarder (not the source itself: if
 * the source fails there is nothing left to receive) and whose parent would change.
 */
export function standbyParents(members: readonly CallMember[], params: TreeCallParams, me: string, current: ReadonlyMap<string, string>): Map<string, HeldLink> {
  const out = new Map<string, HeldLink>();
  const forwarders = new Set([...current].filter(([source, parent]) => parent !== source && parent !== me).map(([, parent]) => parent));
  for (const failed of forwarders) {
    const plan = planTree(treeStateFor(members.map((m) => (m.id === failed ? { ...m, canForward: false } : m)), params));
    if (plan.mode !== 'tree') continue;
    const wanted = upstreamOf(plan, me);
    const video = videoTo(plan, me);
    for (const [source, parent] of current) {
      if (parent !== failed || source === failed) continue;
      const next = wanted.get(source);
      if (next === undefined || next === failed) continue;
      out.set(source, { source, parent: next, video: video.has(source) });
    }
  }
  return out;
}
