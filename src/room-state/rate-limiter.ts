/**
 * A token bucket per key (sender): `burst` actions at once, refilled at `perSecond`.
 * Pure: the caller passes the clock, so simulations and tests are deterministic.
 * Used twice for reactions: the sender refuses to send over its rate, and every receiver
 * drops what a (possibly hostile) sender sent over it.
 */
export interface RateLimiterOptions {
  perSecond: number;
  burst: number;
  /** Buckets kept; the least recently used one is forgotten beyond this. */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(private readonly options: RateLimiterOptions) {
    if (!(options.perSecond > 0) || !(options.burst >= 1)) throw new RangeError('rate limiter needs perSecond > 0 and burst ≥ 1');
    this.maxKeys = options.maxKeys ?? 1000;
  }

  /** Takes one token for `key` at time `nowMs`; false means "over the rate, drop it". */
  tryTake(key: string, nowMs: number): boolean {
    const bucket = this.refill(key, nowMs);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Whether `tryTake` would succeed, without taking. */
  canTake(key: string, nowMs: number): boolean {
    return this.refill(key, nowMs).tokens >= 1;
  }

  private refill(key: string, nowMs: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.options.burst, at: nowMs };
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
    } else {
      this.buckets.delete(key); // Re-inserted below: Map order doubles as LRU order.
      // A clock that goes backwards must not mint tokens.
      const elapsed = Math.max(0, nowMs - bucket.at);
      bucket.tokens = Math.min(this.options.burst, bucket.tokens + (elapsed / 1000) * this.options.perSecond);
      bucket.at = Math.max(bucket.at, nowMs);
    }
    this.buckets.set(key, bucket);
    return bucket;
  }
}
