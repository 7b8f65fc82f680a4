/**
 * Room-wide control messages in a large room whose pages hold control connections to a few
 * members only (the control overlay: src/tree/control-overlay.ts). Each page sends a heartbeat
 * (who it is, its name and mic/camera state, its tree hello) that every member receives by
 * way of the others, and a tree signal for a member it has no connection to travels the same
 * way, addressed. Messages enter only from verified neighbours (the engine checks), so what
 * arrives was passed on by members who proved the room key; as on a direct channel, what a
 * member says about itself is taken as said.
 *
 * No DOM: the engine lends the neighbours' channels; unit-tested with in-memory ones.
 */
import { FloodRouter } from '../tree/flood-router';
import { FLOOD_HOPS_MAX, type ControlMessage, type FloodBody, type FloodMessage, type PeerState } from '../protocol/mesh-messages';
import type { TreeSignal } from '../protocol/tree-messages';

export interface OverlayNeighbour {
  peerId: string;
  send(msg: ControlMessage): boolean;
}

export interface OverlayFloodHost {
  myId: string;
  /** Verified neighbours with an open control channel. */
  neighbours(): Iterable<OverlayNeighbour>;
  /** A tree signal for us from a member we may have no connection to. */
  onTree(from: string, sig: TreeSignal): void;
  /** A member's heartbeat; `first`: we had not heard from it (or had forgotten it). */
  onHeartbeat?(member: HeardMember, first: boolean): void;
  now?(): number;
}

/** What a member's heartbeats told us. */
export interface HeardMember {
  peerId: string;
  /** When its last heartbeat arrived. */
  lastHeardAt: number;
  joinedAt: number;
  /** Its name and mic/camera state, and its tree hello: null until a heartbeat carried them. */
  state: PeerState | null;
  hello: { uplinkKbps: number; canForward: boolean } | null;
}

type Heartbeat = Extract<FloodBody, { k: 'hb' }>;

export class OverlayFlood {
  private readonly router: FloodRouter<FloodBody>;
  private readonly heard = new Map<string, HeardMember>();
  /** Messages passed on, by kind (diagnostics and tests). */
  readonly counts = { sent: 0, passedOn: 0, delivered: 0, duplicates: 0 };

  constructor(private readonly host: OverlayFloodHost) {
    this.router = new FloodRouter<FloodBody>(host.myId, { maxHops: FLOOD_HOPS_MAX });
  }

  /** Our heartbeat, to every member. */
  heartbeat(hb: Omit<Heartbeat, 'k'>): void {
    const env = this.router.originate({ k: 'hb', ...hb });
    this.fanOut({ t: 'flood', o: env.origin, s: env.seq, h: env.ttl, b: env.body }, null);
  }

  /**
   * A tree signal to one member: straight to it when it is a neighbour, else passed along by
   * the others. False when we have no neighbour at all to send it through.
   */
  sendTree(to: string, sig: TreeSignal): boolean {
    const neighbours = [...this.host.neighbours()];
    const direct = neighbours.find((n) => n.peerId === to);
    if (direct) return direct.send(sig);
    if (neighbours.length === 0) return false;
    const env = this.router.originate({ k: 'tree', sig });
    return this.fanOut({ t: 'flood', o: env.origin, s: env.seq, h: env.ttl, to, b: env.body }, null) > 0;
  }

  /** A flood message from a verified neighbour. */
  receive(from: string, msg: FloodMessage): void {
    const verdict = this.router.receive({ origin: msg.o, seq: msg.s, ttl: msg.h, body: msg.b });
    if (verdict.kind !== 'deliver') {
      if (verdict.kind === 'duplicate') this.counts.duplicates++;
      return;
    }
    const forMe = msg.to === undefined || msg.to === this.host.myId;
    if (forMe) {
      this.counts.delivered++;
      this.deliver(msg.o, verdict.body);
    }
    if (msg.to === this.host.myId || !verdict.forward) return;
    const next: FloodMessage = { t: 'flood', o: msg.o, s: msg.s, h: verdict.forward.ttl, ...(msg.to === undefined ? {} : { to: msg.to }), b: msg.b };
    this.counts.passedOn += this.fanOut(next, from);
  }

  /** Members heard from (not us), with what they last said. */
  members(): IterableIterator<HeardMember> {
    return this.heard.values();
  }

  heardFrom(peerId: string): HeardMember | undefined {
    return this.heard.get(peerId);
  }

  /** A member who left: its heartbeats are forgotten (a late one makes it new again). */
  forget(peerId: string): void {
    this.heard.delete(peerId);
    this.router.forget(peerId);
  }

  private deliver(origin: string, body: FloodBody): void {
    if (body.k === 'tree') {
      this.host.onTree(origin, body.sig);
      return;
    }
    const before = this.heard.get(origin);
    const first = !before;
    // What a heartbeat leaves out has not changed since the last one that said it.
    const member: HeardMember = { peerId: origin, lastHeardAt: this.now(), joinedAt: body.joinedAt, state: body.state ?? before?.state ?? null, hello: body.hello ?? before?.hello ?? null };
    this.heard.set(origin, member);
    this.host.onHeartbeat?.(member, first);
  }

  /**
   * Sends to the neighbours, except the one it came from; an addressed message whose target is
   * a neighbour goes to it alone. Returns how many it went to.
   */
  private fanOut(msg: FloodMessage, except: string | null): number {
    const neighbours = [...this.host.neighbours()];
    const target = msg.to === undefined ? undefined : neighbours.find((n) => n.peerId === msg.to);
    let sent = 0;
    for (const n of target ? [target] : neighbours) {
      if (n.peerId === except || n.peerId === msg.o) continue;
      if (n.send(msg)) sent++;
    }
    this.counts.sent += sent;
    return sent;
  }

  private now(): number {
    return (this.host.now ?? Date.now)();
  }
}
