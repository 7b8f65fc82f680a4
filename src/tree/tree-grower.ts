import type { BundleSpec } from './assign-bundles';
import { BundleTree } from './bundle-tree';
import type { CapacityLedger } from './capacity-ledger';
import type { NormalisedState } from './normalise-state';

export interface GrowContext {
  state: NormalisedState;
  ledger: CapacityLedger;
  bundle: BundleSpec;
  /** Preferred bundle of each forwarder, -1 for leaves. */
  role: Int32Array;
}

/**
 * Grows one bundle tree while charging the shared ledger. Streams flood the undirected tree from
 * their source, so a parent sends the bundle down to a child (minus the child's own streams) and a
 * source's streams travel up through its ancestors to the root: both directions are charged.
 */
export class TreeGrower {
  readonly tree: BundleTree;

  constructor(readonly ctx: GrowContext) {
    this.tree = new BundleTree(ctx.state.members.length);
  }

  canForward(x: number): boolean {
    return this.ctx.state.members[x]?.canForward ?? false;
  }

  setRoot(r: number): void {
    this.tree.setRoot(r);
    this.ctx.ledger.release(r);
    // The ledger reserved every source's upward copy; a root has nobody above it.
    this.ctx.ledger.charge(r, -(this.ctx.bundle.own[r] ?? 0));
  }

  canAttach(p: number, c: number): boolean {
    const { ledger, bundle } = this.ctx;
    const { tree } = this;
    if (p === c || !tree.has(p) || tree.has(c) || !this.canForward(p)) return false;
    const up = bundle.own[c] ?? 0;
    const down = Math.max(0, bundle.kbps - up);
    if (!ledger.hasUpload(p, down + (p === tree.root ? 0 : up))) return false;
    if (up > 0) {
      for (let a = tree.parent[p] ?? -1; a >= 0 && a !== tree.root; a = tree.parent[a] ?? -1) {
        if (!ledger.hasUpload(a, up)) return false;
      }
    }
    return ledger.canLink(p, c);
  }

  attach(p: number, c: number): void {
    const { ledger, bundle } = this.ctx;
    const { tree } = this;
    const up = bundle.own[c] ?? 0;
    ledger.charge(p, Math.max(0, bundle.kbps - up));
    // The source's own upward copy was reserved up front; its ancestors below the root relay it on.
    if (up > 0) for (let a = p; a >= 0 && a !== tree.root; a = tree.parent[a] ?? -1) ledger.charge(a, up);
    ledger.link(p, c);
    tree.add(p, c);
  }

  /**
   * The strongest forwarder preferring this bundle, if it can feed at least two children (a root
   * that cannot branch dead-ends the tree); otherwise the forwarder with the most upload left.
   */
  chooseRoot(preferred: number): number {
    const { ctx } = this;
    const b = ctx.bundle.index;
    const n = ctx.state.members.length;
    const left = (x: number) => (ctx.ledger.uploadLeft[x] ?? 0) + (ctx.bundle.own[x] ?? 0);
    const branches = (x: number) => x >= 0 && left(x) >= 2 * ctx.bundle.kbps;
    if (preferred >= 0 && this.canForward(preferred) && ctx.role[preferred] === b) return preferred;
    let best = -1;
    for (let x = 0; x < n; x++) {
      if (ctx.role[x] !== b || !this.canForward(x)) continue;
      if (best < 0 || left(x) > left(best)) best = x;
    }
    if (branches(best)) return best;
    for (let x = 0; x < n; x++) {
      if (!this.canForward(x) || ctx.ledger.freeSlots(x) < 0) continue;
      if (best < 0 || left(x) > left(best)) best = x;
    }
    return best;
  }

  /**
   * Breadth-first fill: each queued parent takes the next pending members while it has capacity;
   * members for which `interior` holds are queued in turn. Returns the members still pending.
   */
  fill(queue: number[], pending: readonly number[], interior: (x: number) => boolean): number[] {
    let next = 0;
    for (let qi = 0; qi < queue.length && next < pending.length; qi++) {
      const p = queue[qi] as number;
      while (next < pending.length) {
        const c = pending[next] as number;
        if (this.tree.has(c)) {
          next++;
          continue;
        }
        if (!this.canAttach(p, c)) break;
        this.attach(p, c);
        next++;
        if (interior(c)) queue.push(c);
      }
    }
    return pending.slice(next).filter((c) => !this.tree.has(c));
  }

  /**
   * Best place for `c` (bringing a subtree `height` deep): within the depth target first, then
   * shallowest, then a forwarder of this bundle, then an existing neighbour (no new connection),
   * then the most upload left. Linear in the tree size; only used for the few members that
   * repair or overflow leaves over.
   */
  bestParent(c: number, height: number, maxTreeDepth: number): number {
    const { tree, ctx } = this;
    let best = -1;
    let bestScore = Infinity;
    let bestLeft = -Infinity;
    for (const p of tree.order) {
      if (!this.canAttach(p, c)) continue;
      const d = tree.depth[p] ?? 0;
      // Lexicographic: over target, depth, other bundle's forwarder, new connection.
      const score =
        (d + 1 + height > maxTreeDepth ? 1_000_000 : 0) +
        d * 100 +
        (ctx.role[p] === ctx.bundle.index ? 0 : 10) +
        (ctx.ledger.isNeighbour(p, c) ? 0 : 1);
      const left = ctx.ledger.uploadLeft[p] ?? 0;
      if (score < bestScore || (score === bestScore && left > bestLeft)) {
        best = p;
        bestScore = score;
        bestLeft = left;
      }
    }
    return best;
  }
}
