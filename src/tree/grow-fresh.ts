import type { BundleTree } from './bundle-tree';
import { TreeGrower } from './tree-grower';
import type { TreeGrowth } from './tree-growth';
import type { GrowContext } from './tree-grower';

/**
 * Members in the order a fresh tree takes them: the bundle's sources first (they land next to the
 * root, so their streams are at most one hop longer than the tree is deep), then this bundle's
 * forwarders by budget (strong ones high up keep the tree shallow), then everyone else.
 */
export function candidateOrder(ctx: GrowContext, exclude: (x: number) => boolean): number[] {
  const { state, bundle, role } = ctx;
  const n = state.members.length;
  const seen = new Uint8Array(n);
  const out: number[] = [];
  const push = (x: number) => {
    if (seen[x] || exclude(x)) return;
    seen[x] = 1;
    out.push(x);
  };
  bundle.sources.forEach(push);
  const mine: number[] = [];
  for (let x = 0; x < n; x++) if (role[x] === bundle.index) mine.push(x);
  mine.sort((a, b) => (state.budget[b] ?? 0) - (state.budget[a] ?? 0) || a - b);
  mine.forEach(push);
  for (let x = 0; x < n; x++) push(x);
  return out;
}

/** A tree from nothing: breadth-first, so it is as shallow as the forwarders' capacity allows. */
export class FreshGrowth implements TreeGrowth {
  private readonly g: TreeGrower;
  private pending: number[] = [];

  constructor(private readonly ctx: GrowContext) {
    this.g = new TreeGrower(ctx);
  }

  get tree(): BundleTree {
    return this.g.tree;
  }

  start(): void {
    const { g, ctx } = this;
    const root = g.chooseRoot(-1);
    if (root < 0) return;
    g.setRoot(root);
    const b = ctx.bundle.index;
    this.pending = g.fill([root], candidateOrder(ctx, (x) => x === root), (x) => ctx.role[x] === b && g.canForward(x));
  }

  finish(): void {
    const { g, ctx } = this;
    if (g.tree.root < 0 || this.pending.length === 0) return;
    // This bundle's forwarders ran out of capacity: borrow what any forwarder has left.
    const spare = g.tree.order.filter((x) => g.canForward(x));
    const rest = g.fill(spare, this.pending, (x) => g.canForward(x));
    for (const c of rest) {
      const p = g.bestParent(c, 0, ctx.state.limits.maxDepth);
      if (p >= 0) g.attach(p, c);
    }
    this.pending = [];
  }
}
