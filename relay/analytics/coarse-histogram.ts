/**
 * A fixed-bucket histogram that can publish itself without singling anyone out: adjacent
 * buckets are merged until each published bucket holds 0 or at least `minCount` items,
 * so an operator (or anyone who can read /metrics) cannot tell "the one 3-hour meeting".
 */
export const MIN_PUBLISHED_COUNT = 3;

export interface PublishedBucket {
  /** Upper bound, inclusive; `Infinity` for the last bucket. */
  le: number;
  /** Cumulative count, as Prometheus expects. */
  cumulative: number;
}

export class CoarseHistogram {
  private readonly counts: number[];
  private total = 0;
  private totalSum = 0;

  /** `bounds` ascending; a final +Inf bucket is implied. */
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    let i = this.bounds.findIndex((b) => value <= b);
    if (i < 0) i = this.bounds.length;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.total += 1;
    this.totalSum += value;
  }

  get count(): number {
    return this.total;
  }

  get sum(): number {
    return this.totalSum;
  }

  /**
   * Cumulative buckets where every published step (difference to the previous published
   * bound) is 0 or ≥ minCount. A small step is folded into the next bound; +Inf always stays.
   */
  published(minCount = MIN_PUBLISHED_COUNT): PublishedBucket[] {
    const out: PublishedBucket[] = [];
    let cumulative = 0;
    let lastPublished = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i] ?? 0;
      const step = cumulative - lastPublished;
      if (step === 0 || step >= minCount) {
        out.push({ le: this.bounds[i]!, cumulative });
        lastPublished = cumulative;
      }
    }
    out.push({ le: Infinity, cumulative: this.total });
    return out;
  }
}

/** Counts below `minCount` (but above 0) are published as 0. */
export function suppressSmall(counts: readonly number[], minCount = MIN_PUBLISHED_COUNT): number[] {
  return counts.map((n) => (n > 0 && n < minCount ? 0 : n));
}
