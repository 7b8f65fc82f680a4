import { TokenBucket } from '../token-bucket';

/**
 * One token bucket per client address, for the few plain-HTTP endpoints clients may write
 * to. The map is bounded: when full, the oldest address is forgotten (it then gets a fresh
 * bucket, which only ever errs towards letting a client through).
 */
export class IpRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly maxAddresses = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(address: string): boolean {
    let bucket = this.buckets.get(address);
    if (!bucket) {
      if (this.buckets.size >= this.maxAddresses) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
      bucket = new TokenBucket(this.perMinute / 60, this.burst, this.now);
      this.buckets.set(address, bucket);
    }
    return bucket.take();
  }

  get size(): number {
    return this.buckets.size;
  }

  clear(): void {
    this.buckets.clear();
  }
}
