/**
 * When a join is over, so work that can wait (the room doc's own connections) starts then
 * instead of competing with the join: at `graceMs` after the caller says the join's
 * conditions hold (the first pictures are still being decoded at that moment), or at
 * `capMs` after we started whatever happens (alone, or a slow peer), or at once on leaving.
 */
export class JoinSettler {
  readonly settled: Promise<void>;
  private resolve: (() => void) | null = null;
  private grace: ReturnType<typeof setTimeout> | null = null;
  private readonly cap: ReturnType<typeof setTimeout>;

  constructor(
    capMs: number,
    private readonly graceMs: number,
  ) {
    this.settled = new Promise((resolve) => (this.resolve = resolve));
    this.cap = setTimeout(() => this.now(), capMs);
  }

  get pending(): boolean {
    return this.resolve !== null;
  }

  /** The join's conditions hold: settle after the grace period (once). */
  ready(): void {
    if (!this.resolve || this.grace) return;
    this.grace = setTimeout(() => this.now(), this.graceMs);
  }

  now(): void {
    clearTimeout(this.cap);
    if (this.grace) clearTimeout(this.grace);
    this.resolve?.();
    this.resolve = null;
  }
}
