/**
 * One child end kept ready while the room is a tree, so the next link we open (a repair, a new
 * active source, a move) sends its offer at once instead of first building a connection, its
 * offer and its candidates: 300–1,200 ms on two loaded cores, on the critical path of every
 * repair. A spare is made only in a quiet moment (`delayMs` after the last one was taken, so it
 * never competes with the links being opened); one is renewed after `maxAgeMs` (its candidates
 * may be stale by then), and one made for other ICE settings is not used.
 */
import type { LinkOptions, PreparedUpstream } from './forwarding/tree-links';

export interface SpareUpstreamOptions {
  /** Quiet time before a spare is made (restarted by each take). */
  delayMs: number;
  maxAgeMs: number;
  /** The ICE settings links are made with now. */
  linkOptions: () => LinkOptions;
  /** False once the room is no longer a tree (or the call ended): no spare then. */
  wanted: () => boolean;
  now?: () => number;
  /** Makes one without a source (prepareUpstream with no source id; tests pass a fake). */
  prepare: (options: LinkOptions & { video: true; trickle: true }) => Promise<PreparedUpstream>;
}

interface Spare {
  prepared: PreparedUpstream;
  madeAt: number;
  settings: string;
}

/** What a spare must have been made with to be used: the same ICE servers and policy. */
function settingsOf(o: LinkOptions): string {
  return JSON.stringify([o.iceServers ?? [], o.iceTransportPolicy ?? 'all']);
}

export class SpareUpstream {
  private spare: Spare | null = null;
  private making = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Spares made, taken and thrown away (debug: churn). */
  readonly counts = { made: 0, taken: 0, stale: 0 };

  constructor(private readonly o: SpareUpstreamOptions) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** The spare (with audio and video receivers), if a usable one is ready; the next is made later. */
  take(): PreparedUpstream | null {
    const s = this.spare;
    this.spare = null;
    this.schedule(true);
    if (!s) return null;
    if (this.now() - s.madeAt > this.o.maxAgeMs || s.settings !== settingsOf(this.o.linkOptions())) {
      this.counts.stale++;
      s.prepared.pc.close();
      return null;
    }
    this.counts.taken++;
    return s.prepared;
  }

  /** Makes sure a spare is on its way (after the quiet time; `restart`: counted from now). */
  schedule(restart = false): void {
    if (this.closed || this.spare || this.making || !this.o.wanted()) return;
    // (With a spare ready, the timer is its renewal: left alone above.)
    if (this.timer && !restart) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.make();
    }, this.o.delayMs);
  }

  /** The room left the tree: the spare goes (a later schedule makes another). */
  drop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.spare?.prepared.pc.close();
    this.spare = null;
  }

  dispose(): void {
    this.closed = true;
    this.drop();
  }

  private async make(): Promise<void> {
    if (this.closed || this.spare || this.making || !this.o.wanted()) return;
    this.making = true;
    const options = this.o.linkOptions();
    try {
      const prepared = await this.o.prepare({ ...options, video: true, trickle: true });
      if (this.closed || !this.o.wanted()) {
        prepared.pc.close();
        return;
      }
      this.spare = { prepared, madeAt: this.now(), settings: settingsOf(options) };
      this.counts.made++;
      // Renewed before it grows too old to use (a NAT mapping or TURN allocation may lapse).
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.spare?.prepared !== prepared) return;
        this.counts.stale++;
        this.drop();
        void this.make();
      }, this.o.maxAgeMs);
    } catch (error) {
      console.warn('[tree] could not make a spare link', error);
    } finally {
      this.making = false;
    }
  }
}
