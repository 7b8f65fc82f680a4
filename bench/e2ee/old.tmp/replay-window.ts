/**
 * Sliding replay window over SFrame counters for one KID. Frames may arrive a little out of
 * order (jitter buffer, retransmissions), so a CTR below the highest seen is fine once;
 * a CTR seen before, or older than the window, is a replay.
 * `check` is side-effect free: the window only moves in `accept`, after the tag verified,
 * so that forged frames cannot push the window forward and lock out the real sender.
 */
export type ReplayVerdict = 'fresh' | 'replay' | 'too-old';

export const DEFAULT_REPLAY_WINDOW = 128;

export class ReplayWindow {
  private highest = -1n;
  /** Bit i set ⇔ CTR (highest - i) was accepted. */
  private seen = 0n;
  private readonly size: bigint;
  private readonly mask: bigint;

  constructor(size: number = DEFAULT_REPLAY_WINDOW) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('replay window size must be a positive integer');
    this.size = BigInt(size);
    this.mask = (1n << this.size) - 1n;
  }

  check(ctr: bigint): ReplayVerdict {
    if (ctr > this.highest) return 'fresh';
    const age = this.highest - ctr;
    if (age >= this.size) return 'too-old';
    return (this.seen >> age) & 1n ? 'replay' : 'fresh';
  }

  /** Records `ctr`; returns false (and changes nothing) when it is not fresh. */
  accept(ctr: bigint): boolean {
    if (this.check(ctr) !== 'fresh') return false;
    if (ctr > this.highest) {
      const shift = ctr - this.highest;
      this.seen = shift >= this.size ? 1n : ((this.seen << shift) | 1n) & this.mask;
      this.highest = ctr;
    } else {
      this.seen |= 1n << (this.highest - ctr);
    }
    return true;
  }
}
