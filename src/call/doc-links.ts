/**
 * The room doc's links (src/room-state/doc-sync.ts), one per peer, over that peer's own call
 * connection: a link is up while the connection's doc channel is open and the peer is
 * verified, so nothing of the doc reaches someone who has not proved they hold the room key.
 *
 * A newly verified peer's link also waits for our key hand-out with it, `holdMs` at most: the
 * doc's first sync costs ≈30 ms of Yjs on a cold page (profiled in bench/join), and run at
 * once it sat in front of the epoch key the newcomer's first frame waits for.
 */
import type { DocTransport } from '../room-state/doc-sync';
import { Emitter } from '../util/emitter';

/** What the links read from the call. */
export interface DocLinkPeers {
  /** The peer's call connection, if it has one now. */
  connection(peerId: string): { readonly docOpen: boolean; sendDoc(frame: Uint8Array): boolean } | undefined;
  verified(peerId: string): boolean;
  /** We have handed this peer the media key (an epoch meant for it). */
  keyed(peerId: string): boolean;
  /** Our links reach only some members (the control overlay): the doc passes things on. */
  passOn?(): boolean;
}

export interface DocLinkOptions {
  /** How long a newly verified peer's link waits for our key hand-out at most. */
  holdMs?: number;
  /** Doc frames a peer sends before its link is up wait for it, this many at most. */
  maxEarlyFrames?: number;
}

type Events = { link: { peerId: string; up: boolean }; frame: { from: string; frame: Uint8Array } };

export const DOC_AFTER_KEY_MAX_MS = 300;
export const MAX_EARLY_DOC_FRAMES = 64;

export class DocLinks {
  private readonly up = new Set<string>();
  private readonly early = new Map<string, Uint8Array[]>();
  /** Peers verified less than holdMs ago: the timer that lets their link up. */
  private readonly held = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly events = new Emitter<Events>();
  private readonly holdMs: number;
  private readonly maxEarly: number;
  private disposed = false;

  constructor(
    private readonly peers: DocLinkPeers,
    opts: DocLinkOptions = {},
  ) {
    this.holdMs = opts.holdMs ?? DOC_AFTER_KEY_MAX_MS;
    this.maxEarly = opts.maxEarlyFrames ?? MAX_EARLY_DOC_FRAMES;
  }

  /** What the room doc's sync runs over. */
  transport(): DocTransport {
    return {
      peers: () => [...this.up],
      onLink: (listener) => this.events.on('link', listener),
      send: (peerId, frame) => (this.up.has(peerId) ? (this.peers.connection(peerId)?.sendDoc(frame) ?? false) : false),
      onFrame: (listener) => this.events.on('frame', listener),
      passOn: () => this.peers.passOn?.() ?? false,
    };
  }

  /** A frame from the peer's doc channel: passed on if its link is up, else kept for when it is. */
  received(peerId: string, frame: Uint8Array): void {
    if (this.disposed) return;
    if (this.up.has(peerId)) {
      this.events.emit('frame', { from: peerId, frame });
      return;
    }
    // The peer verified us before we verified it: its first frames wait for our verdict.
    const early = this.early.get(peerId) ?? [];
    if (early.length < this.maxEarly) early.push(frame);
    this.early.set(peerId, early);
  }

  /** The peer was just verified: its link waits until we have keyed it, holdMs at most (then `update`). */
  holdForKey(peerId: string): void {
    if (this.disposed) return;
    const before = this.held.get(peerId);
    if (before !== undefined) clearTimeout(before);
    this.held.set(
      peerId,
      setTimeout(() => {
        this.held.delete(peerId);
        this.update(peerId);
      }, this.holdMs),
    );
  }

  /** A key hand-out happened: links held for one may come up. */
  keysChanged(): void {
    for (const id of [...this.held.keys()]) this.update(id);
  }

  /** Brings the peer's link up or down to match its connection (doc channel open, verified, keyed). */
  update(peerId: string): void {
    const connection = this.peers.connection(peerId);
    const waiting = this.held.has(peerId) && !this.peers.keyed(peerId);
    const up = !this.disposed && !!connection && connection.docOpen && this.peers.verified(peerId) && !waiting;
    if (up === this.up.has(peerId)) return;
    const early = this.early.get(peerId) ?? [];
    this.early.delete(peerId);
    if (!up) {
      this.up.delete(peerId);
      this.events.emit('link', { peerId, up: false });
      return;
    }
    this.up.add(peerId);
    this.events.emit('link', { peerId, up: true });
    for (const frame of early) this.events.emit('frame', { from: peerId, frame });
  }

  dispose(): void {
    this.disposed = true;
    this.up.clear();
    this.early.clear();
    for (const t of this.held.values()) clearTimeout(t);
    this.held.clear();
  }
}
