/**
 * Frames that arrived under an epoch we do not hold yet, kept a moment instead of dropped.
 *
 * At every rekey the sender switches to the new epoch as soon as it has the key, and each
 * receiver gets the key a few tens of milliseconds later (a sealed hand-out over a data
 * channel). Dropping those frames cost a newcomer its first key frame (another key-frame
 * round trip before the first picture) and everyone a short audio gap at every join and leave.
 * Held frames are still only ever released after they decrypt; those that outlive `maxAgeMs`
 * or overflow `maxFrames` are dropped (and then counted as `missing-key` by the caller).
 * Pure: no timers, the caller passes the clock.
 */
export interface KeyWaitLimits {
  maxFrames: number;
  maxAgeMs: number;
}

/** Video: about one second at 30 fps, enough to cover a key hand-out under load. */
export const VIDEO_KEY_WAIT: KeyWaitLimits = { maxFrames: 40, maxAgeMs: 1000 };
/** Audio: 20 ms packets; older than ~0.4 s the jitter buffer would discard them anyway. */
export const AUDIO_KEY_WAIT: KeyWaitLimits = { maxFrames: 20, maxAgeMs: 400 };

export class KeyWaitQueue<F> {
  private items: { frame: F; at: number }[] = [];

  constructor(private readonly limits: KeyWaitLimits) {}

  get size(): number {
    return this.items.length;
  }

  /** Keeps a frame that arrived at `at`; returns the frames pushed out by the size limit (oldest first). */
  hold(frame: F, at: number): F[] {
    this.items.push({ frame, at });
    const over = this.items.length - this.limits.maxFrames;
    return over > 0 ? this.items.splice(0, over).map((i) => i.frame) : [];
  }

  /** Takes everything held, in arrival order (with arrival times), and the frames too old to keep. */
  take(now: number): { fresh: { frame: F; at: number }[]; expired: F[] } {
    const fresh: { frame: F; at: number }[] = [];
    const expired: F[] = [];
    for (const i of this.items) {
      if (now - i.at > this.limits.maxAgeMs) expired.push(i.frame);
      else fresh.push(i);
    }
    this.items = [];
    return { fresh, expired };
  }

  /** Removes and returns the frames too old to keep (they are all at the front). */
  expire(now: number): F[] {
    let n = 0;
    while (n < this.items.length && now - this.items[n]!.at > this.limits.maxAgeMs) n++;
    return n === 0 ? [] : this.items.splice(0, n).map((i) => i.frame);
  }
}
