/**
 * The relay tree inside a call (large rooms). Every member runs the planner on what it knows
 * (verified members, join times, declared uplinks) and holds, for each source the plan routes
 * to it, one forwarding link from that source's parent in the plan: the child offers, the
 * parent answers, both over the pair's verified control channel. A parent accepts any child
 * that is a verified member: who forwards what follows from the child's plan, and plans agree
 * once the members' views do (the planner is deterministic on the same input).
 *
 * Keys: the mesh stays up as a control-only mesh (data channels, no camera or mic; above
 * `controlMesh` members only to each page's overlay neighbours, with signals for anyone else
 * passed on by them: src/call/overlay-room.ts), so trust and the leader's epoch hand-outs work
 * as in a small room; the forward worker follows the call's epoch keys. Frames leave our
 * origin senders encrypted and forwarders pass ciphertext.
 */
import type { MediaKind } from '../e2ee/clear-prefix';
import { candidateSignal, type TreeSignal } from '../protocol/tree-messages';
import { randomBytes, toHex } from '../util/base64url';
import { ChildLinks, ends, type ChildLinkRow } from './child-links';
import { diffUpstream, layerEncoding, spareStalledSources, stageOf, treeStateFor, upstreamOf, videoTo, type CallMember, type HeldLink, type LinkDiff, type TreeCallParams, type VideoLayer } from './call-plan';
import { ForwardingNode } from './forwarding/forwarding-node';
import type { ForwarderCounters } from './forwarding/forwarder-core';
import { bindUpstream, openUpstream, prepareUpstream, type UpstreamLink } from './forwarding/tree-links';
import { LayerHold } from './layer-hold';
import { linkHealthy, MoveHold, type HeldLinkState } from './move-hold';
import { UpstreamMediaWatch } from './upstream-media-watch';
import { planTree } from './plan-tree';
import { openSelfLoop, SelfLoopKeeper } from './self-loop';
import { SpareUpstream } from './spare-upstream';
import { StandbyLinks } from './standby-links';
import { standbyParents } from './standby-plan';
import type { TreePlan } from './tree-types';

export type CallMode = 'mesh' | 'tree';

/** What the call engine lends the tree: members, the verified channels, keys and our tracks. */
export interface TreeCallPort {
  myId: string;
  myJoinedAt: number;
  /**
   * Verified members other than us; `stalled`: gone quiet, plan it as a leaf (it may not
   * forward); `turn`: its speaking turn from shared presence (who is active); `camOn`: false
   * when its state says the camera is off (no video source then), absent while not known.
   */
  members(): { id: string; joinedAt: number; stalled?: boolean; turn?: number; camOn?: boolean }[];
  /** Our own speaking turn, if we have spoken. */
  myTurn(): number | undefined;
  /** Sends on the verified control channel to `peerId`; false when there is none. */
  send(peerId: string, msg: TreeSignal): boolean;
  /** The call's current media epoch and its key (null: not known). */
  epoch(): { epoch: number; key: Uint8Array | null };
  /** What our origin senders carry (camera only while it is on). */
  localTracks(): Record<MediaKind, MediaStreamTrack | null>;
  iceServers: RTCIceServer[];
  /** 'relay' when the person joined with `relay=1`: tree links go through TURN like the mesh's. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** The mode or a source's stream changed. */
  onChange(): void;
  /**
   * The room is under strain (members heard after long gaps, or stall judgements changing):
   * no new standby links then, only the ones already made are kept (see syncStandby).
   */
  strained?(): boolean;
}

export interface TreeCallOptions {
  /** The link secret: epoch 0 of the forward worker's key schedule. */
  secret: string;
  params: TreeCallParams;
  /** Declared upload capacity (not measured yet). */
  uplinkKbps?: number;
}

/** What a page reports about its tree (debug and tests). */
export interface TreeLinkStats {
  link: string;
  source: string;
  parent: string;
  state: RTCPeerConnectionState;
  framesDecoded: number;
  /** Video frames assembled from packets, and key-frame requests sent (debug: where a first frame waits). */
  framesReceived: number;
  pliCount: number;
  /** Height of the last video frame decoded on this link (0: none yet): which layer arrives. */
  frameHeight: number;
  audioPacketsReceived: number;
  /**
   * When the video counts were taken (ms since the epoch; 0: none yet). A starved page answers
   * a debug call seconds late: this tells when `framesDecoded` was true, not when it was read.
   */
  statsAt: number;
}

