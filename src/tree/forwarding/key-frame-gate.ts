/**
 * Rate-limits key-frame requests passed upstream. A forwarder sees each child's picture-loss
 * request (as a key frame from its placeholder encoder); passing every one on would let a
 * subtree of lossy children make the origin send key frames back to back, which costs every
 * other branch bandwidth. One request per interval reaches the origin; the key frame it
 * produces serves every child that asked in between.
 */
export const DEFAULT_KEY_FRAME_INTERVAL_MS = 500;
/**
 * Requests from a child whose link started sending (its placeholder's first frame) less than
 * this ago count as a new child's: its first picture waits for the key frame.
 */
export const NEW_CHILD_WINDOW_MS = 2000;
/**
 * A new child's request waits only this long after the last one passed.
 * When a forwarder's page crashes, its orphans re-attach to one new parent within a few hundred
 * ms of each other; under the full interval the later ones waited up to 500 ms more for a key
 * frame, most of a repair's last step. A burst of new children still costs a key frame per
 * NEW_CHILD_INTERVAL_MS at most.
 */
export const NEW_CHILD_INTERVAL_MS = 150;

export class KeyFrameGate {
  private last = Number.NEGATIVE_INFINITY;
  private passedCount = 0;
  private suppressedCount = 0;

  constructor(private readonly minIntervalMs = DEFAULT_KEY_FRAME_INTERVAL_MS) {}

  /** True when a request at `nowMs` should go upstream; `newChild`: from a child that just attached (NEW_CHILD_INTERVAL_MS). */
  request(nowMs: number, newChild = false): boolean {
    if (nowMs - this.last < (newChild ? Math.min(NEW_CHILD_INTERVAL_MS, this.minIntervalMs) : this.minIntervalMs)) {
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
