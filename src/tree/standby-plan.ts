/**
 * Where each source we get through a forwarder would come from if that forwarder failed: the plan
 * made with it as a leaf, which is what every page plans once the failure is seen (a stalled
 * member keeps its place but forwards nothing). Pure, so every page's guess is the same and
 * testable. A standby link to that parent, connected ahead of time and passing nothing until
 * needed (tree-call.ts), turns a repair from a new connection into one message.
 */
import { upstreamOf, videoTo, treeStateFor, type CallMember, type HeldLink, type TreeCallParams } from './call-plan';
import { planTree } from './plan-tree';
import type { TreePlan, TreeState } from './tree-types';

/**
 * The most standby links one child holds, and one parent answers. Uncapped, a 256-member room in
 * the planner's simulation asked up to 10 of one child and 58 of one parent (bench/tree): the
 * orphans of many forwarders would all move to the few members with spare uplink. Beyond the
 * caps a repair opens a new link, as before.
 */
export const STANDBY_PER_CHILD = 4;
export const STANDBY_PER_PARENT = 8;

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
  // Video first (a picture frozen is what a repair is for), then by source id: the same order on every page.
  const ranked = [...out.values()].sort((a, b) => Number(b.video ?? true) - Number(a.video ?? true) || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  return new Map(ranked.slice(0, STANDBY_PER_CHILD).map((l) => [l.source, l]));
}

/**
 * What standby links cost a room (the benchmark): every forwarder's would-be repair planned once;
 * each member, in join order, asks for its standby links (at most STANDBY_PER_CHILD) and a parent
 * takes at most STANDBY_PER_PARENT. `wanted`: (member, source) pairs that would want one;
 * `covered`: those that get one.
 */
export function standbyLoad(state: TreeState, plan: TreePlan): { asChild: Map<string, number>; asParent: Map<string, number>; wanted: number; covered: number } {
  const asChild = new Map<string, number>();
  const asParent = new Map<string, number>();
  const without = new Map<string, TreePlan>();
  const planWithout = (failed: string): TreePlan => {
    let p = without.get(failed);
    if (p === undefined) {
      p = planTree({ ...state, members: state.members.map((m) => (m.id === failed ? { ...m, canForward: false } : m)) });
      without.set(failed, p);
    }
    return p;
  };
  let wanted = 0;
  let covered = 0;
  if (plan.mode !== 'tree') return { asChild, asParent, wanted, covered };
  for (const { id: me } of state.members) {
    let mine = 0;
    for (const [source, parent] of upstreamOf(plan, me)) {
      if (parent === source) continue;
      const next = upstreamOf(planWithout(parent), me).get(source);
      if (next === undefined || next === parent) continue;
      wanted++;
      if (mine >= STANDBY_PER_CHILD || (asParent.get(next) ?? 0) >= STANDBY_PER_PARENT) continue;
      mine++;
      covered++;
      asChild.set(me, mine);
      asParent.set(next, (asParent.get(next) ?? 0) + 1);
    }
  }
  return { asChild, asParent, wanted, covered };
}
