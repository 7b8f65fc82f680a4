/**
 * Frames kept for standby children about to be resumed (ForwarderCore.primeStandby).
 *
 * A repair's last step used to be its slowest: the orphan resumed its standby link, the new
 * parent asked upstream for a key frame, and the key frame came back through the origin's
 * encoder: 0.2–0.6 s on a quiet machine, 1–1.3 s with eight pages on two cores (CI). The
 * parent hears of the crash as early as the orphans do (the relay's GONE report), and the
 * resume reaches it 0.1–0.4 s later over the orphan's control channel. Asking for the key frame
 * at the report, and keeping a copy of every frame from it on, lets the resume start the child
 * with that key frame and what followed it, at once. The frames are the source's ciphertext,
 * byte for byte, as any forwarded frame. The orphan may have decrypted some of them through
 * another link meanwhile (a second move): each link refuses replays on its own
 * (DecryptInfo.replayScope), so the new link still gets them. Pure: time is passed in.
 */
import type { EncodedFrame } from '../../e2ee/frame-transform';
import type { TemporalInfo } from './temporal-thinning';

/** How long frames are kept after a member went down: a resume comes 0.3–1 s after the report on a loaded machine. */
export const PRIME_MS = 4000;
/**
 * A resumed child is started with the primed frames only when their key frame is this recent:
 * the frames go out at once, and the child's picture trails the source by their span at first.
 */
export const PRIME_FLUSH_MAX_MS = 1000;
/**
 * A key frame asked for when priming began is awaited this long (a resumed child gets it
 * live); later, a resume asks for one again. With eight pages on two cores one took 0.76 s.
 */
export const PRIME_KEY_WAIT_MS = 1500;
/** Kept at most (frames, bytes): beyond, the key frame is too old to start with anyway. */
const PRIME_MAX_FRAMES = 64;
const PRIME_MAX_BYTES = 2 * 1024 * 1024;

export interface PrimedFrame<F> {
  frame: F;
  temporal: TemporalInfo | null;
}

/** How a resumed child starts: with these frames, waiting for the key frame on its way, or by asking for one. */
export type PrimedStart<F> = { how: 'frames'; frames: readonly PrimedFrame<F>[] } | { how: 'await' } | { how: 'ask' };

export class PrimedFrames<F extends EncodedFrame> {
  private until: number;
  /** A key frame came since priming began (the frames may have been let go since: too many). */
  private keyCame = false;
  /** From a key frame on, in order; empty until the first key frame. */
  private frames: (PrimedFrame<F> & { at: number })[] = [];
  private bytes = 0;

  constructor(
    private readonly since: number,
    private readonly clone: (frame: F) => F,
  ) {
    this.until = since + PRIME_MS;
  }

  /** Still priming at `now` (frames are kept)? */
  live(now: number): boolean {
    return now <= this.until;
  }

  /** Primed again (the relay's report, then the stall it causes): kept longer, one key frame serves. */
  extend(now: number): void {
    this.until = now + PRIME_MS;
  }

  /** Keeps a copy of `frame` from a key frame on; false once priming has run out. */
  keep(frame: F, temporal: TemporalInfo | null, size: number, now: number): boolean {
    if (!this.live(now)) return false;
    if (frame.type === 'key') {
      this.drop();
      this.keyCame = true;
    } else if (this.frames.length === 0) {
      return true;
    }
    if (this.frames.length >= PRIME_MAX_FRAMES || this.bytes + size > PRIME_MAX_BYTES) {
      // Too long since the key frame to start a child with: wait for the next one.
      this.drop();
      return true;
    }
    try {
      this.frames.push({ frame: this.clone(frame), temporal, at: now });
      this.bytes += size;
    } catch {
      this.drop();
    }
    return true;
  }

  /** How a child resumed at `now` starts (see PrimedStart). */
  start(now: number): PrimedStart<F> {
    const first = this.frames[0];
    if (first !== undefined && now - first.at <= PRIME_FLUSH_MAX_MS) return { how: 'frames', frames: this.frames };
    // The key frame asked for when priming began is on its way, and reaches this child live.
    // Asking again only adds key frames (the eight-page test: five resumes, 0.45–0.55 s after
    // priming, before its key frame came at 0.76 s).
    if (!this.keyCame && now - this.since < PRIME_KEY_WAIT_MS) return { how: 'await' };
    return { how: 'ask' };
  }

  /** Debug: how long ago priming began, and its kept key frame came (absent: none kept). */
  ages(now: number): { primedMsAgo: number; keyMsAgo?: number } {
    const first = this.frames[0];
    return { primedMsAgo: Math.round(now - this.since), ...(first === undefined ? {} : { keyMsAgo: Math.round(now - first.at) }) };
  }

  private drop(): void {
    this.frames = [];
    this.bytes = 0;
  }
}
