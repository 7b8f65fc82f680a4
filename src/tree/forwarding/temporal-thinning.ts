/**
 * Per-branch layers: which of a video stream's frames a forwarder passes to one child.
 *
 * Origins encode with temporal scalability (`L1T3`: layer 0 at a quarter of the frame rate,
 * layer 1 doubling it, layer 2 doubling again; frames of a layer only reference lower or equal
 * layers). Chromium gives each received frame's `temporalIndex`, `frameId` and `dependencies`
 * in its metadata (outside the SFrame ciphertext), so a forwarder can drop the upper layers for
 * a congested child without decrypting or re-encoding anything; the child's decoder sees a
 * lower frame rate, not a broken stream (measured in Chromium 156: no key-frame request, no
 * freeze, 20 → 10 → 5 fps). Two rules:
 *   - a frame above the child's cap is not passed on;
 *   - a frame above layer 0 goes only if every frame it references went to this child, so
 *     raising the cap mid-stream never hands the decoder a frame it cannot decode. Key frames
 *     and layer 0 always go (they never reference a dropped frame), so a child is never starved.
 * Pure: no DOM, unit-tested in Node.
 */

/** The part of a frame's metadata the rules read (RTCEncodedVideoFrameMetadata). */
export interface TemporalInfo {
  keyFrame: boolean;
  temporalIndex?: number;
  frameId?: number;
  dependencies?: readonly number[];
}

export const FULL_RATE = 2;
/** Frame ids remembered per child: far more than any reference distance of L1T3. */
const REMEMBERED = 256;

export class ChildThinning {
  private cap = FULL_RATE;
  private readonly sent = new Set<number>();
  private readonly order: number[] = [];

  /** Highest temporal layer passed on (0–2). */
  get maxTemporal(): number {
    return this.cap;
  }

  setMaxTemporal(cap: number): void {
    this.cap = Math.max(0, Math.min(FULL_RATE, Math.floor(cap)));
  }

  /** Should this frame go to the child? Records it when it does. */
  admit(f: TemporalInfo): boolean {
    const layer = f.temporalIndex ?? 0;
    if (!f.keyFrame && layer > 0) {
      if (layer > this.cap) return false;
      if (f.dependencies && f.dependencies.some((d) => !this.sent.has(d))) return false;
    }
    if (f.keyFrame) {
      this.sent.clear();
      this.order.length = 0;
    }
    if (f.frameId !== undefined) {
      this.sent.add(f.frameId);
      this.order.push(f.frameId);
      if (this.order.length > REMEMBERED) this.sent.delete(this.order.shift()!);
    }
    return true;
  }
}