export interface TreeDebug {
  mode: CallMode;
  members: string[];
  upstream: TreeLinkStats[];
  /** `sendDelayMs`, `fractionLost`, `cap`: per-branch layers' last sample of a link carrying copies. */
  downstream: ChildLinkRow[];
  counters: ForwarderCounters | null;
  /** Our encode-once loopback: not asked for, being set up, up (its connection state), or given up. */
  selfLoop: 'none' | 'pending' | 'failed' | RTCPeerConnectionState;
  /** Who is on stage (the most recent speaker among the video sources), and the layer we send. */
  stage: string | null;
  layer: VideoLayer;
  /** Sources whose link the plan moves to another parent, waiting (move-hold.ts): not settled yet. */
  movesHeld: string[];
  /** Links opened and closed since we joined, closes by reason: churn shows here. */
  churn: Record<string, number>;
  /** The last TIMELINE_MAX tree events with their time (`Date.now()`): where a repair's time goes. */
  timeline: { at: number; what: string }[];
}

const TIMELINE_MAX = 150;

/** A stats timestamp as ms since the epoch: Chromium gives epoch time, the spec time since `timeOrigin`. */
function epochMs(timestamp: number): number {
  if (!Number.isFinite(timestamp) || timestamp <= 0) return 0;
  return timestamp > 1e12 ? timestamp : performance.timeOrigin + timestamp;
}

/** A spare child end is made this long after the last was taken (SpareUpstream): in a quiet moment. */
const SPARE_DELAY_MS = 3000;
/** And renewed this often. */
const SPARE_MAX_AGE_MS = 60_000;
/** Standby links are re-worked this long after the last re-plan that moved links, and this often. */
const STANDBY_DELAY_MS = 4000;

interface Upstream extends HeldLink {
  id: string;
  openedAt: number;
  link: UpstreamLink | null;
  closed: boolean;
  /** Debug: when its first frame reached our worker (noted once in the timeline, `up-frames`). */
  firstFrameAt?: number;
}

const DEFAULT_UPLINK_KBPS = 4000;

const EPOCH_POLL_MS = 100;
/** How often each child link's congestion is sampled (per-branch layers, branch-layer-policy.ts). */
const BRANCH_POLL_MS = 1000;
/** How often we look whether frames still arrive through each parent (see mediaThrough). */
const MEDIA_POLL_MS = 200;
/**
 * A link the plan stops wanting is parked this long before it is closed: a plan that flips back
 * (a member judged stalled, then heard again) takes it up again instead of a new connection.
 */
const PARK_MS = 10_000;
/** A link not connected this long after its offer is dropped and asked for again. */
const LINK_TIMEOUT_MS = 15_000;
/** A standby link adopted while still connecting gets the rest of LINK_TIMEOUT_MS, at least this. */
const ADOPTED_MIN_WAIT_MS = 3000;
/**
 * A healthy link the plan moves to another parent waits this long (move-hold.ts). Longer than
 * a false stall's first hold (3 s in large-room.ts), so a judgement that flips back moves nothing.
 */
const MOVE_HOLD_MS = 8000;

function linkId(): string {
  return toHex(randomBytes(8));
}

