/**
 * The call's side of the control overlay (src/tree/control-overlay.ts). In a large room above
 * `controlMesh` members a page keeps control connections to its overlay neighbours only;
 * this decides which those are, when a connection to someone else may go, and turns the
 * heartbeats passed on by the others (src/call/overlay-flood.ts) into members the call
 * knows: here (heard in the last OVERLAY_SILENT_MS), with a name, a state and a tree hello.
 */
import { parseControl, type ControlMessage, type FloodMessage, type MemberInfo, type PeerState, type RosterEntry } from '../protocol/mesh-messages';
import type { TreeSignal } from '../protocol/tree-messages';
import { beatPace, WHO_MS } from '../tree/beat-pace';
import { controlNeighbours, DEFAULT_CONTROL_OVERLAY } from '../tree/control-overlay';
import type { Member } from './membership';
import { OverlayFlood, type HeardMember, type OverlayNeighbour } from './overlay-flood';

/** A connection to a member that is not our overlay neighbour is dropped after this long. */
export const OVERLAY_PRUNE_MS = 5000;
/**
 * A member heard only through the overlay and silent this long has left (beats come every
 * 0.4 s up to 64 members); larger rooms beat slower and wait longer (beatPace's `silentMs`).
 */
export const OVERLAY_SILENT_MS = 8000;
/**
 * Who we are (name, state, tree hello) is passed on to everyone when it changes and this often
 * (up to 64 members; larger rooms less often: beatPace's `whoMs`), in case someone missed it;
 * liveness goes in the beat digests, one message per neighbour per beat, and a neighbour whose
 * link comes up gets a roster at once.
 */
export const FULL_HEARTBEAT_MS = WHO_MS;

type Hello = { uplinkKbps: number; canForward: boolean };
type DirectMessage = Extract<ControlMessage, { t: 'dm' }>;

export interface OverlayRoomHost {
  myId: string;
  /** Up to this many members (us included) everyone holds a control connection to everyone. */
  controlMesh: number;
  /** Verified members' open control channels: the overlay's first hop. */
  channels(): OverlayNeighbour[];
  /** Do we hold a verified control channel of our own to this member? */
  firstHand(peerId: string): boolean;
  /** The member as the call lists it (undefined: not listed, or refused). */
  member(peerId: string): Member | undefined;
  /** A heartbeat from someone the call does not list (its announce missed us): it is here. */
  addMember(peerId: string, joinedAt: number): void;
  /** A heartbeat from a listed member: its presence holds. */
  seen(peerId: string): void;
  /** Are we sharing a screen now? */
  sharing(): boolean;
  /** Whom we want a connection to changed (a screen share started or stopped): apply it. */
  rewire(): void;
  onHello(peerId: string, hello: Hello): void;
  onTree(peerId: string, sig: TreeSignal): void;
  /** Seals a private message's JSON to a member's X25519 key, and opens one sealed to ours (null: it does not open). */
  seal?(json: string, to: string, theirKey: string): Promise<string>;
  open?(box: string, from: string, theirKey: string): Promise<string | null>;
  /** A private message for us from a member we may hold no connection to, opened and checked. */
  onDirect(peerId: string, message: DirectMessage): void;
  /** Someone joined or left whom the leader's own channels would not show: rekey. */
  roomChanged(): void;
  /** What the person sees changed (a name, mic or camera). */
  changed(): void;
  now(): number;
}

export class OverlayRoom {
  private readonly flood: OverlayFlood;
  private active = false;
  private neighbours: ReadonlySet<string> = new Set();
  /**
   * What each member last said (state, hello), so only changes re-plan or redraw. Compared by
   * field, not serialised: this runs for every member on every beat.
   */
  private readonly said = new Map<string, { state: PeerState | null; hello: Hello | null }>();
  private lastFullAt = -Infinity;
  private lastFull = '';
  /** How long a silence means a member left, for the room's size (beat-pace.ts). */
  private silentMs = OVERLAY_SILENT_MS;
  private whoMs = FULL_HEARTBEAT_MS;
  /** Who we are, as our last heartbeat said (for rosters). */
  private self: MemberInfo | null = null;

