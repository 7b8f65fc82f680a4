/**
 * Messages waiting for a peer that has not connected yet (an OFFER usually races the
 * callee's socket). Bounded per destination and in total, and every entry expires, so a
 * client cannot make the relay hold memory for peers that never come.
 */
export interface PendingLimits {
  ttlMs: number;
  perDestination: number;
  total: number;
}

interface Entry<M> {
  message: M;
  expiresAt: number;
}

export interface Expired<M> {
  dst: string;
  message: M;
}

export class PendingQueue<M> {
  private readonly byDst = new Map<string, Entry<M>[]>();
  private count = 0;

  constructor(private readonly limits: PendingLimits) {}

  get size(): number {
    return this.count;
  }

  /** False when a bound is hit; the caller decides how to tell the sender. */
  push(dst: string, message: M, now: number): boolean {
    if (this.count >= this.limits.total) return false;
    let list = this.byDst.get(dst);
    if (!list) {
      list = [];
      this.byDst.set(dst, list);
    }
    if (list.length >= this.limits.perDestination) return false;
    list.push({ message, expiresAt: now + this.limits.ttlMs });
    this.count += 1;
    return true;
  }

  /** Removes and returns everything queued for dst, oldest first. Call `expire` first. */
  take(dst: string): M[] {
    const list = this.byDst.get(dst);
    if (!list) return [];
    this.byDst.delete(dst);
    this.count -= list.length;
    return list.map((e) => e.message);
  }

  /** Removes and returns every entry past its deadline. */
  expire(now: number): Expired<M>[] {
    const out: Expired<M>[] = [];
    for (const [dst, list] of this.byDst) {
      // Same TTL for all entries, so each list is ordered by deadline.
      let n = 0;
      while (n < list.length && list[n]!.expiresAt <= now) {
        out.push({ dst, message: list[n]!.message });
        n += 1;
      }
      if (n === 0) continue;
      this.count -= n;
      if (n === list.length) this.byDst.delete(dst);
      else list.splice(0, n);
    }
    return out;
  }

  /** Removes every entry for dst that matches; returns how many went. */
  dropWhere(dst: string, match: (message: M) => boolean): number {
    const list = this.byDst.get(dst);
    if (!list) return 0;
    const kept = list.filter((e) => !match(e.message));
    const dropped = list.length - kept.length;
    if (kept.length === 0) this.byDst.delete(dst);
    else this.byDst.set(dst, kept);
    this.count -= dropped;
    return dropped;
  }

  clear(): void {
    this.byDst.clear();
    this.count = 0;
  }
}