export class TreeCall {
  private mode: CallMode = 'mesh';
  private plan: TreePlan | null = null;
  private node: ForwardingNode | null = null;
  private readonly hellos = new Map<string, { uplinkKbps: number; canForward: boolean }>();
  private readonly upstream = new Map<string, Upstream>();
  /** Our side as a parent: the links our children asked for. */
  private readonly children: ChildLinks;
  private readonly streams = new Map<string, MediaStream>();
  /**
   * We may forward others' media: the browser can, and we did not join with `relay=1`. A
   * member whose every link goes through TURN would carry each child's copy through the relay
   * too, at the relay operator's cost and under its rate limit (tree-branch-layers.spec: the
   * plan made the TURN-limited member another page's parent, and those links through TURN
   * never connected). Such a member is planned as a leaf.
   */
  private readonly canForward: boolean;
  private keyChain: Promise<void> = Promise.resolve();
  /** Our encode-once loopback (self-loop.ts). */
  private readonly selfLoop = new SelfLoopKeeper(
    () => openSelfLoop({ node: this.ensureNode(), myId: this.port.myId, tracks: this.port.localTracks(), limitVideo: (s) => this.limitVideo(s), wanted: () => this.loopWanted() }),
    () => this.loopWanted(),
  );
  /** A child end made ahead of need (spare-upstream.ts). */
  private readonly spare = new SpareUpstream({
    delayMs: SPARE_DELAY_MS,
    maxAgeMs: SPARE_MAX_AGE_MS,
    linkOptions: () => this.linkOptions(),
    wanted: () => this.loopWanted(),
    prepare: (o) => prepareUpstream(this.ensureNode(), o),
  });
  /** Ready-made links round each forwarder we depend on (standby-links.ts). */
  private readonly standby = new StandbyLinks({
    node: () => this.ensureNode(),
    send: (to, msg) => this.port.send(to, msg),
    linkOptions: () => this.linkOptions(),
    spare: () => this.spare.take(),
    count: (event, detail) => this.count(event, detail),
    note: (what) => this.note(what),
    newLinkId: () => linkId(),
  });
  private standbyTimer: ReturnType<typeof setTimeout> | null = null;
  /** The members of the last plan (standby links are planned from them). */
  private lastMembers: CallMember[] = [];
  private readonly churn: Record<string, number> = {};
  private readonly timeline: { at: number; what: string }[] = [];
  private stage: string | null = null;
  /** The layer our video senders send: the stage while we are the most recent speaker (held, see LayerHold). */
  private layer: VideoLayer = 'thumb';
  private readonly layerHold = new LayerHold();
  private layerTimer: ReturnType<typeof setTimeout> | null = null;
  /** Sender parameter changes, one at a time: two overlapping get/set pairs make the second fail. */
  private paramsChain: Promise<void> = Promise.resolve();
  private pushedEpoch = -1;
  private pushedKey: Uint8Array | null = null;
  private readonly epochTimer: ReturnType<typeof setInterval>;
  /** Whether frames still come through each parent (upstream-media-watch.ts), polled from the worker. */
  private readonly media = new UpstreamMediaWatch({
    node: () => (this.mode === 'tree' ? this.node : null),
    links: () => this.upstream.values(),
    note: (what) => this.note(what),
  });
  private readonly mediaTimer: ReturnType<typeof setInterval>;
  private readonly branchTimer: ReturnType<typeof setInterval>;
  /**
   * Links parked (PARK_MS), by link id. Making and closing connections blocks the main thread
   * on WebRTC's threads: profiled on one of eight pages on two cores, `close` took 3.2 s,
   * `addTransceiver` 1.6 s and the constructor 0.9 s of 20 s, and the late pings that caused
   * made other pages judge this one stalled, which re-planned and re-linked again.
   */
  private readonly parked = new Map<string, { up: Upstream; since: number }>();
  private readonly moveHold = new MoveHold(MOVE_HOLD_MS);
  private moveTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    private readonly port: TreeCallPort,
    private readonly options: TreeCallOptions,
  ) {
    this.canForward = ForwardingNode.canForward() && port.iceTransportPolicy !== 'relay';
    this.children = new ChildLinks({
      myId: this.port.myId,
      memberIds: () => new Set(this.port.members().map((m) => m.id)),
      send: (peerId, msg) => this.port.send(peerId, msg),
      localTracks: () => this.port.localTracks(),
      iceServers: this.port.iceServers,
      relayPolicy: () => this.relayPolicy(),
      ensureNode: () => this.ensureNode(),
      currentNode: () => this.node,
      ownLoop: () => this.selfLoop.ensure(),
      limitVideo: (sender) => this.limitVideo(sender),
      count: (event, detail) => this.count(event, detail),
      note: (what) => this.note(what),
      answerTook: (ms) => (this.churn['answer-ms-max'] = Math.max(this.churn['answer-ms-max'] ?? 0, ms)),
    });
    this.epochTimer = setInterval(() => this.followEpoch(), EPOCH_POLL_MS);
    this.mediaTimer = setInterval(() => {
      this.expireParked();
      void this.media.look();
    }, MEDIA_POLL_MS);
    this.branchTimer = setInterval(() => {
      if (this.mode === 'tree' && this.node) void this.children.pollBranches(this.node);
    }, BRANCH_POLL_MS);
  }

  /** When frames last arrived through `peerId` as one of our parents (UpstreamMediaWatch.through). */
  mediaThrough(peerId: string): { seenAt?: number; frameAt?: number; askedAt?: number } | undefined {
    return this.media.through(peerId);
  }

  /** A look at the worker's frame counts asked from now on (the relay's report is judged on it). */
  freshMedia(): Promise<void> {
    return this.media.fresh();
  }

  /**
   * A member went down (the relay's report, or a stall): children of ours on standby links may
   * resume any moment, so their first key frame is asked for now (ForwarderCore.primeStandby).
   */
  primeStandby(): void {
    const node = this.node;
    if (this.mode !== 'tree' || !node || !this.children.holdsStandby) return;
    void node.primeStandby().then(
      (n) => n > 0 && this.count('standby-prime'),
      () => undefined,
    );
  }

  get currentMode(): CallMode {
    return this.mode;
  }

  /** What we tell each verified peer once: the planner's input about us. */
  hello(): TreeSignal {
    return { t: 'tree', v: 1, kind: 'hello', uplinkKbps: this.options.uplinkKbps ?? DEFAULT_UPLINK_KBPS, canForward: this.canForward };
  }

  /** The stream a source's tile shows in tree mode (its newest link), or null. */
  streamFor(sourceId: string): MediaStream | null {
    return this.mode === 'tree' ? (this.streams.get(sourceId) ?? null) : null;
  }

  /**
   * Who forwards a source's media to us in tree mode (its parent on our newest link for it),
   * or null: in a mesh, when it sends to us directly, or while we hold no link for it.
   */
  parentOf(sourceId: string): string | null {
    if (this.mode !== 'tree') return null;
    let parent: string | null = null;
    for (const up of this.upstream.values()) if (up.source === sourceId && up.link && !up.closed) parent = up.parent;
    return parent === sourceId ? null : parent;
  }

  /** Re-plans from the engine's current view and opens or closes links to match. */
  update(): void {
    if (this.disposed) return;
    const members = this.callMembers();
    this.lastMembers = members;
    const ids = new Set(members.map((m) => m.id));
    for (const id of this.hellos.keys()) if (!ids.has(id)) this.hellos.delete(id);
    let plan: TreePlan | null = null;
    try {
      plan = planTree(treeStateFor(members, this.options.params));
    } catch (error) {
      console.warn('[tree] planning failed; staying in mesh', error);
    }
    this.plan = plan;
    this.followStage(members, plan);
    const mode: CallMode = plan?.mode === 'tree' ? 'tree' : 'mesh';
    const modeChanged = mode !== this.mode;
    this.mode = mode;
    if (mode === 'tree') {
      this.ensureNode();
      // A source starts its loopback as soon as the room is a tree, not on its first child's
      // offer: on a loaded machine the loop took up to 5 s to connect, and every child's answer
      // waited for it (answers took 5.5 s, children's links timed out and asked again).
      if (plan?.streams.some((st) => st.source === this.port.myId)) void this.selfLoop.ensure();
      this.spare.schedule();
    } else {
      this.selfLoop.close();
      this.spare.drop();
      this.standby.closeAll();
    }
    const stalled = new Set(this.port.members().filter((m) => m.stalled).map((m) => m.id));
    const planned = { wanted: plan ? upstreamOf(plan, this.port.myId) : new Map<string, string>(), video: plan ? videoTo(plan, this.port.myId) : new Set<string>() };
    const { wanted, video } = mode === 'tree' ? spareStalledSources(planned.wanted, planned.video, this.upstream.values(), stalled) : planned;
    const diff = this.holdMoves(diffUpstream(this.upstream, wanted, video), stalled);
    let streamsChanged = false;
    if (diff.close.length > 0 || diff.open.length > 0) this.count('relink');
    this.scheduleStandby(modeChanged || diff.close.length > 0 || diff.open.length > 0);
    for (const id of diff.close) streamsChanged = this.closeUpstream(id, true, 'plan') || streamsChanged;
    for (const want of diff.open) this.openUpstreamLink(want);
    // Back to a mesh: media goes on the mesh again, so parked links have nothing left to wait for.
    if (mode === 'mesh') for (const id of [...this.parked.keys()]) this.dropParked(id, true);
    // Children that left. Children still here close their own links when their plan moves on.
    this.children.keepOnly(ids);
    if (modeChanged || streamsChanged) this.port.onChange();
  }

  /** Healthy links the plan moves wait (move-hold.ts); the plan is looked at again when one is due. */
  private holdMoves(diff: LinkDiff<string>, stalled: ReadonlySet<string>): LinkDiff<string> {
    const now = Date.now();
    const held = new Map<string, HeldLinkState>();
    for (const [id, up] of this.upstream) {
      const health = { parentStalled: stalled.has(up.parent), state: up.link?.pc.connectionState ?? 'opening', openedAt: up.openedAt, mediaAt: this.media.lastFrom(up.parent) } as const;
      held.set(id, { ...up, healthy: linkHealthy(health, now) });
    }
    const out = this.moveHold.apply(diff, held, now);
    if (this.moveTimer) clearTimeout(this.moveTimer);
    this.moveTimer = null;
    for (const source of out.started) this.count('move-held', source.slice(0, 4));
    if (out.recheckAt !== null) {
      this.moveTimer = setTimeout(() => {
        this.moveTimer = null;
        this.update();
      }, out.recheckAt - now);
    }
    return out;
  }

  onSignal(from: string, msg: TreeSignal): void {
    if (this.disposed) return;
    switch (msg.kind) {
      case 'hello': {
        const before = this.hellos.get(from);
        this.hellos.set(from, { uplinkKbps: msg.uplinkKbps, canForward: msg.canForward });
        if (before?.uplinkKbps !== msg.uplinkKbps || before.canForward !== msg.canForward) this.update();
        return;
      }
      case 'offer':
        void this.children.answer(from, msg.link, msg.source, msg.sdp, msg.standby === true);
        return;
      case 'resume':
        this.children.resume(from, msg.link);
        return;
      case 'answer': {
        if (this.standby.answer(from, msg.link, msg.sdp)) return;
        const up = this.upstream.get(msg.link);
        if (!up || up.parent !== from || !up.link || up.closed) return;
        up.link.accept({ type: 'answer', sdp: msg.sdp }).catch((error: unknown) => {
          console.warn('[tree] answer refused', error);
          if (this.closeUpstream(up.id, true, 'answer-refused')) this.port.onChange();
        });
        return;
      }
      case 'candidate': {
        const c = { candidate: msg.candidate, sdpMid: msg.sdpMid, sdpMLineIndex: msg.sdpMLineIndex };
        const up = this.upstream.get(msg.link);
        if (up?.parent === from && up.link) up.link.addRemote(c);
        this.standby.candidate(from, msg.link, c);
        this.children.candidate(from, msg.link, c);
        return;
      }
      case 'close': {
        const up = this.upstream.get(msg.link);
        if (up?.parent === from) {
          // The parent refused or dropped us. The engine's next change (heartbeats: ≤ 2 s)
          // re-plans and asks again; asking at once could spin while our views differ.
          if (this.closeUpstream(up.id, false, 'parent-closed')) this.port.onChange();
        }
        if (this.parked.get(msg.link)?.up.parent === from) this.dropParked(msg.link, false);
        this.standby.closedBy(from, msg.link);
        this.children.closedBy(from, msg.link);
        return;
      }
    }
  }

  /** Our camera or mic changed: the origin senders carry the new tracks. */
  refreshTracks(): void {
    const tracks = this.port.localTracks();
    const carry = (senders: Partial<Record<MediaKind, RTCRtpSender>>) => {
      for (const kind of ['audio', 'video'] as const) {
        const sender = senders[kind];
        if (!sender || sender.track === tracks[kind]) continue;
        // A new camera may capture another size: the layer's scale is worked out from it.
        sender
          .replaceTrack(tracks[kind])
          .then(() => (kind === 'video' && tracks.video ? this.limitVideo(sender) : undefined))
          .catch(() => undefined);
      }
    };
    void this.selfLoop.current?.then((loop) => loop && carry(loop.down.senders));
    // Only links that encode themselves: the others carry placeholders, and a camera there
    // would start an encoder whose frames the forwarder discards.
    for (const senders of this.children.encodingSenders()) carry(senders);
  }

  async debug(): Promise<TreeDebug> {
    // Every link's stats and the worker's counters asked at once: the eight-page test polls this
    // on a loaded machine, where each getStats can take tens of milliseconds.
    const links = [...this.upstream.values()].flatMap((up) => (up.link ? [{ up, link: up.link }] : []));
    const countersRead = this.node ? this.node.counters().catch(() => null) : Promise.resolve(null);
    const reports = await Promise.all(links.map(({ link }) => link.pc.getStats()));
    const upstream: TreeLinkStats[] = links.map(({ up, link }, i) => {
      let framesDecoded = 0;
      let framesReceived = 0;
      let pliCount = 0;
      let frameHeight = 0;
      let audioPacketsReceived = 0;
      let statsAt = 0;
      reports[i]?.forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') {
          framesDecoded += Number(s.framesDecoded ?? 0);
          framesReceived += Number(s.framesReceived ?? 0);
          pliCount += Number(s.pliCount ?? 0);
          frameHeight = Math.max(frameHeight, Number(s.frameHeight ?? 0));
          statsAt = Math.max(statsAt, epochMs(Number(s.timestamp ?? 0)));
        }
        if (s.kind === 'audio') audioPacketsReceived += Number(s.packetsReceived ?? 0);
      });
      return { link: up.id, source: up.source, parent: up.parent, state: link.pc.connectionState, framesDecoded, framesReceived, pliCount, frameHeight, audioPacketsReceived, statsAt };
    });
    const downstream = this.children.rows();
    const counters = await countersRead;
    return { mode: this.mode, members: this.plan?.members ?? [], upstream, downstream, counters, selfLoop: this.selfLoop.state, movesHeld: this.moveHold.waiting(), churn: { ...this.churn }, timeline: [...this.timeline], stage: this.stage, layer: this.layer };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.epochTimer);
    clearInterval(this.mediaTimer);
    clearInterval(this.branchTimer);
    if (this.layerTimer) clearTimeout(this.layerTimer);
    if (this.moveTimer) clearTimeout(this.moveTimer);
    for (const id of [...this.upstream.keys()]) this.closeUpstream(id, true, 'dispose');
    for (const id of [...this.parked.keys()]) this.dropParked(id, true);
    this.children.dispose();
    this.selfLoop.close();
    this.spare.dispose();
    this.standby.closeAll();
    if (this.standbyTimer) clearTimeout(this.standbyTimer);
    this.node?.dispose();
  }

  private callMembers(): CallMember[] {
    const myTurn = this.port.myTurn();
    // Our camera is on while a camera track goes out (the state the others plan with says the same).
    const me: CallMember = { id: this.port.myId, joinedAt: this.port.myJoinedAt, uplinkKbps: this.options.uplinkKbps ?? DEFAULT_UPLINK_KBPS, canForward: this.canForward, camOn: this.port.localTracks().video !== null, ...(myTurn ? { turn: myTurn } : {}) };
    // A member that has not said hello (yet) is planned as a leaf: it may not forward.
    const others = this.port.members().map((m) => {
      const base: CallMember = { id: m.id, joinedAt: m.joinedAt, uplinkKbps: 0, canForward: false, ...this.hellos.get(m.id), ...(m.turn ? { turn: m.turn } : {}), ...(m.camOn === undefined ? {} : { camOn: m.camOn }) };
      return m.stalled ? { ...base, canForward: false } : base;
    });
    return [me, ...others];
  }

  /**
   * Who is on stage now, and our layer: when it changes, our video senders (the loopback's, or
   * each child's when there is no loop) switch resolution, frame rate and bitrate in place. The
   * links stay: forwarders pass whatever ciphertext arrives, and the new size starts on a key
   * frame the encoder makes for it.
   */
  private followStage(members: readonly CallMember[], plan: TreePlan | null): void {
    const sources = new Set(plan?.streams.filter((st) => st.kind === 'video').map((st) => st.source) ?? []);
    this.stage = plan?.mode === 'tree' ? stageOf(members, sources) : null;
    this.reviewLayer();
  }

  private reviewLayer(): void {
    if (this.disposed) return;
    const step = this.layerHold.next(this.stage === this.port.myId ? 'stage' : 'thumb', Date.now());
    if (this.layerTimer) clearTimeout(this.layerTimer);
    this.layerTimer = null;
    if (step.recheckAt !== null) {
      this.layerTimer = setTimeout(() => {
        this.layerTimer = null;
        this.reviewLayer();
      }, step.recheckAt - Date.now());
    }
    const layer = step.layer;
    if (layer === this.layer) return;
    this.layer = layer;
    this.count(`layer:${layer}`);
    void this.selfLoop.current?.then((loop) => loop?.down.senders.video && this.limitVideo(loop.down.senders.video));
    for (const senders of this.children.encodingSenders()) if (senders.video) void this.limitVideo(senders.video);
  }

  private ensureNode(): ForwardingNode {
    if (this.node) return this.node;
    const node = new ForwardingNode();
    this.node = node;
    this.keyChain = this.keyChain.then(() => node.setRoomSecret(this.options.secret)).catch((error: unknown) => console.warn('[tree] key failed', error));
    this.pushedEpoch = 0;
    this.pushedKey = null;
    this.followEpoch();
    return node;
  }

  /**
   * Installs the call's newer epoch keys in the forward worker, in order; also a new key for
   * the same epoch (two minters, one number: the room settled on the other key).
   */
  private followEpoch(): void {
    const node = this.node;
    if (!node) return;
    const { epoch, key } = this.port.epoch();
    if (!key || epoch === 0 || epoch < this.pushedEpoch || (epoch === this.pushedEpoch && key === this.pushedKey)) return;
    this.pushedEpoch = epoch;
    this.pushedKey = key;
    this.keyChain = this.keyChain.then(() => node.setEpoch(epoch, key)).catch((error: unknown) => console.warn('[tree] epoch failed', error));
  }

  /** Records a tree event in the debug timeline (bounded). */
  note(what: string): void {
    this.timeline.push({ at: Date.now(), what });
    if (this.timeline.length > TIMELINE_MAX) this.timeline.shift();
  }

  private count(event: string, detail?: string): void {
    this.note(detail ? `${event} ${detail}` : event);
    this.churn[event] = (this.churn[event] ?? 0) + 1;
  }

  /** `up` carries `link` from now on: its tile's stream, and what happens when it fails. */
  private watchUpstream(up: Upstream, link: UpstreamLink): void {
    up.link = link;
    link.pc.addEventListener('connectionstatechange', () => {
      // 'closed' here means the parent closed its end (Chromium reports its DTLS close).
      const state = link.pc.connectionState;
      if (state === 'connected') this.note(`up-connected ${ends(up.parent, up.source)}`);
      if ((state !== 'failed' && state !== 'closed') || up.closed) return;
      if (this.parked.has(up.id)) {
        this.dropParked(up.id, true);
        return;
      }
      this.closeUpstream(up.id, true, `up-${state}`);
      this.update();
    });
    const { audio, video } = link.receivers;
    this.streams.set(up.source, new MediaStream(video ? [audio.track, video.track] : [audio.track]));
  }

  /** Our standby link for `want` (connected, or still connecting) takes over (standby-links.ts); false when there is none. */
  private adoptStandby(want: HeldLink): boolean {
    const s = this.standby.take(want);
    const link = s?.link;
    if (!s || !link) return false;
    const up: Upstream = { source: s.source, parent: s.parent, ...(s.video === undefined ? {} : { video: s.video }), id: s.id, openedAt: Date.now(), link: null, closed: false };
    this.upstream.set(up.id, up);
    this.media.forget(up.parent);
    this.watchUpstream(up, link);
    const connecting = link.pc.connectionState !== 'connected';
    this.count('up-standby', `${ends(up.parent, up.source)}${connecting ? ' connecting' : ''}`);
    if (!this.port.send(up.parent, { t: 'tree', v: 1, kind: 'resume', link: up.id })) this.closeUpstream(up.id, false, 'no-channel');
    else if (connecting) {
      // As a new link's: one that never connects is given up, and the next update asks again.
      setTimeout(() => {
        if (!up.closed && link.pc.connectionState !== 'connected' && this.closeUpstream(up.id, true, 'timeout')) this.port.onChange();
      }, Math.max(ADOPTED_MIN_WAIT_MS, LINK_TIMEOUT_MS - (Date.now() - s.openedAt)));
    }
    this.port.onChange();
    return true;
  }

  /**
   * Standby links follow the plan, re-worked in quiet moments: STANDBY_DELAY_MS after the last
   * re-plan that moved links (`restart`), and then every STANDBY_DELAY_MS while nothing moves.
   */
  private scheduleStandby(restart: boolean): void {
    if (this.disposed || (this.standbyTimer && !restart)) return;
    if (this.standbyTimer) clearTimeout(this.standbyTimer);
    this.standbyTimer = setTimeout(() => {
      this.standbyTimer = null;
      this.syncStandby();
      this.scheduleStandby(false);
    }, STANDBY_DELAY_MS);
  }

  private syncStandby(): void {
    if (this.disposed || this.mode !== 'tree') return;
    const current = new Map<string, string>();
    for (const up of this.upstream.values()) {
      // Not while a link of ours is still connecting: that is no quiet moment.
      if (up.link?.pc.connectionState !== 'connected') return;
      current.set(up.source, up.parent);
    }
    const stalled = new Set(this.port.members().filter((m) => m.stalled).map((m) => m.id));
    // No standby round a parent already judged stalled: the plan is moving off it anyway.
    for (const [source, parent] of [...current]) if (stalled.has(parent)) current.delete(source);
    const want = standbyParents(this.lastMembers, this.options.params, this.port.myId, current);
    // A strained room gets no new standby links: each is a connection to set up (ICE, DTLS,
    // an answer from a busy parent), and on a 2-core VM where pages' main threads were starved
    // for seconds they tipped the eight-page room over (it never formed; without them it did).
    const strained = this.port.strained?.() === true;
    if (strained && [...want.values()].some((w) => !this.standby.holds(w))) this.count('standby-skip:strained');
    this.standby.sync(want, { openNew: !strained });
  }

  private openUpstreamLink(want: HeldLink): void {
    if (this.revive(want) || this.adoptStandby(want)) return;
    this.count('up-open', ends(want.parent, want.source));
    const node = this.ensureNode();
    const up: Upstream = { ...want, id: linkId(), openedAt: Date.now(), link: null, closed: false };
    this.upstream.set(up.id, up);
    // Frames through this parent are judged afresh: an older link's last frame says nothing
    // about one still connecting (StallWatch would read it as frames that stopped).
    this.media.forget(up.parent);
    const video = want.video ?? true;
    const prepared = video ? this.spare.take() : null;
    if (prepared) this.count('up-spare');
    const opening = prepared ? Promise.resolve().then(() => bindUpstream(node, up.source, prepared)) : openUpstream(node, up.source, { ...this.linkOptions(), video, trickle: true });
    opening.then(
      (link) => {
        if (up.closed) {
          link.pc.close();
          return;
        }
        this.watchUpstream(up, link);
        this.note(`up-offer ${ends(up.parent, up.source)}`);
        if (!this.port.send(up.parent, { t: 'tree', v: 1, kind: 'offer', link: up.id, source: up.source, sdp: link.offer.sdp ?? '' })) {
          this.closeUpstream(up.id, false, 'no-channel');
        } else link.trickle((c) => !up.closed && this.port.send(up.parent, candidateSignal(up.id, c)));
        // An offer that was lost, or a parent that never connects: give up, the next update asks again.
        setTimeout(() => {
          if (!up.closed && link.pc.connectionState !== 'connected' && this.closeUpstream(up.id, true, 'timeout')) this.port.onChange();
        }, LINK_TIMEOUT_MS);
        this.port.onChange();
      },
      (error: unknown) => {
        console.warn('[tree] could not open a link', error);
        this.upstream.delete(up.id);
      },
    );
  }

  /**
   * A parked link that matches `want` goes back to work (no new connection); false when there is
   * none. Of two that match, the one parked last: it was delivering most recently.
   */
  private revive(want: HeldLink): boolean {
    for (const [id, p] of [...this.parked].reverse()) {
      const link = p.up.link;
      if (p.up.source !== want.source || p.up.parent !== want.parent || (p.up.video ?? true) !== (want.video ?? true)) continue;
      if (!link || link.pc.connectionState !== 'connected') continue;
      this.parked.delete(id);
      this.upstream.set(id, p.up);
      this.count('up-revive');
      const { audio, video } = link.receivers;
      this.streams.set(p.up.source, new MediaStream(video ? [audio.track, video.track] : [audio.track]));
      this.port.onChange();
      return true;
    }
    return false;
  }

  /** Closes one parked link whose time is up per call (each close blocks the main thread). */
  private expireParked(): void {
    const now = Date.now();
    for (const [id, p] of this.parked) {
      if (now - p.since < PARK_MS) continue;
      this.dropParked(id, true);
      return;
    }
  }

  private dropParked(id: string, tell: boolean): void {
    const p = this.parked.get(id);
    if (!p) return;
    this.parked.delete(id);
    this.count('up-close:parked');
    p.up.closed = true;
    p.up.link?.pc.close();
    if (tell) this.port.send(p.up.parent, { t: 'tree', v: 1, kind: 'close', link: id });
  }

  /** Returns whether a tile's stream went away. */
  private closeUpstream(id: string, tell: boolean, why: string): boolean {
    const up = this.upstream.get(id);
    if (!up) return false;
    this.upstream.delete(id);
    if (why === 'plan' && up.link?.pc.connectionState === 'connected') {
      // Parked, not closed (see `parked`); its stream leaves the tile as a closed link's does.
      this.count('up-park');
      this.parked.set(id, { up, since: Date.now() });
    } else {
      this.count(`up-close:${why}`);
      up.closed = true;
      up.link?.pc.close();
      if (tell) this.port.send(up.parent, { t: 'tree', v: 1, kind: 'close', link: id });
    }
    const stream = this.streams.get(up.source);
    if (up.link && stream?.getTracks().includes(up.link.receivers.audio.track)) {
      this.streams.delete(up.source);
      return true;
    }
    return false;
  }

  private loopWanted(): boolean {
    return !this.disposed && this.mode === 'tree';
  }

  /** The ICE settings every tree link of ours is made with. */
  private linkOptions(): { iceServers: RTCIceServer[]; iceTransportPolicy?: RTCIceTransportPolicy } {
    return { iceServers: this.port.iceServers, ...this.relayPolicy() };
  }

  private relayPolicy(): { iceTransportPolicy?: RTCIceTransportPolicy } {
    return this.port.iceTransportPolicy ? { iceTransportPolicy: this.port.iceTransportPolicy } : {};
  }

  /** Our own video on tree links at our current layer (TREE_LAYERS in call-plan.ts). */
  private limitVideo(sender: RTCRtpSender): Promise<void> {
    const apply = async () => {
      const p = sender.getParameters();
      const enc = p.encodings[0];
      if (!enc) return;
      const want = layerEncoding(this.options.params.quality, this.layer, sender.track?.getSettings().height);
      const mode = (enc as { scalabilityMode?: string }).scalabilityMode;
      if (enc.scaleResolutionDownBy === want.scaleResolutionDownBy && enc.maxFramerate === want.maxFramerate && enc.maxBitrate === want.maxBitrate && mode === want.scalabilityMode) return;
      Object.assign(enc, want);
      await sender.setParameters(p).catch((error: unknown) => console.warn('[tree] send parameters refused', error));
    };
    this.paramsChain = this.paramsChain.then(apply, apply);
    return this.paramsChain;
  }
}
