/**
 * Holds at most one thing built ahead of time (the call's spare connection) and hands it out
 * only while it still fits: built for the same settings ("shape") and not older than a limit
 * (a spare's gathered candidates, and any TURN allocation behind them, age). Anything it
 * drops or replaces is closed.
 */
export interface Closable {
  close(): void;
}

export class SpareSlot<T extends Closable> {
  private held: { spare: T; shape: string; at: number } | null = null;

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number,
  ) {}

  get current(): T | null {
    return this.held?.spare ?? null;
  }

  /** Keeps `spare` for later, closing the one held before. */
  put(spare: T, shape: string): void {
    this.clear();
    this.held = { spare, shape, at: this.now() };
  }

  /**
   * Drops (and closes) the held spare when it was built for another shape or has grown too
   * old. True when one is still held.
   */
  keep(shape: string): boolean {
    const h = this.held;
    if (h && (h.shape !== shape || this.now() - h.at >= this.maxAgeMs)) this.clear();
    return this.held !== null;
  }

  /**
   * Hands out the held spare when it fits `shape` and `accept` agrees; it is then no longer
   * held. A spare that no longer fits is closed; one `accept` turns down stays.
   */
  take(shape: string, accept: (spare: T) => boolean = () => true): T | null {
    if (!this.keep(shape) || !this.held || !accept(this.held.spare)) return null;
    const { spare } = this.held;
    this.held = null;
    return spare;
  }

  clear(): void {
    this.held?.spare.close();
    this.held = null;
  }
}
