/**
 * Room-wide control messages in a large room whose pages hold control connections to a few
 * members only (the control overlay: src/tree/control-overlay.ts):
 * - liveness: every beat (0.4 s) a page sends each neighbour one digest of beat counts, its
 *   own and those it saw rise (src/protocol/beat-digest.ts), so a member far away is heard
 *   while its count rises;
 * - who a member is (join time, name, mic/camera state, tree hello): a heartbeat passed on by
 *   everyone once, sent when it changes and now and then; a neighbour whose link comes up
 *   gets what we know of everyone at once (a roster, in parts);
 * - a tree signal for a member we hold no connection to: passed on the same way, addressed. Messages enter only from verified neighbours (the engine checks), so what
 * arrives was passed on by members who proved the room key; as on a direct channel, what a
 * member says about itself is taken as said.
 *
 * No DOM: the engine lends the neighbours' channels; unit-tested with in-memory ones.
 */
import { FloodRouter } from '../tree/flood-router';
import { FLOOD_HOPS_MAX, ROSTER_PART, type ControlMessage, type FloodBody, type FloodMessage, type MemberInfo, type PeerState, type RosterEntry } from '../protocol/mesh-messages';
import { beatPrefix, decodeBeats, encodeBeats } from '../protocol/beat-digest';
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
  /** A sealed private message for us from a member we may have no connection to. */
  onDm?(from: string, box: string): void;
  /** A member's heartbeat; `first`: we had not heard from it (or had forgotten it). */
  onHeartbeat?(member: HeardMember, first: boolean): void;
  now?(): number;
}

/** What a member's heartbeats told us. */
export interface HeardMember {
  peerId: string;
  /** When its beat count last rose or a heartbeat of its came (-Infinity: known from a roster only, not heard yet). */
  lastHeardAt: number;
  /** Its highest beat count seen. */
  beat: number;
  joinedAt: number;
  /** Its name and mic/camera state, and its tree hello: null until a heartbeat carried them. */
  state: PeerState | null;
  hello: { uplinkKbps: number; canForward: boolean } | null;
  /** Its DTLS fingerprint as it says (for the safety words), or null. */
  fp: string | null;
  /** Its X25519 public key as it says (private messages sealed to it), or null. */
  pub: string | null;
}


export class OverlayFlood {
  private readonly router: FloodRouter<FloodBody>;
  private readonly heard = new Map<string, HeardMember>();
  /** When anyone was last heard (a beat that rose, or a heartbeat): what silences are measured against. */
  private latest = -Infinity;
  /** Beat digests name members by id prefix. */
  private readonly byPrefix = new Map<string, string>();
  /** Members whose beat rose since our last digest. */
  private readonly risen = new Set<string>();
  private ownBeat = 0;
  /** Messages sent (ours and passed on), passed on, delivered, dropped as repeats, digests sent (diagnostics and tests). */
  readonly counts = { sent: 0, passedOn: 0, delivered: 0, duplicates: 0, digests: 0 };

  constructor(private readonly host: OverlayFloodHost) {
    this.router = new FloodRouter<FloodBody>(host.myId, { maxHops: FLOOD_HOPS_MAX });
  }

  /** Our heartbeat (who we are), to every member. */
  heartbeat(hb: MemberInfo): void {
    const env = this.router.originate({ k: 'hb', ...hb });
    this.fanOut({ t: 'flood', o: env.origin, s: env.seq, h: env.ttl, b: env.body }, null);
  }

  /** One beat: our count rises, and each neighbour gets it with every count that rose since the last. */
  beat(): void {
    this.ownBeat++;
    const entries: [string, number][] = [[this.host.myId, this.ownBeat]];
    for (const id of this.risen) {
      const h = this.heard.get(id);
      if (h) entries.push([id, h.beat]);
    }
    this.risen.clear();
    const msg: ControlMessage = { t: 'beats', e: encodeBeats(entries) };
    for (const n of this.host.neighbours()) if (n.send(msg)) this.counts.digests++;
  }

