/**
 * Passing a room-wide control message on over the control overlay (src/tree/control-overlay.ts),
 * where a page is linked to a few members, not all: each page delivers a message once and
 * passes it to every neighbour but the one it came from. Duplicates (the same message by
 * another path) are recognised by (origin, seq) and dropped; a hop limit bounds a message
 * whatever the overlay looks like while views differ.
 *
 * Pure: it decides, the caller sends. Sequence numbers start at 1 per origin, and an origin is
 * one page load (ids are random per load), so a number never comes back.
 */
export interface FloodEnvelope<T> {
  origin: string;
  seq: number;
  /** Hops left: 0 means deliver and pass on no further. */
  ttl: number;
  body: T;
}

export interface FloodRouterOptions {
  /** Hops a message may take; the ring overlay's diameter is far below it (bench/tree). */
  maxHops?: number;
  /** Older messages of one origin than this many below its newest are taken as seen. */
  window?: number;
  /** Origins remembered at most (the oldest heard from is forgotten first). */
  maxOrigins?: number;
}

export const FLOOD_MAX_HOPS = 16;
export const FLOOD_WINDOW = 128;
export const FLOOD_MAX_ORIGINS = 2048;

/** What became of an incoming envelope. */
export type FloodVerdict<T> =
  | { kind: 'deliver'; body: T; origin: string; forward: FloodEnvelope<T> | null }
  | { kind: 'duplicate' }
  | { kind: 'stale' }
  | { kind: 'own' };

/** Seen sequence numbers of one origin: the newest, and a bitmap of the `window` below it. */
class SeenWindow {
  private newest = 0;
  private readonly bits: Uint8Array;

  constructor(private readonly size: number) {
    this.bits = new Uint8Array(size);
  }

  /** True when `seq` is new (and marks it seen); false for a repeat or one older than the window. */
  mark(seq: number): 'new' | 'duplicate' | 'stale' {
    if (seq > this.newest) {
      const shift = seq - this.newest;
      if (shift >= this.size) this.bits.fill(0);
      else for (let s = this.newest + 1; s < seq; s++) this.bits[s % this.size] = 0;
      this.newest = seq;
      this.bits[seq % this.size] = 1;
      return 'new';
    }
    if (seq <= this.newest - this.size) return 'stale';
    if (this.bits[seq % this.size]) return 'duplicate';
    this.bits[seq % this.size] = 1;
    return 'new';
  }
}

export class FloodRouter<T> {
  private seq = 0;
  private readonly seen = new Map<string, SeenWindow>();
  private readonly maxHops: number;
  private readonly window: number;
  private readonly maxOrigins: number;

  constructor(
    private readonly myId: string,
    opts: FloodRouterOptions = {},
  ) {
    this.maxHops = opts.maxHops ?? FLOOD_MAX_HOPS;
    this.window = opts.window ?? FLOOD_WINDOW;
    this.maxOrigins = opts.maxOrigins ?? FLOOD_MAX_ORIGINS;
  }

  /** A new message of ours, to send to every neighbour. */
  originate(body: T): FloodEnvelope<T> {
    this.seq += 1;
    return { origin: this.myId, seq: this.seq, ttl: this.maxHops - 1, body };
  }

  /**
   * An envelope from a neighbour: deliver it (and send `forward` to every neighbour except the
   * one it came from) or drop it. Envelopes are validated by the caller's schema first.
   */
  receive(envelope: FloodEnvelope<T>): FloodVerdict<T> {
    if (envelope.origin === this.myId) return { kind: 'own' };
    let window = this.seen.get(envelope.origin);
    if (window) {
      // Re-insert: the map's order is then "least recently heard from" first.
      this.seen.delete(envelope.origin);
    } else {
      window = new SeenWindow(this.window);
    }
    this.seen.set(envelope.origin, window);
    if (this.seen.size > this.maxOrigins) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    const fresh = window.mark(envelope.seq);
    if (fresh !== 'new') return { kind: fresh };
    const ttl = Math.min(envelope.ttl, this.maxHops - 1);
    return {
      kind: 'deliver',
      body: envelope.body,
      origin: envelope.origin,
      forward: ttl > 0 ? { ...envelope, ttl: ttl - 1 } : null,
    };
  }

  /** A member who left: its window goes (its id never comes back). */
  forget(origin: string): void {
    this.seen.delete(origin);
  }
}
