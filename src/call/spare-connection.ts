/**
 * The call keeps one connection built ahead of time for whoever comes next. Someone already
 * in the room offers to every newcomer (membership.ts): with the spare, their announce is
 * answered by sending an offer that already exists, its candidates gathered. Built on demand
 * that took 70–140 ms of the existing member's main thread on two busy cores: four
 * transceivers with their transforms, the new tile's render, then createOffer and
 * setLocalDescription (traced in bench/join). A newcomer keeps a spare too, not yet offered:
 * the first peer's offer is answered on it.
 *
 * A spare is offered once we have been online SPARE_OFFER_AFTER_MS (by then everyone who
 * joined before us has offered to us, so whoever comes next is ours to offer to). Never built
 * while a connection is being set up, nor in the first seconds after one started (that would
 * steal the main thread it needs); dropped when the settings it was built for change, and
 * replaced after SPARE_MAX_AGE_MS.
 */
import type { SessionKit } from './session-kit';
import { SpareSlot } from './spare-slot';

/** Online this long, with no connection being set up: the spare makes its offer. */
export const SPARE_OFFER_AFTER_MS = 400;
/**
 * After a spare was used, the next is built no sooner than this: the new connection's first
 * seconds (key hand-out, first frames, the new tile) need the main thread more.
 */
export const SPARE_REBUILD_AFTER_MS = 3000;
/** A spare's candidates (and any TURN allocation behind them) are this old at most. */
export const SPARE_MAX_AGE_MS = 5 * 60_000;

export interface SpareHost {
  /** May the call hold a spare now (not left, not turned away)? */
  allowed(): boolean;
  /** Is a connection being set up (building or offering now would slow it down)? */
  busy(): boolean;
  /** The settings a kit is built for (audio-only, Opus tuning): a spare fits only the same. */
  shape(): string;
  build(): SessionKit;
  /** The SDP edit for our local description (SdpPolicy.local). */
  tune(sdp: string): string;
  count(event: string): void;
}

export class SpareConnection {
  private readonly slot: SpareSlot<SessionKit>;
  private onlineSince: number | null = null;
  private takenAt = Number.NEGATIVE_INFINITY;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private disposed = false;

  constructor(
    private readonly host: SpareHost,
    private readonly now: () => number,
  ) {
    this.slot = new SpareSlot(SPARE_MAX_AGE_MS, now);
  }

  /** Builds the first spare soon, off the caller's task. */
  start(): void {
    this.later(0);
  }

  /** Signalling came online (or back): the spare offers SPARE_OFFER_AFTER_MS from now. */
  online(): void {
    this.onlineSince = this.now();
    this.later(SPARE_OFFER_AFTER_MS);
  }

  offline(): void {
    this.onlineSince = null;
  }

  /**
   * A kit for a new session, when the spare fits: as initiator any spare (an unoffered one
   * still saves building), as responder only one not yet offered.
   */
  take(initiator: boolean): SessionKit | null {
    if (this.disposed || !this.host.allowed()) return null;
    const kit = this.slot.take(this.host.shape(), (k) => initiator || k.offer === null);
    if (kit) {
      this.takenAt = this.now();
      this.host.count(kit.offer ? 'spare-used:offered' : 'spare-used:plain');
    }
    return kit;
  }

  /** Builds, offers or replaces the spare as things stand (the call's heartbeat, and timers). */
  tend(): void {
    if (this.disposed) return;
    if (!this.host.allowed()) {
      this.slot.clear();
      return;
    }
    this.slot.keep(this.host.shape());
    if (this.host.busy()) return;
    let kit = this.slot.current;
    if (!kit) {
      if (this.now() - this.takenAt < SPARE_REBUILD_AFTER_MS) return;
      kit = this.host.build();
      this.slot.put(kit, this.host.shape());
      this.host.count('spare-built');
    }
    if (kit.offer === null && this.onlineSince !== null && this.now() - this.onlineSince >= SPARE_OFFER_AFTER_MS) {
      void kit.preOffer((sdp) => this.host.tune(sdp));
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.slot.clear();
  }

  private later(ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.tend();
    }, ms);
    this.timers.add(t);
  }
}
