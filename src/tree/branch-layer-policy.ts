/**
 * Per-branch layers, the decision: how many temporal layers one child's link can carry, from
 * that link's own congestion signals, sampled about once a second on the forwarder:
 *   - the pacer's delay per packet sent (outbound-rtp `totalPacketSendDelay` / `packetsSent`):
 *     a link that cannot carry what we write queues it in the pacer;
 *   - the loss the child reports (remote-inbound-rtp `fractionLost`).
 * Down one layer at once on a congested sample; up one layer after a run of clear samples,
 * and a step up that congests again within `failWindowMs` doubles the wait for the next one
 * (at most `maxUpHoldMs`), so a link at its limit does not oscillate every few seconds.
 * Pure: the caller passes samples and the clock.
 */
import { FULL_RATE } from './forwarding/temporal-thinning';

export interface LinkSample {
  /** Mean pacer delay per packet over the last interval, ms. */
  sendDelayMs: number;
  /** Fraction of packets the child reported lost, 0–1 (0 when unknown). */
  fractionLost: number;
}

export interface BranchLayerLimits {
  congestedDelayMs: number;
  congestedLoss: number;
  clearDelayMs: number;
  clearLoss: number;
  upHoldMs: number;
  maxUpHoldMs: number;
  failWindowMs: number;
}

export const BRANCH_LAYER_LIMITS: BranchLayerLimits = {
  congestedDelayMs: 150,
  congestedLoss: 0.1,
  clearDelayMs: 40,
  clearLoss: 0.02,
  upHoldMs: 5000,
  maxUpHoldMs: 60_000,
  failWindowMs: 10_000,
};

export class BranchLayerPolicy {
  private cap = FULL_RATE;
  private clearSince: number | null = null;
  private upHold: number;
  private lastUpAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly limits: BranchLayerLimits = BRANCH_LAYER_LIMITS) {
    this.upHold = limits.upHoldMs;
  }

  get maxTemporal(): number {
    return this.cap;
  }

  /** Takes one sample; returns the cap to apply now. */
  sample(s: LinkSample, now: number): number {
    const l = this.limits;
    if (s.sendDelayMs > l.congestedDelayMs || s.fractionLost > l.congestedLoss) {
      this.clearSince = null;
      if (this.cap > 0) {
        if (now - this.lastUpAt < l.failWindowMs) this.upHold = Math.min(l.maxUpHoldMs, this.upHold * 2);
        this.cap--;
      }
      return this.cap;
    }
    if (s.sendDelayMs > l.clearDelayMs || s.fractionLost > l.clearLoss) {
      this.clearSince = null;
      return this.cap;
    }
    this.clearSince ??= now;
    // Long at full rate and clear: the link has recovered; the next congestion starts afresh.
    if (this.cap === FULL_RATE && now - this.clearSince >= l.maxUpHoldMs) this.upHold = l.upHoldMs;
    if (this.cap < FULL_RATE && now - this.clearSince >= this.upHold) {
      this.cap++;
      this.lastUpAt = now;
      this.clearSince = now;
    }
    return this.cap;
  }
}
