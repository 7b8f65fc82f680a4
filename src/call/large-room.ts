/**
 * What a call adds when it may grow into a large room: the relay tree (TreeCall), fed with the
 * engine's verified members, plus two inputs of its own: speaking turns from shared presence
 * (who is active, last N) and stalls (members gone quiet are planned as leaves so their
 * children re-attach at once, instead of waiting for the engine's 8 s silence timeout).
 */
import type { MediaKind } from '../e2ee/clear-prefix';
import type { TreeSignal } from '../protocol/tree-messages';
import { treeCallParams } from '../tree/call-plan';
import { beatDue, beatPace } from '../tree/beat-pace';
import { keepTurns } from '../tree/speaking-turns';
import { TreeCall, type CallMode, type TreeDebug } from '../tree/tree-call';
import { sameMembers, StallWatch, type HeardFrom } from './stall-watch';

/**
 * In a large room a member silent this much longer than the others (at least; see StallWatch)
 * is stalled: the tree plans it as a leaf (it stays in the call and in the member count, so the
 * mode does not flip). Pings go out every PING_MS in large rooms to make it quick. Our own
 * parents are judged by their frames first (STALL_MEDIA_*), which is what makes a repair quick,
 * so the others can wait longer: at 1.2 s, eight pages on two cores flagged 17–25 stalls each.
 */
const STALL_MS = 2000;
/** A parent whose frames arrived this recently is alive; one whose frames stopped needs only STALL_FAST_MS of silence. */
const STALL_MEDIA_FRESH_MS = 600;
const STALL_MEDIA_MEMORY_MS = 5000;
const STALL_FAST_MS = 800;
const PING_MS = 400;
/**
 * Silence is checked more often than pings go out: checked only with each ping, a stall was
 * seen 1.2–1.6 s after the last word; checked every 100 ms, 1.2–1.3 s (a 0.8 s limit instead
 * was no faster overall and flapped under load).
 */
const STALL_CHECK_MS = 100;
/** A stalled member that talks again stays a leaf this long (doubling per stall, up to the cap): see StallWatch. */
const STALL_HOLD_MS = 3000;
/** Where pages are starved for seconds, the limit follows the gaps seen (StallWatch) up to this. */
const STALL_MAX_MS = 4000;
const STALL_GAP_WINDOW_MS = 10_000;
const STALL_MAX_HOLD_MS = 30_000;
/**
 * After the relay reports a member's socket closed (GONE), this long with nothing heard and no
 * frames through it stalls it: long enough for a living parent's next frame (10–15 fps), far
 * shorter than the 0.8–1.1 s the silence rules take to see a crash.
 */
const STALL_GONE_CONFIRM_MS = 150;

export interface LargeRoomHost {
  myId: string;
  joinedAt: number;
  /**
   * Verified members, in no particular order: those we hold a verified control channel to, and
   * in a room on the control overlay those whose heartbeats reach us through the others.
   */
  verified(): RoomMember[];
  /** Sends to one member: its control channel, or through the overlay. False when neither can. */
  send(peerId: string, msg: TreeSignal): boolean;
  /** Large rooms' frequent liveness ping to every member (direct, or one heartbeat over the overlay). */
  ping(now: number): void;
  epoch(): { epoch: number; key: Uint8Array | null };
  localTracks(): Record<MediaKind, MediaStreamTrack | null>;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** The mode flipped: camera and mic move between the mesh and the tree. */
  onModeChange(mode: CallMode): void;
  onChange(): void;
}

/** A member as the large room sees it: join time and when we last heard from it, however. */
export interface RoomMember {
  peerId: string;
  joinedAt: number;
  everConnected: boolean;
  lastHeardAt: number;
  /** Its camera as its state says; absent while no state has come. */
  camOn?: boolean;
}

export interface LargeRoomOptions {
  secret: string;
  link: { meshMax?: number; lastN?: number; quality?: 'low'; controlMesh?: number };
}

export class LargeRoom {
  private readonly tree: TreeCall;
  private readonly meshMax: number;
  private turns: ReadonlyMap<string, number> = new Map();
  private stalled = new Set<string>();
  /** Members the relay reported gone (GONE), and when: dropped once they are heard, or frames come, after it. */
  private readonly gone = new Map<string, number>();
  private readonly stallWatch = new StallWatch({ stallMs: STALL_MS, maxStallMs: STALL_MAX_MS, gapWindowMs: STALL_GAP_WINDOW_MS, holdMs: STALL_HOLD_MS, maxHoldMs: STALL_MAX_HOLD_MS, mediaFreshMs: STALL_MEDIA_FRESH_MS, mediaMemoryMs: STALL_MEDIA_MEMORY_MS, fastStallMs: STALL_FAST_MS, goneConfirmMs: STALL_GONE_CONFIRM_MS });
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly stallTimer: ReturnType<typeof setInterval>;
  private mode: CallMode = 'mesh';
  private stallChanges = 0;
  /** Turns kept through a presence that blinked or showed an older turn (keepTurns): debug. */
  private turnsKept = 0;
  private lastPingAt = -Infinity;
  private lastStallChangeAt = -Infinity;
  private disposed = false;