  constructor(private readonly host: OverlayRoomHost) {
    this.flood = new OverlayFlood({
      myId: host.myId,
      neighbours: () => host.channels(),
      onTree: (from, sig) => {
        if (host.member(from)) host.onTree(from, sig);
      },
      onDm: (from, box) => {
        if (host.member(from)) void this.openDirect(from, box);
      },
      onHeartbeat: (m, first) => this.onHeartbeat(m, first),
      now: () => host.now(),
    });
  }

  /** True while the room is above `controlMesh`: control connections go to neighbours only. */
  get on(): boolean {
    return this.active;
  }

  /** Works out our neighbours among the admitted members (us included). */
  plan(admitted: ReadonlySet<string>): void {
    const was = this.active;
    this.active = admitted.size > this.host.controlMesh;
    ({ silentMs: this.silentMs, whoMs: this.whoMs } = beatPace(admitted.size));
    // Turned on (again): our first heartbeat says who we are, whoever joined meanwhile.
    if (this.active && !was) this.lastFull = '';
    this.neighbours = this.active ? new Set(controlNeighbours([...admitted], this.host.myId, { ...DEFAULT_CONTROL_OVERLAY, fullMeshUpTo: this.host.controlMesh })) : new Set();
  }

  /**
   * Should we hold a control connection to this member? Our neighbours; and while someone
   * shares a screen, everyone and the sharer: screens still go over direct connections (the
   * tree carries cameras and mics), so a share costs what it did before the overlay.
   */
  wants(peerId: string): boolean {
    return !this.active || this.neighbours.has(peerId) || this.host.sharing() || this.heard(peerId)?.state?.screen === true;
  }

  /** A connection to someone we do not want, old enough to have settled: drop it (no goodbye). */
  prunable(peerId: string, startedAt: number, now: number): boolean {
    return !this.wants(peerId) && now - startedAt > OVERLAY_PRUNE_MS;
  }

  /** A flood message from a verified neighbour (the caller checks). */
  receive(from: string, msg: FloodMessage): void {
    this.flood.receive(from, msg);
  }

  /** Our heartbeat to everyone; sent only while on (in a mesh each member pings first-hand). */
  heartbeat(joinedAt: number, state: PeerState, hello: Hello, keys: { fp: string | null; pub: string | null } = { fp: null, pub: null }): void {
    if (!this.active) return;
    const who = { joinedAt, state, hello, ...(keys.fp ? { fp: keys.fp } : {}), ...(keys.pub ? { pub: keys.pub } : {}) };
    this.self = who;
    const full = JSON.stringify(who);
    const now = this.host.now();
    if (full !== this.lastFull || now - this.lastFullAt >= this.whoMs) {
      this.flood.heartbeat(who);
      this.lastFullAt = now;
    }
    this.lastFull = full;
    this.flood.beat();
  }

  /** A neighbour's beat digest (the caller checks it is verified). */
  receiveBeats(e: string): void {
    this.flood.receiveBeats(e);
  }

  /** A roster part from a verified neighbour. */
  receiveRoster(entries: readonly RosterEntry[]): void {
    this.flood.receiveRoster(entries);
  }

  /** A neighbour's link is up and verified: it gets what we know of the room at once. */
  welcome(peerId: string): void {
    if (!this.active || !this.self) return;
    const channel = this.host.channels().find((c) => c.peerId === peerId);
    if (channel) this.flood.welcome(channel, this.self);
  }

  /** A tree signal to a member we may hold no channel to. */
  sendTree(to: string, sig: TreeSignal): boolean {
    return this.flood.sendTree(to, sig);
  }

  /**
   * A private message to a member we hold no connection to: sealed between our X25519 key and
   * the one it says it has, passed on by others who can neither read nor forge it. False when
   * we know no key of its, or cannot seal.
   */
  sendDirect(to: string, message: DirectMessage): boolean {
    const key = this.heard(to) ? this.publicKeyOf(to) : null;
    const seal = this.host.seal;
    if (!key || !seal) return false;
    void seal(JSON.stringify(message), to, key)
      .then((box) => this.flood.sendDm(to, box))
      .catch((err: unknown) => console.warn('could not seal a private message', err));
    return true;
  }

  private async openDirect(from: string, box: string): Promise<void> {
    const key = this.publicKeyOf(from);
    const json = key && this.host.open ? await this.host.open(box, from, key) : null;
    const msg = json ? parseControl(json) : null;
    if (msg?.t === 'dm') this.host.onDirect(from, msg);
  }