  /** A neighbour's digest: members whose count rose are heard now. */
  receiveBeats(e: string): void {
    const entries = decodeBeats(e);
    if (!entries) return;
    const now = this.now();
    for (const [prefix, beat] of entries) {
      const id = this.byPrefix.get(prefix);
      const h = id === undefined ? undefined : this.heard.get(id);
      // Unknown: its heartbeat or a roster naming it will come; until then it is not counted.
      if (!h || beat <= h.beat) continue;
      const first = h.lastHeardAt === -Infinity;
      h.beat = beat;
      h.lastHeardAt = now;
      this.latest = now;
      this.risen.add(h.peerId);
      this.host.onHeartbeat?.(h, first);
    }
  }

  /** A neighbour whose link just came up: what we know of everyone, ourselves included, in parts. */
  welcome(to: OverlayNeighbour, self: MemberInfo): void {
    const entries: RosterEntry[] = [{ id: this.host.myId, ...self }];
    for (const h of this.heard.values()) {
      entries.push({ id: h.peerId, joinedAt: h.joinedAt, ...(h.state ? { state: h.state } : {}), ...(h.hello ? { hello: h.hello } : {}), ...(h.fp ? { fp: h.fp } : {}), ...(h.pub ? { pub: h.pub } : {}) });
    }
    for (let i = 0; i < entries.length; i += ROSTER_PART) to.send({ t: 'roster', m: entries.slice(i, i + ROSTER_PART) });
  }

  /**
   * A roster part from a neighbour: fills in who members are. It does not make anyone heard
   * (a roster may name someone who has just left): their beats do.
   */
  receiveRoster(entries: readonly RosterEntry[]): void {
    for (const e of entries) {
      if (e.id === this.host.myId) continue;
      const h = this.heard.get(e.id);
      if (h) {
        h.state ??= e.state ?? null;
        h.hello ??= e.hello ?? null;
        h.fp ??= e.fp ?? null;
        h.pub ??= e.pub ?? null;
        continue;
      }
      this.heard.set(e.id, { peerId: e.id, lastHeardAt: -Infinity, beat: 0, joinedAt: e.joinedAt, state: e.state ?? null, hello: e.hello ?? null, fp: e.fp ?? null, pub: e.pub ?? null });
      this.byPrefix.set(beatPrefix(e.id), e.id);
    }
  }

  /**
   * A tree signal to one member: straight to it when it is a neighbour, else passed along by
   * the others. False when we have no neighbour at all to send it through.
   */
  sendTree(to: string, sig: TreeSignal): boolean {
    const direct = [...this.host.neighbours()].find((n) => n.peerId === to);
    if (direct) return direct.send(sig);
    return this.sendAddressed(to, { k: 'tree', sig });
  }

  /** A sealed private message to one member, passed along by the others. */
  sendDm(to: string, box: string): boolean {
    return this.sendAddressed(to, { k: 'dm', box });
  }

  private sendAddressed(to: string, body: FloodBody): boolean {
    if ([...this.host.neighbours()].length === 0) return false;
    const env = this.router.originate(body);
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

  /** When anyone was last heard through the overlay (-Infinity: nobody yet). */
  get latestHeardAt(): number {
    return this.latest;
  }

  /** A member who left: its heartbeats are forgotten (a late one makes it new again). */
  forget(peerId: string): void {
    this.heard.delete(peerId);
    this.risen.delete(peerId);
    if (this.byPrefix.get(beatPrefix(peerId)) === peerId) this.byPrefix.delete(beatPrefix(peerId));
    this.router.forget(peerId);
  }

  private deliver(origin: string, body: FloodBody): void {
    if (body.k === 'tree') {
      this.host.onTree(origin, body.sig);
      return;
    }
    if (body.k === 'dm') {
      this.host.onDm?.(origin, body.box);
      return;
    }
    const before = this.heard.get(origin);
    const first = !before || before.lastHeardAt === -Infinity;
    // What a heartbeat leaves out has not changed since the last one that said it.
    const member: HeardMember = { peerId: origin, lastHeardAt: this.now(), beat: before?.beat ?? 0, joinedAt: body.joinedAt, state: body.state ?? before?.state ?? null, hello: body.hello ?? before?.hello ?? null, fp: body.fp ?? before?.fp ?? null, pub: body.pub ?? before?.pub ?? null };
    this.heard.set(origin, member);
    this.latest = member.lastHeardAt;
    this.byPrefix.set(beatPrefix(origin), origin);
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