  constructor(
    private readonly host: LargeRoomHost,
    options: LargeRoomOptions,
  ) {
    const params = treeCallParams(options.link);
    this.meshMax = params.meshMax;
    this.tree = new TreeCall(
      {
        myId: host.myId,
        myJoinedAt: host.joinedAt,
        members: () =>
          host.verified().map((m) => {
            const turn = this.turns.get(m.peerId);
            return { id: m.peerId, joinedAt: m.joinedAt, ...(this.stalled.has(m.peerId) ? { stalled: true } : {}), ...(turn ? { turn } : {}), ...(m.camOn === undefined ? {} : { camOn: m.camOn }) };
          }),
        myTurn: () => this.turns.get(host.myId),
        send: (peerId, msg) => host.verified().some((m) => m.peerId === peerId) && host.send(peerId, msg),
        epoch: () => host.epoch(),
        localTracks: () => host.localTracks(),
        iceServers: host.iceServers,
        ...(host.iceTransportPolicy ? { iceTransportPolicy: host.iceTransportPolicy } : {}),
        // Strained: gaps raised the stall limit, or a stall judgement changed in the last
        // STALL_GAP_WINDOW_MS (the room is still settling who is there).
        strained: () => {
          const now = Date.now();
          return this.stallWatch.strained(now) || now - this.lastStallChangeAt < STALL_GAP_WINDOW_MS;
        },
        onChange: () => {
          const next = this.tree.currentMode;
          if (next !== this.mode) {
            this.mode = next;
            host.onModeChange(next);
          }
          host.onChange();
        },
      },
      { secret: options.secret, params },
    );
    this.timer = setInterval(() => this.heartbeat(), PING_MS);
    this.stallTimer = setInterval(() => this.checkStalls(), STALL_CHECK_MS);
  }

  /** Above this many people (us included) media goes over the tree. */
  get meshLimit(): number {
    return this.meshMax;
  }

  get currentMode(): CallMode {
    return this.tree.currentMode;
  }

  streamFor(peerId: string): MediaStream | null {
    return this.tree.streamFor(peerId);
  }

  /** The member forwarding `peerId`'s media to us, or null (see TreeCall.parentOf). */
  viaFor(peerId: string): string | null {
    return this.tree.parentOf(peerId);
  }

  hello(): TreeSignal {
    return this.tree.hello();
  }

  /** Re-plans from the current members (cheap, idempotent). */
  update(): void {
    this.tree.update();
  }

  onSignal(from: string, msg: TreeSignal): void {
    this.tree.onSignal(from, msg);
  }

  refreshTracks(): void {
    this.tree.refreshTracks();
  }

  async debug(): Promise<TreeDebug> {
    const d = await this.tree.debug();
    const s = this.stallWatch.stalls;
    return { ...d, churn: { ...d.churn, 'stall-changes': this.stallChanges, 'turns-kept': this.turnsKept, 'stall:silent': s.silent, 'stall:frames-stopped': s['frames-stopped'], 'stall:relay-gone': s['relay-gone'], 'stall-limit-ms': this.stallWatch.limit(Date.now()) } };
  }

  /** The relay lost `peerId`'s signalling socket: if nothing comes from it now, it is stalled at once (StallWatch). */
  reportedGone(peerId: string): void {
    if (!this.largeRoomMembers().some((m) => m.peerId === peerId)) return;
    const goneAt = Date.now();
    this.gone.set(peerId, goneAt);
    this.tree.note(`relay-gone ${peerId.slice(0, 4)}`);
    this.tree.primeStandby();
    // Judged on a look at the worker asked now (StallWatch): stalled at once if no frame had come
    // through it for STALL_GONE_CONFIRM_MS. A report quicker than that (0.11 s after a crash in
    // a quiet run) finds the last frames too recent to judge: looked at again once they would
    // be old enough, not at the next poll (up to 0.3 s later). A member that is not our parent
    // is judged STALL_GONE_CONFIRM_MS after the report.
    const look = () => this.tree.freshMedia().then(() => this.checkStalls());
    void look().then(() => {
      const frameAt = this.tree.mediaThrough(peerId)?.frameAt;
      if (this.disposed || this.gone.get(peerId) !== goneAt || this.stalled.has(peerId) || frameAt === undefined) return;
      setTimeout(() => void look(), Math.max(0, frameAt + STALL_GONE_CONFIRM_MS - Date.now()) + 5);
    });
    setTimeout(() => void look(), STALL_GONE_CONFIRM_MS + 5);
  }

