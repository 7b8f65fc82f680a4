/**
 * A classic token bucket over an injected clock, so rate limiting is testable without
 * sleeping. Refill is computed lazily on each take: no timers per connection.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** True when refilled to capacity: then the bucket behaves exactly like a new one. */
  isFull(t: number = this.now()): boolean {
    return this.tokens + (Math.max(0, t - this.last) / 1000) * this.ratePerSecond >= this.capacity;
  }

  /** Takes one token; false means the caller is over its rate. */
  take(): boolean {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last) / 1000;
    this.last = t;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.ratePerSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
