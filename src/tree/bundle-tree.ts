/** One bundle's forwarding tree: a rooted spanning tree over the members it reaches. */
export class BundleTree {
  readonly parent: Int32Array;
  readonly depth: Int32Array;
  readonly children: number[][];
  /** Attachment order (root first): every node appears after its parent. */
  readonly order: number[] = [];
  root = -1;

  constructor(readonly size: number) {
    this.parent = new Int32Array(size).fill(-1);
    this.depth = new Int32Array(size).fill(-1);
    this.children = Array.from({ length: size }, () => []);
  }

  has(x: number): boolean {
    return (this.depth[x] ?? -1) >= 0;
  }

  setRoot(r: number): void {
    this.root = r;
    this.depth[r] = 0;
    this.order.push(r);
  }

  add(parent: number, child: number): void {
    this.parent[child] = parent;
    this.depth[child] = (this.depth[parent] ?? 0) + 1;
    this.children[parent]?.push(child);
    this.order.push(child);
  }

  /** Undirected neighbours in this tree (parent first, then children). */
  adjacent(x: number): number[] {
    const p = this.parent[x] ?? -1;
    const kids = this.children[x] ?? [];
    return p >= 0 ? [p, ...kids] : kids;
  }
}