  /** Speaking turns from shared presence (ours included): they decide the last N. A turn, once seen, stays while its member does (keepTurns). */
  setSpeakingTurns(seen: ReadonlyMap<string, number>): void {
    const present = new Set([this.host.myId, ...this.host.verified().map((m) => m.peerId)]);
    const turns = keepTurns(this.turns, seen, present);
    for (const id of turns.keys()) if (seen.get(id) !== turns.get(id)) this.turnsKept++;
    const same = turns.size === this.turns.size && [...turns].every(([id, t]) => this.turns.get(id) === t);
    if (same) return;
    this.turns = new Map(turns);
    this.tree.update();
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
    clearInterval(this.stallTimer);
    this.tree.dispose();
  }

  /**
   * Large rooms: frequent pings, so a member that goes quiet is noticed (checkStalls). Every
   * PING_MS up to 64 members; larger rooms beat slower and the stall limits follow (beat-pace.ts).
   */
  private heartbeat(): void {
    const now = Date.now();
    const members = this.largeRoomMembers();
    if (members.length === 0) return;
    const pace = beatPace(members.length + 1);
    this.stallWatch.pace(pace.stallMs, pace.maxStallMs);
    if (!beatDue(this.lastPingAt, now, pace.beatMs, PING_MS)) return;
    this.lastPingAt = now;
    this.host.ping(now);
  }

  /**
   * The verified members when the room is above the threshold, else none. Counting stalled
   * members too, so leaving one out cannot flip the mode back and forth.
   */
  private largeRoomMembers(): ReturnType<LargeRoomHost['verified']> {
    const verified = this.host.verified();
    return verified.length + 1 > this.meshMax ? verified : [];
  }

  /** Members that went quiet become leaves (or stop being). */
  private checkStalls(): void {
    if (this.disposed) return;
    const now = Date.now();
    const heard: HeardFrom[] = [];
    const members = this.largeRoomMembers();
    for (const { peerId, everConnected, lastHeardAt } of members) {
      const media = this.tree.mediaThrough(peerId);
      const mediaAt = media?.seenAt;
      // The report is judged on when the last frame came, never later than the truth (ParentMedia).
      const frameAt = media?.frameAt;
      const mediaAskedAt = media?.askedAt;
      let goneAt = this.gone.get(peerId);
      // Heard from well after the report, or frames through it still coming well after (not
      // just the last ones in flight): the page lives, and the report is spent. A message read
      // just after the report was sent before it: on a busy page a crashed member's last pings
      // were read up to 104 ms after its GONE, which voided the report, and those orphans
      // stalled it 0.7–0.9 s later by silence.
      if (goneAt !== undefined && (lastHeardAt > goneAt + STALL_GONE_CONFIRM_MS || (frameAt ?? -Infinity) > goneAt + STALL_GONE_CONFIRM_MS)) {
        this.tree.note(`relay-gone-spent ${peerId.slice(0, 4)} ${lastHeardAt > goneAt + STALL_GONE_CONFIRM_MS ? `heard +${lastHeardAt - goneAt}` : `frames +${(frameAt ?? 0) - goneAt}`}`);
        this.gone.delete(peerId);
        goneAt = undefined;
      }
      heard.push({
        peerId,
        everConnected,
        lastHeardAt,
        ...(mediaAt === undefined ? {} : { mediaAt }),
        ...(frameAt === undefined ? {} : { frameAt }),
        ...(mediaAskedAt === undefined ? {} : { mediaAskedAt }),
        ...(goneAt === undefined ? {} : { goneAt }),
      });
    }
    for (const id of this.gone.keys()) if (!members.some((m) => m.peerId === id)) this.gone.delete(id);
    const stalled = this.stallWatch.check(heard, now);
    if (sameMembers(stalled, this.stalled)) return;
    const fresh = [...stalled].some((id) => !this.stalled.has(id));
    this.stalled = stalled;
    this.stallChanges++;
    this.lastStallChangeAt = now;
    this.tree.note(`stalled [${[...stalled].map((id) => id.slice(0, 4)).join(' ')}]`);
    // A member newly down that the relay did not report (its network, not its socket, went).
    if (fresh) this.tree.primeStandby();
    this.tree.update();
  }
}
