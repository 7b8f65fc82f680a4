import type { BundleTree } from './bundle-tree';
import { candidateOrder } from './grow-fresh';
import { TreeGrower } from './tree-grower';
import type { GrowContext } from './tree-grower';
import type { TreeGrowth } from './tree-growth';

/** The previous plan's tree for a bundle, in the current state's member indices; departed members dropped. */
export interface PreviousTree {
  /** -1 when the previous root left. */
  root: number;
  /** The previous root's surviving children (kept even when the root itself left). */
  top: number[];
  /** How many children the previous root had, departed ones included. */
  topBefore: number;
  /** -1 for the root, for members whose parent left, and for members not in the previous tree. */
  parent: Int32Array;
  depth: Int32Array;
  children: number[][];
  /** Surviving members of the previous tree, parents before children. */
  order: number[];
}

/** Height of each node's subtree in the previous tree, counting surviving members only. */
function subtreeHeights(prev: PreviousTree, n: number): Int32Array {
  const h = new Int32Array(n);
  for (let i = prev.order.length - 1; i >= 0; i--) {
    const x = prev.order[i] as number;
    const p = prev.parent[x] ?? -1;
    if (p >= 0) h[p] = Math.max(h[p] ?? 0, (h[x] ?? 0) + 1);
  }
  return h;
}

/**
 * Repair: keep every previous edge whose ends survive and still fit, top-down from the root.
 * Members cut off (their parent left, or no longer has the capacity) re-attach with their whole
 * subtree at the shallowest place that fits; newcomers come last and land in free slots. The rest
 * of the tree does not move. Two exceptions keep streams short: a new root takes the old root's
 * place (children and all), and a source that is now active but sits deep swaps places with a
 * non-source next to the root, adopting that node's children.
 */
export class RepairGrowth implements TreeGrowth {
  private readonly g: TreeGrower;
  private readonly heights: Int32Array;
  private readonly pending: number[] = [];
  /** Previous position (member index) → the member that takes it over. */
  private readonly takeover = new Map<number, number>();
  /** Sources that go straight below the root, into slots that departures freed. */
  private readonly lifted = new Set<number>();

  constructor(
    private readonly ctx: GrowContext,
    private readonly prev: PreviousTree,
  ) {
    this.g = new TreeGrower(ctx);
    this.heights = subtreeHeights(prev, ctx.state.members.length);
  }

  get tree(): BundleTree {
    return this.g.tree;
  }

  start(): void {
    const { g, prev } = this;
    const root = g.chooseRoot(prev.root);
    if (root < 0) return;
    g.setRoot(root);
    if (root !== prev.root) {
      this.pending.push(...(prev.children[root] ?? []));
      if (prev.root >= 0) this.pending.push(prev.root);
    }
    this.planPromotions(root);
    this.keep(root, prev.top);
    for (const x of this.lifted) {
      this.pending.push(...(prev.children[x] ?? []));
      if (g.canAttach(root, x)) g.attach(root, x);
      else this.pending.unshift(x);
    }
  }

  finish(): void {
    const { g, ctx, prev } = this;
    if (g.tree.root < 0) return;
    const n = ctx.state.members.length;
    for (const x of prev.order) if ((prev.parent[x] ?? -1) < 0 && x !== prev.root) this.pending.push(x);
    // Tall subtrees first, while shallow slots are left.
    const heights = this.heights;
    const first = this.pending.map((x, i) => [x, i] as const).sort((a, b) => (heights[b[0]] ?? 0) - (heights[a[0]] ?? 0) || a[1] - b[1]);
    this.pending.length = 0;
    this.pending.push(...first.map(([x]) => x));
    const inPrev = new Uint8Array(n);
    for (const x of prev.order) inPrev[x] = 1;
    this.pending.push(...candidateOrder(ctx, (x) => inPrev[x] === 1));
    for (let i = 0; i < this.pending.length; i++) this.place(this.pending[i] as number);
    // Members whose previous ancestors could not be placed at all.
    for (let x = 0; x < n; x++) this.place(x);
  }

  private place(c: number): void {
    const { g, ctx } = this;
    if (g.tree.has(c)) return;
    const p = g.bestParent(c, this.heights[c] ?? 0, ctx.state.limits.maxDepth - 1);
    if (p < 0) return;
    g.attach(p, c);
    this.keep(c, this.prev.children[c] ?? []);
  }

  /** Re-attach previous children below `node`, breadth-first; those that no longer fit wait in `pending`. */
  private keep(node: number, children: readonly number[]): void {
    const { g, prev } = this;
    const queue: [number, readonly number[]][] = [[node, children]];
    for (let qi = 0; qi < queue.length; qi++) {
      const [x, kids] = queue[qi] as [number, readonly number[]];
      for (const c of kids) {
        const heir = this.takeover.get(c);
        if (heir !== undefined && !g.tree.has(heir) && g.canAttach(x, heir)) {
          g.attach(x, heir);
          queue.push([heir, prev.children[c] ?? []]);
          this.pending.push(c, ...(prev.children[heir] ?? []));
          continue;
        }
        if (this.lifted.has(c)) continue;
        if (g.tree.has(c)) {
          // Moved elsewhere already (promoted): its old children must find new parents.
          if (c !== g.tree.root && heir === undefined) this.pending.push(...(prev.children[c] ?? []).filter((k) => !g.tree.has(k)));
          continue;
        }
        if (g.canAttach(x, c)) {
          g.attach(x, c);
          queue.push([c, prev.children[c] ?? []]);
        } else {
          this.pending.push(c);
        }
      }
    }
  }

  /** Pairs each deep active source with a non-source position next to the root. */
  private planPromotions(root: number): void {
    const { ctx, prev, g } = this;
    const sources = new Set(ctx.bundle.sources);
    const free = prev.top.filter((x) => !sources.has(x) && x !== root);
    let freed = prev.topBefore - prev.top.length;
    for (const s of ctx.bundle.sources) {
      if (s === root || (prev.depth[s] ?? -1) === 1) continue;
      if (freed > 0) {
        freed--;
        this.lifted.add(s);
        continue;
      }
      if (free.length === 0) continue;
      const capacity = g.canForward(s) ? Math.floor((ctx.ledger.uploadLeft[s] ?? 0) / Math.max(1, ctx.bundle.kbps)) : 0;
      // Prefer a place whose children `s` can adopt, then the one with the fewest children.
      const cost = (x: number) => {
        const kids = (prev.children[x] ?? []).length;
        return (kids <= capacity ? 0 : 1000) + kids;
      };
      let pick = 0;
      for (let i = 1; i < free.length; i++) if (cost(free[i] as number) < cost(free[pick] as number)) pick = i;
      const x = free[pick] as number;
      if (!g.canForward(s) && (prev.children[x] ?? []).length > 0) continue;
      free.splice(pick, 1);
      this.takeover.set(x, s);
    }
  }
}
