/**
 * Rate-limits key-frame requests passed upstream. A forwarder sees each child's picture-loss
 * request (as a key frame from its placeholder encoder); passing every one on would let a
 * subtree of lossy children make the origin send key frames back to back, which costs every
 * other branch bandwidth. One request per interval reaches the origin; the key frame it
 * produces serves every child that asked in between.
 */
export const DEFAULT_KEY_FRAME_INTERVAL_MS = 500;

export class KeyFrameGate {
  private last = Number.NEGATIVE_INFINITY;
  private passedCount = 0;
  private suppressedCount = 0;

  constructor(private readonly minIntervalMs = DEFAULT_KEY_FRAME_INTERVAL_MS) {}

  /** True when a request at `nowMs` should go upstream. */
  request(nowMs: number): boolean {
    if (nowMs - this.last < this.minIntervalMs) {
      this.suppressedCount++;
      return false;
    }
    this.last = nowMs;
    this.passedCount++;
    return true;
  }

  get passed(): number {
    return this.passedCount;
  }

  get suppressed(): number {
    return this.suppressedCount;
  }
}
