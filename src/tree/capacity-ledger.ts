/**
 * Upload and neighbour budgets shared by all bundle trees of one plan. Neighbour slots are
 * reserved up front for the parent every member still needs in each bundle, so a tree grown first
 * can never starve the trees grown after it.
 */
export class CapacityLedger {
  readonly uploadLeft: Float64Array;
  private readonly neighbours: Set<number>[];
  private readonly outstanding: Int32Array;

  constructor(
    budget: Float64Array,
    parentsNeeded: number,
    private readonly maxNeighbours: number,
  ) {
    this.uploadLeft = Float64Array.from(budget);
    this.neighbours = Array.from(budget, () => new Set<number>());
    this.outstanding = new Int32Array(budget.length).fill(parentsNeeded);
  }

  isNeighbour(a: number, b: number): boolean {
    return this.neighbours[a]?.has(b) ?? false;
  }

  neighbourCount(x: number): number {
    return this.neighbours[x]?.size ?? 0;
  }

  /** Slots `x` can still give away without breaking its reservations. */
  freeSlots(x: number): number {
    return this.maxNeighbours - this.neighbourCount(x) - (this.outstanding[x] ?? 0);
  }

  /** Can `child` take `parent` as its parent in one more bundle? The child spends its reservation. */
  canLink(parent: number, child: number): boolean {
    return this.isNeighbour(parent, child) || (this.freeSlots(parent) >= 1 && this.freeSlots(child) >= 0);
  }

  link(parent: number, child: number): void {
    this.release(child);
    this.neighbours[parent]?.add(child);
    this.neighbours[child]?.add(parent);
  }

  /** A root needs no parent in its bundle. */
  release(x: number): void {
    this.outstanding[x] = (this.outstanding[x] ?? 0) - 1;
  }

  charge(x: number, kbps: number): void {
    this.uploadLeft[x] = (this.uploadLeft[x] ?? 0) - kbps;
  }

  hasUpload(x: number, kbps: number): boolean {
    // A hair of slack so that 4 × 1200 fits in a 4800 budget despite float sums.
    return (this.uploadLeft[x] ?? 0) + 1e-6 >= kbps;
  }
}
