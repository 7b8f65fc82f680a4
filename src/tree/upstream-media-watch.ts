/**
 * Whether frames still come through each of our parents: a look at the forward worker's
 * per-link frame counts (every MEDIA_POLL_MS, and at once when the relay reports a member
 * gone), read into ParentMedia. Frames are forwarded by a worker and WebRTC's own threads, so a
 * parent whose main thread is starved (its pings late) still delivers them: this tells a slow
 * parent from a gone one (StallWatch, LargeRoom.reportedGone).
 */
import type { ReceivedCounts } from './forwarding/forwarder-core';
import { ends } from './child-links';
import { ParentMedia } from './parent-media';

/** One of our upstream links, as the watch reads it. */
export interface WatchedLink {
  parent: string;
  source: string;
  openedAt: number;
  closed: boolean;
  link: { tag: string } | null;
  /** Debug: when its first frame reached our worker (noted once in the timeline, `up-frames`). */
  firstFrameAt?: number;
}

export interface UpstreamMediaWatchDeps {
  /** The forwarding node to ask, or null when there is nothing to watch (mesh mode, no node). */
  node(): { received(): Promise<ReceivedCounts> } | null;
  links(): Iterable<WatchedLink>;
  note(what: string): void;
  now?: () => number;
}

export class UpstreamMediaWatch {
  private readonly media = new ParentMedia();
  /** The look in flight, and when the last answered one was asked. */
  private pending: Promise<void> | null = null;
  private askedAt: number | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: UpstreamMediaWatchDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * When frames last arrived through `peerId` as one of our parents, in ParentMedia's two
   * readings (each absent while nothing came) and when the look was asked; undefined when it
   * is not our parent now.
   */
  through(peerId: string): { seenAt?: number; frameAt?: number; askedAt?: number } | undefined {
    for (const up of this.deps.links()) {
      if (up.parent !== peerId || up.closed || !up.link) continue;
      const seenAt = this.media.lastFrom(peerId);
      const frameAt = this.media.lastFrameFrom(peerId);
      const askedAt = this.askedAt;
      return { ...(seenAt === undefined ? {} : { seenAt }), ...(frameAt === undefined ? {} : { frameAt }), ...(askedAt === undefined ? {} : { askedAt }) };
    }
    return undefined;
  }

  /** When a look last saw frames come through `parent` (ParentMedia.lastFrom). */
  lastFrom(parent: string): number | undefined {
    return this.media.lastFrom(parent);
  }

  forget(parent: string): void {
    this.media.forget(parent);
  }

  /** A look asked from now on (the relay's report is judged on it). */
  async fresh(): Promise<void> {
    await this.pending;
    // A look started meanwhile was asked after we were called: waiting for it is enough.
    await this.look();
  }

  /** Looks now, unless a look is in flight (then that one). */
  look(): Promise<void> {
    this.pending ??= this.read().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async read(): Promise<void> {
    const node = this.deps.node();
    if (!node) return;
    try {
      const asked = this.now();
      const counts = await node.received();
      const live = [...this.deps.links()].flatMap((up) => (!up.closed && up.link ? [{ up, tag: up.link.tag, parent: up.parent }] : []));
      this.media.note(counts.links, live, asked, this.now());
      this.askedAt = asked;
      // Where a repair's time goes: a link's first frames at our worker (by this look), after it was opened or taken.
      for (const { up, tag } of live) {
        const c = counts.links[tag];
        if (up.firstFrameAt !== undefined || c === undefined || c.count === 0) continue;
        const at = asked - Math.max(0, c.ageMs);
        if (at < up.openedAt) continue;
        up.firstFrameAt = at;
        this.deps.note(`up-frames ${ends(up.parent, up.source)} +${Math.round(at - up.openedAt)}`);
      }
    } catch {
      // The worker is gone (disposed): nothing to watch.
    }
  }
}
