import { assembleMeshPlan, assembleTreePlan } from './assemble-plan';
import { assignBundles } from './assign-bundles';
import { assignRoles } from './assign-roles';
import type { BundleTree } from './bundle-tree';
import { CapacityLedger } from './capacity-ledger';
import { FreshGrowth } from './grow-fresh';
import { RepairGrowth } from './grow-repaired';
import type { TreeGrowth } from './tree-growth';
import type { PreviousTree } from './grow-repaired';
import { normaliseState } from './normalise-state';
import type { NormalisedState } from './normalise-state';
import { TREE_PLAN_VERSION } from './tree-types';
import type { TreePlan, TreeState } from './tree-types';

/**
 * Plans media distribution for a room from shared state alone. Pure and deterministic: every peer
 * that holds the same state (in any order) computes a byte-identical plan, so no coordinator is
 * needed. Throws `TreeError` ('invalid-state' | 'invalid-limits') on malformed input.
 */
export function planTree(state: TreeState | unknown): TreePlan {
  const s = normaliseState(state);
  if (s.members.length <= s.limits.meshMax) return assembleMeshPlan(s);
  return buildFresh(s);
}

interface BuildOptions {
  /** Forwarding sources forward in their own bundle (short streams), or roles by capacity alone. */
  sourcesFirst: boolean;
  /** Grow bundles one after the other (stage first) instead of own-capacity-first for all. */
  sequential: boolean;
}

/**
 * The default keeps streams short; in a small room short of capacity it can starve the stage
 * bundle, so then other strategies are tried and the plan that reaches the most members wins.
 * Still deterministic: the order of attempts is fixed.
 */
const FALLBACKS: BuildOptions[] = [
  { sourcesFirst: false, sequential: false },
  { sourcesFirst: true, sequential: true },
  { sourcesFirst: false, sequential: true },
];

function buildFresh(s: NormalisedState): TreePlan {
  let best = build(s, null, { sourcesFirst: true, sequential: false });
  for (const options of FALLBACKS) {
    if (best.unreached === 0) break;
    const next = build(s, null, options);
    if (next.unreached < best.unreached) best = next;
  }
  return best;
}

/**
 * Like `planTree`, but keeps as many of `previous`'s edges as still fit: children of a departed
 * forwarder re-attach elsewhere and the rest of each tree stays put. Falls back to a fresh plan
 * only when the repair reaches fewer members than a fresh plan would.
 */
export function replanTree(previous: TreePlan | null, state: TreeState | unknown): TreePlan {
  const s = normaliseState(state);
  if (s.members.length <= s.limits.meshMax) return assembleMeshPlan(s);
  const usable = previous && previous.version === TREE_PLAN_VERSION && previous.mode === 'tree' ? previous : null;
  if (!usable) return buildFresh(s);
  const repaired = build(s, usable, { sourcesFirst: true, sequential: false });
  if (repaired.unreached === 0) return repaired;
  const fresh = buildFresh(s);
  return fresh.unreached < repaired.unreached ? fresh : repaired;
}

function build(s: NormalisedState, previous: TreePlan | null, options: BuildOptions): TreePlan {
  const prevBundleOf = previous ? new Map(previous.streams.map((st) => [st.id, st.bundle])) : null;
  const bundles = assignBundles(s, prevBundleOf);
  const prevRoles = previous
    ? new Map(previous.peers.filter((p) => p.role !== null).map((p) => [p.id, p.role as number]))
    : null;
  const role = assignRoles(s, bundles, prevRoles, options.sourcesFirst);
  const active = bundles.filter((b) => b.kbps > 0);
  const ledger = new CapacityLedger(s.budget, active.length, s.limits.maxNeighbours);
  // Every source sends its own streams up once per bundle, whatever else happens: reserve that first.
  for (const bundle of active) for (const x of bundle.sources) ledger.charge(x, bundle.own[x] ?? 0);
  const growths: (TreeGrowth | null)[] = bundles.map((bundle) => {
    if (bundle.kbps <= 0) return null;
    const ctx = { state: s, ledger, bundle, role };
    const prevTree = previous ? previousTree(s, previous, bundle.index) : null;
    return prevTree ? new RepairGrowth(ctx, prevTree) : new FreshGrowth(ctx);
  });
  // A bundle none of whose forwarders prefer it (small rooms) borrows, so it goes after the others.
  const deferred = (b: number) => options.sequential || (!previous && !role.includes(b));
  growths.forEach((g, b) => {
    if (!deferred(b)) g?.start();
  });
  growths.forEach((g, b) => {
    if (deferred(b)) g?.start();
    g?.finish();
  });
  const trees: (BundleTree | null)[] = growths.map((g) => g?.tree ?? null);
  return assembleTreePlan(s, bundles, trees, role, previous ? 'repaired' : 'fresh');
}

/** The previous plan's tree for bundle `index`, mapped onto current members (departed ones dropped). */
function previousTree(s: NormalisedState, previous: TreePlan, index: number): PreviousTree | null {
  const planned = previous.bundles.find((b) => b.index === index);
  if (!planned || planned.root === null) return null;
  const n = s.members.length;
  const at = (id: string) => s.indexOf.get(id) ?? -1;
  const parent = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n).fill(-1);
  const children: number[][] = Array.from({ length: n }, () => []);
  const order: number[] = [];
  const top: number[] = [];
  let topBefore = 0;
  const root = at(planned.root);
  if (root >= 0) {
    order.push(root);
    depth[root] = 0;
  }
  // Depths as they were, departed members included, so that "next to the root" survives a departed root.
  const oldDepth = new Map<string, number>([[planned.root, 0]]);
  for (const [childId, parentId] of planned.tree) {
    const d = (oldDepth.get(parentId) ?? 0) + 1;
    oldDepth.set(childId, d);
    if (parentId === planned.root) topBefore++;
    const c = at(childId);
    if (c < 0 || depth[c] !== -1) continue;
    depth[c] = d;
    order.push(c);
    if (parentId === planned.root) top.push(c);
    const p = at(parentId);
    if (p >= 0 && depth[p] !== -1) {
      parent[c] = p;
      children[p]?.push(c);
    }
  }
  return { root, top, topBefore, parent, depth, children, order };
}