  /** The X25519 key a member says it has (we seal private messages to it), if we heard one. */
  publicKeyOf(peerId: string): string | null {
    return this.flood.heardFrom(peerId)?.pub ?? null;
  }

  /**
   * What the member's heartbeats said, unless it has gone silent: nothing from it for
   * OVERLAY_SILENT_MS (longer above 320 members: beat-pace.ts) while others were heard well
   * after its last word (see wentSilent).
   */
  heard(peerId: string, now = this.host.now()): HeardMember | undefined {
    const h = this.flood.heardFrom(peerId);
    return h && h.lastHeardAt !== -Infinity && !this.silent(h.lastHeardAt, now) ? h : undefined;
  }

  private silent(lastHeardAt: number, now: number): boolean {
    return now - lastHeardAt > this.silentMs && this.flood.latestHeardAt - lastHeardAt > this.silentMs;
  }

  /**
   * Heard from once, silent since: it left without a word reaching us. Silence is relative, as
   * in StallWatch: it counts only while others were heard well after its last word. When our
   * page (or every neighbour passing digests on) is starved, every member falls silent
   * together; judged by the clock alone, a room of twenty pages on two cores dropped up to 38
   * members a page that way, re-planned and re-linked for each, and never settled. One digest carries
   * every count that rose, so the first one read after a stall brings back all who are alive.
   */
  wentSilent(peerId: string, now = this.host.now()): boolean {
    const h = this.flood.heardFrom(peerId);
    return h !== undefined && h.lastHeardAt !== -Infinity && this.silent(h.lastHeardAt, now);
  }

  /** The DTLS fingerprints members we hear only through the others say they have (safety words). */
  fingerprints(): string[] {
    return this.throughOthers().flatMap(({ heard }) => (heard.fp ? [heard.fp] : []));
  }

  /** Members we hear only through the others (they count when electing the leader). */
  others(): Member[] {
    return this.throughOthers().map(({ member }) => member);
  }

  /** The member left or was removed. True when we knew it only through the overlay. */
  forget(peerId: string): boolean {
    const h = this.flood.heardFrom(peerId);
    const onlyThrough = h !== undefined && h.lastHeardAt !== -Infinity && !this.host.firstHand(peerId);
    this.flood.forget(peerId);
    this.said.delete(peerId);
    return onlyThrough;
  }

  /** Listed members heard recently, with no verified channel of ours to them. */
  private throughOthers(): { member: Member; heard: HeardMember }[] {
    const out: { member: Member; heard: HeardMember }[] = [];
    const now = this.host.now();
    for (const h of this.flood.members()) {
      const member = this.host.member(h.peerId);
      if (member && !this.host.firstHand(h.peerId) && this.heard(h.peerId, now)) out.push({ member, heard: h });
    }
    return out;
  }

  /** Messages sent, passed on, delivered and dropped as duplicates (diagnostics). */
  get counts(): Readonly<OverlayFlood['counts']> {
    return this.flood.counts;
  }

  private onHeartbeat(heard: HeardMember, first: boolean): void {
    if (!this.host.member(heard.peerId)) this.host.addMember(heard.peerId, heard.joinedAt);
    if (!this.host.member(heard.peerId)) return;
    this.host.seen(heard.peerId);
    const before = this.said.get(heard.peerId);
    this.said.set(heard.peerId, { state: heard.state, hello: heard.hello });
    if (heard.hello && !sameHello(before?.hello ?? null, heard.hello)) this.host.onHello(heard.peerId, heard.hello);
    if (first) this.host.roomChanged();
    if (first || !sameState(before?.state ?? null, heard.state)) this.host.changed();
    if (this.active && (before?.state?.screen === true) !== (heard.state?.screen === true)) this.host.rewire();
  }
}

function sameState(a: PeerState | null, b: PeerState | null): boolean {
  return a === b || (!!a && !!b && a.name === b.name && a.micOn === b.micOn && a.camOn === b.camOn && (a.screen === true) === (b.screen === true));
}

function sameHello(a: Hello | null, b: Hello | null): boolean {
  return a === b || (!!a && !!b && a.uplinkKbps === b.uplinkKbps && a.canForward === b.canForward);
}
