/**
 * Answers to recent requests, keyed by 5-tuple and transaction id, so a retransmitted
 * Allocate/Refresh/ChannelBind gets the same answer instead of 437 or a double effect
 * (RFC 8489 §6.3.1). Bounded: the oldest entry goes first, entries expire after 40 s (the
 * longest a client retransmits over UDP).
 */
const TTL_MS = 40_000;

export class ResponseCache {
  private readonly entries = new Map<string, { bytes: Uint8Array; expiresAt: number }>();
  constructor(private readonly maxEntries: number) {}

  get(key: string, now: number): Uint8Array | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.bytes;
  }

  set(key: string, bytes: Uint8Array, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { bytes, expiresAt: now + TTL_MS });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  sweep(now: number): void {
    for (const [k, e] of this.entries) {
      // Insertion order is expiry order, so the first live entry ends the scan.
      if (e.expiresAt > now) break;
      this.entries.delete(k);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
