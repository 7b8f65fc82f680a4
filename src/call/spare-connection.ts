/**
 * The call keeps one connection built and offered ahead of time for whoever comes next.
 * Someone already in the room offers to every newcomer (membership.ts): with the spare, their
 * announce is answered by sending an offer that already exists, its candidates gathered.
 * Built on demand that took 70–140 ms of the existing member's main thread on two busy cores:
 * four transceivers with their transforms, the new tile's render, then createOffer and
 * setLocalDescription (traced in bench/join). Now the offer leaves 15–25 ms after the announce.
 *
 * A spare is made once we have been online SPARE_OFFER_AFTER_MS (by then everyone who joined
 * before us has offered to us, so whoever comes next is ours to offer to), and only while the
 * call is quiet: not while a connection is being set up, nor in the first seconds after one
 * started (building one cost a newcomer's page 30–100 ms while its sockets opened, measured).
 * It is dropped when the settings it was built for change, and replaced after SPARE_MAX_AGE_MS.
 */
import type { SessionKit } from './session-kit';
import { SpareSlot } from './spare-slot';

/** Online this long, and quiet: a spare is built and offered. */
export const SPARE_OFFER_AFTER_MS = 400;
/**
 * After a connection was opened, the next spare waits this long: the new connection's first
 * seconds (key hand-out, first frames, the new tile) need the main thread more.
 */
export const SPARE_QUIET_MS = 3000;
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
  private lastSessionAt = Number.NEGATIVE_INFINITY;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private disposed = false;

  constructor(
    private readonly host: SpareHost,
    private readonly now: () => number,
  ) {
    this.slot = new SpareSlot(SPARE_MAX_AGE_MS, now);
  }

  /** Signalling came online (or back): a spare may be made SPARE_OFFER_AFTER_MS from now. */
  online(): void {
    this.onlineSince = this.now();
    this.later(SPARE_OFFER_AFTER_MS);
  }

  offline(): void {
    this.onlineSince = null;
  }

  /**
   * A new session is being opened: the spare for it when we offer (a responder answers on a
   * connection of its own: the spare already holds an offer). Either way the call is busy
   * for a while.
   */
  take(initiator: boolean): SessionKit | null {
    this.lastSessionAt = this.now();
    this.later(SPARE_QUIET_MS);
    if (this.disposed || !initiator || !this.host.allowed()) return null;
    const kit = this.slot.take(this.host.shape());
    if (kit) this.host.count('spare-used');
    return kit;
  }

  /** Builds or replaces the spare as things stand (the call's heartbeat, and timers). */
  tend(): void {
    if (this.disposed) return;
    if (!this.host.allowed()) {
      this.slot.clear();
      return;
    }
    if (this.slot.keep(this.host.shape())) return;
    const now = this.now();
    if (this.onlineSince === null || now - this.onlineSince < SPARE_OFFER_AFTER_MS) return;
    if (now - this.lastSessionAt < SPARE_QUIET_MS || this.host.busy()) return;
    const kit = this.host.build();
    this.slot.put(kit, this.host.shape());
    this.host.count('spare-built');
    void kit.preOffer((sdp) => this.host.tune(sdp));
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
