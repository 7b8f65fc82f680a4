/**
 * The call engine: joins a room, keeps one PeerSession per admitted participant (full
 * mesh; in a large room above `controlMesh` members, per control-overlay neighbour:
 * overlay-room.ts), and exposes what the UI shows. Presence travels over the relay's pub/sub
 * route, negotiation over its PeerJS route, names and mic/camera state over the pairs' own
 * DTLS data channels (the relay never sees them).
 */
import { parseNegotiation, parsePresence, type ControlMessage, type PeerState, type PresenceMessage } from '../protocol/mesh-messages';
import type { PeerjsSignaling } from '../signaling/peerjs-signaling';
import type { PresenceChannel } from '../signaling/presence-channel';
import { openCallSignaling, type CallSignaling } from './call-signaling';
import { SignalOutbox } from './signal-outbox';
import { randomBytes, toHex } from '../util/base64url';
import { Emitter, type Unsubscribe } from '../util/emitter';
import type { CallSecurity, PeerTrust } from './call-security';
import type { LocalMedia } from './local-media';
import { admitted, isInitiator, type Member } from './membership';
import { PeerSession, type SessionPhase } from './peer-session';
import { SEND_SLOTS, type FrameTransformHook } from './send-slots';
import { placeholderTrack } from './placeholder-tracks';
import { DocLinks } from './doc-links';
import { applySendSettings, kitShape, localTracks, sdpPolicy } from './send-settings';
import { SessionKit } from './session-kit';
import { SpareConnection } from './spare-connection';
import { WARM_UP_MS } from '../media/send-encodings';
import { sdpFingerprint } from './sdp-fingerprint';
import { TrustKeeper } from './trust-keeper';
import { LargeRoom, type RoomMember } from './large-room';
import type { HeardMember } from './overlay-flood';
import { OverlayRoom } from './overlay-room';
import { DEFAULT_CONTROL_OVERLAY } from '../tree/control-overlay';
import { ANNOUNCE_EVERY_MS, announcePace, CONNECT_TIMEOUT_MS, GONE_CONFIRM_MS, iceAlive, judgeGoneReport, judgeSession } from './peer-liveness';
import { beatDue } from '../tree/beat-pace';

import { markOnce } from '../util/mark-once';
import type { CallMode, TreeDebug } from '../tree/tree-call';
import type { DocTransport } from '../room-state/doc-sync';

export type SignalingState = 'connecting' | 'online' | 'offline';

export interface ParticipantView {
  peerId: string;
  name: string;
  micOn: boolean;
  camOn: boolean;
  phase: SessionPhase;
  stream: MediaStream | null;
  /** Sharing a screen (their state says so): `screenStream` is shown as a tile of its own. */
  screenOn: boolean;
  screenStream: MediaStream | null;
  /** Set when we cannot reach this person: shown on their tile. */
  problem: string | null;
  joinedAt: number;
  /** Has this person proven they hold the room key on this connection? */
  trust: PeerTrust;
  /** What the tile says about encryption. */
  e2ee: 'encrypted' | 'not-verified' | 'decrypt-errors' | 'off';
  /** Large rooms: the member whose page forwards this person's media to us (null: direct). */
  via: string | null;
}

export interface CallEngineOptions {
  relayBase: string;
  roomTopic: string;
  rtcConfig: RTCConfiguration;
  maxParticipants: number;
  media: LocalMedia;
  /**
   * Resolves when the camera/microphone have been opened (or refused). Signalling connects
   * while the devices start; we announce ourselves and build connections only after, so
   * every connection starts with real tracks.
   */
  mediaReady?: Promise<unknown>;
  displayName: string;
  /** Access token for relays that require one (link parameter `jwt=`). */
  jwt?: string;
  /** Sockets the page opened early (see call-signaling); the engine opens its own otherwise. */
  signaling?: CallSignaling;
  /** Our participant id (random per page load); generated when absent. */
  myId?: string;
  /** End-to-end security (verification, frame encryption, epochs). */
  security?: CallSecurity;
  transforms?: FrameTransformHook;
  /** Clock and timers are injectable for tests; defaults are the real ones. */
  now?: () => number;
  /** Large rooms: above `meshMax` members media goes over the relay tree (needs `security`). */
  tree?: { secret: string; link: { meshMax?: number; lastN?: number; quality?: 'low'; controlMesh?: number } };
}

/** A private message from a verified peer (its pairwise channel: the relay never sees it). */
export interface IncomingDirectMessage {
  from: string;
  message: { t: 'dm'; id: string; text: string; at: number };
}

type Events = { change: void; dm: IncomingDirectMessage };

const HEARTBEAT_MS = 2000;

interface MemberRecord extends Member {
  lastSeen: number;
  state: PeerState | null;
}

/** Failed first connections (≈2 s of backoff) before we tell the person the relay is unreachable. */
const UNREACHABLE_AFTER_FAILURES = 3;

export class CallEngine {
  readonly myId: string;
  private readonly joinedAt: number;
  private readonly events = new Emitter<Events>();
  private readonly members = new Map<string, MemberRecord>();
  private readonly sessions = new Map<string, PeerSession>();
  /** Peers the relay reported gone (GONE), and when; dropped once heard from again. */
  private readonly goneReports = new Map<string, number>();
  private readonly sessionStarted = new Map<string, number>();
  private readonly peerjs: PeerjsSignaling;
  private readonly presence: PresenceChannel;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  /** When the periodic announce last went out (slower in large rooms: announcePace). */
  private lastPeriodicAnnounceAt = -Infinity;
  private readonly disposers: Unsubscribe[] = [];
  private name: string;
  private left = false;
  /** Signals are handled strictly in arrival order (a candidate never overtakes its offer). */
  private signalChain: Promise<void> = Promise.resolve();
  private readonly trust: TrustKeeper | null;
  private readonly large: LargeRoom | null;
  /** A connection built ahead of time for the next newcomer (spare-connection.ts). */
  private readonly spare: SpareConnection;
  /** Participants removed from this call: their announces and offers are refused. */
  private readonly banned = new Set<string>();
  private readonly rejectedSeen = new Map<string, { rejected: number; decrypted: number }>();
  /** Sessions opened and members dropped, by reason: how much a room churns (diagnostics, tests). */
  readonly churn: Record<string, number> = {};
  private readonly decryptErrors = new Set<string>();
  /** The room doc's link with each peer (doc channel open, the peer verified and keyed). */
  private readonly docLinks: DocLinks;
  /** Offers, answers and candidates to each peer; held while our PeerJS socket is down. */
  private readonly outbox: SignalOutbox;
  /**
   * Large rooms above `controlMesh` members: control connections to our overlay neighbours
   * only (src/tree/control-overlay.ts), and heartbeats and tree signals passed on by them.
   */
  private readonly overlay: OverlayRoom | null;
  private screenWasOn = false;
  private appliedSettings: LocalMedia['settings'];
  roomFull = false;
  signaling: SignalingState = 'connecting';
  /** True once signalling has been up at least once (to tell "can't reach" from "lost"). */
  everOnline = false;
  /** Connection attempts that failed before the relay was ever reached. */
  private failedFirstConnects = 0;

  constructor(private readonly opts: CallEngineOptions) {
    const now = opts.now ?? Date.now;
    this.myId = opts.myId ?? toHex(randomBytes(16));
    this.joinedAt = now();
    this.trust = opts.security
      ? new TrustKeeper(opts.security, {
          member: (id) => this.members.get(id),
          members: () => [...this.members.values()],
          me: () => this.me(),
          session: (id) => this.sessions.get(id),
          onVerified: (id) => this.onVerified(id),
          onChange: () => {
            // A key hand-out may release held doc links.
            this.docLinks.keysChanged();
            this.changed();
          },
          overlay: () => ({ others: this.overlay?.others() ?? [], passOn: this.overlay?.on ?? false }),
        })
      : null;
    this.docLinks = new DocLinks({
      connection: (id) => this.sessions.get(id),
      verified: (id) => !this.trust || this.trust.isVerified(id),
      keyed: (id) => !opts.security || opts.security.book.to.includes(id),
      passOn: () => this.overlay?.on ?? false,
    });
    this.large = opts.tree && this.trust ? this.makeLargeRoom(opts.tree) : null;
    this.overlay = opts.tree && this.large ? this.makeOverlay(opts.tree.link.controlMesh ?? DEFAULT_CONTROL_OVERLAY.fullMeshUpTo) : null;
    this.name = opts.displayName;
    this.appliedSettings = opts.media.settings;
    const sockets = opts.signaling ?? openCallSignaling(opts.relayBase, this.myId, opts.roomTopic, opts.jwt);
    this.peerjs = sockets.peerjs;
    this.outbox = new SignalOutbox(this.peerjs, (event) => this.count(event));
    this.presence = sockets.presence;
    this.spare = new SpareConnection(
      {
        allowed: () => !this.left && !this.roomFull,
        busy: () => [...this.sessions.values()].some((s) => s.phase === 'connecting'),
        shape: () => kitShape(this.opts.media),
        build: () => this.buildKit(),
        tune: (sdp) => sdpPolicy(this.opts.media).local(sdp),
        count: (event) => this.count(event),
      },
      now,
    );

    this.disposers.push(
      this.peerjs.on('signal', (s) => {
        this.signalChain = this.signalChain.then(() => this.onSignal(s.from, s.type, s.payload)).catch((err: unknown) => console.warn('signal failed', err));
      }),
      this.peerjs.on('status', () => {
        this.outbox.flush((id) => this.sessions.get(id)?.sid);
        this.updateSignaling();
      }),
      this.peerjs.on('expire', ({ peerId }) => this.onExpire(peerId)),
      this.peerjs.on('gone', ({ peerId }) => {
        if (this.sessions.get(peerId)?.everConnected) {
          this.goneReports.set(peerId, this.now());
          // Judged when the confirmation is due, not at the next heartbeat (up to 2 s later).
          // (A removal reconciles and tells the UI itself.)
          setTimeout(() => !this.left && this.checkGone(peerId, this.now()), GONE_CONFIRM_MS + 50);
        }
        this.large?.reportedGone(peerId);
      }),
      this.presence.on('status', (s) => {
        if (s === 'closed' && !this.everOnline) this.failedFirstConnects++;
        this.updateSignaling();
      }),
      this.presence.on('message', (m) => {
        const msg = parsePresence(m);
        if (msg) this.onPresence(msg);
      }),
      opts.media.on(() => this.onLocalMediaChange()),
      opts.media.onSettings(() => this.onSettingsChange()),
    );
    // Sockets opened early may be up already: their 'open' came before we listened.
    this.updateSignaling();
    // Offers are answered and connections opened without waiting for our camera and mic: the
    // other side's first picture needs neither. They go on when they open (onMediaReady).
    const ready = (opts.mediaReady ?? Promise.resolve()).catch(() => undefined);
    void ready.then(() => this.onMediaReady());
    this.timers.push(
      setInterval(() => this.heartbeat(), HEARTBEAT_MS),
      setInterval(() => this.periodicAnnounce(), ANNOUNCE_EVERY_MS),
    );
  }

  on(listener: () => void): Unsubscribe {
    return this.events.on('change', listener);
  }

  /** Private messages from verified peers; returns the disposer. */
  onDirectMessage(listener: (dm: IncomingDirectMessage) => void): Unsubscribe {
    return this.events.on('dm', listener);
  }

  /**
   * Sends a private message to one verified peer: on its own channel, or in a large room on the
   * control overlay sealed to its X25519 key and passed on by others. False when neither can.
   */
  sendDirectMessage(peerId: string, message: IncomingDirectMessage['message']): boolean {
    const session = this.sessions.get(peerId);
    if (session && (!this.trust || this.trust.isVerified(peerId))) return session.sendControl(message);
    return this.overlay?.sendDirect(peerId, message) ?? false;
  }

  /**
   * The room doc's links: each verified member's own connection, on a channel of its own
   * (src/room-state/doc-sync.ts). Nothing of the doc goes through the relay.
   */
  docTransport(): DocTransport {
    return this.docLinks.transport();
  }

  get displayName(): string {
    return this.name;
  }

  setDisplayName(name: string): void {
    this.name = name;
    this.broadcastState();
    this.changed();
  }

  /** Some connection has both descriptions set (a joining page's first offer is answered). */
  get negotiated(): boolean {
    for (const s of this.sessions.values()) if (s.described) return true;
    return false;
  }

  participants(): ParticipantView[] {
    const out: ParticipantView[] = [];
    for (const m of this.members.values()) {
      const session = this.sessions.get(m.peerId);
      const heard = this.overlay?.heard(m.peerId);
      if ((!session || !this.trust?.isVerified(m.peerId)) && heard) {
        out.push(this.overlayView(m, heard));
        continue;
      }
      if (!session) continue;
      const trust = this.trust ? this.trust.trust(m.peerId) : 'verified';
      out.push({
        peerId: m.peerId,
        // A peer's claims (its name, its state) are kept as they arrive (its proof may be
        // checked a moment later) but shown only once it is verified.
        name: trust === 'failed' ? 'Unverified participant' : trust === 'verified' ? m.state?.name || 'Guest' : 'Guest',
        micOn: trust === 'verified' ? (m.state?.micOn ?? false) : false,
        camOn: trust === 'verified' ? (m.state?.camOn ?? false) : false,
        phase: session.phase,
        stream: this.large?.streamFor(m.peerId) ?? session.remoteStream,
        screenOn: trust === 'verified' && m.state?.screen === true,
        screenStream: session.remoteScreenStream,
        problem: trust === 'failed' ? 'Not verified: this person could not prove they have the meeting link. Nothing is sent to them.' : this.problemFor(session),
        joinedAt: m.joinedAt,
        trust,
        e2ee: !this.opts.security?.controller ? 'off' : trust !== 'verified' ? 'not-verified' : this.decryptErrors.has(m.peerId) ? 'decrypt-errors' : 'encrypted',
        via: this.large?.viaFor(m.peerId) ?? null,
      });
    }
    return out.sort((a, b) => a.joinedAt - b.joinedAt || (a.peerId < b.peerId ? -1 : 1));
  }

  /** Control-overlay messages this page sent, passed on, delivered and dropped as repeats (diagnostics, tests). */
  overlayCounts(): Record<string, number> | null {
    return this.overlay ? { ...this.overlay.counts } : null;
  }

  /** Live sessions for diagnostics and tests (getStats per remote participant). */
  sessionsByPeer(): ReadonlyMap<string, PeerSession> {
    return this.sessions;
  }

  /**
   * Speaking turns from shared presence (ours included). In a large room they decide which
   * video sources the tree distributes (last N); a change re-plans.
   */
  setSpeakingTurns(turns: ReadonlyMap<string, number>): void {
    this.large?.setSpeakingTurns(turns);
  }

  /** Removes a participant from this call for good (moderation): refused from now on, and rekeyed away. */
  removeParticipant(peerId: string): void {
    if (peerId === this.myId) return;
    this.banned.add(peerId);
    this.removeMember(peerId, 'removed');
  }

  /**
   * Words everyone in the call sees alike when no one is being intercepted: over our verified
   * peers' DTLS fingerprints, ours, and on the control overlay the fingerprints of members we
   * hear only through the others, as they say (so every page derives them from the same set).
   */
  safetyWords(): string[] {
    if (!this.trust) return [];
    return this.trust.safetyWords(this.myFingerprint(), this.overlay?.fingerprints() ?? []);
  }

  /** Our DTLS fingerprint: one certificate for all our connections (CallSecurity). */
  private myFingerprint(): string | null {
    const anySession = [...this.sessions.values()][0];
    return sdpFingerprint(anySession?.pc.localDescription?.sdp) ?? null;
  }

  /** Is media end-to-end encrypted in this call? */
  get encrypted(): boolean {
    return !!this.opts.security?.controller;
  }

  get epoch(): number {
    return this.opts.security?.currentEpoch ?? 0;
  }

  /** A recent epoch's key (for keys derived from it, like moderation MACs), or null. */
  epochKey(epoch: number): Uint8Array | null {
    return this.opts.security?.epochKey(epoch) ?? null;
  }

  /** 'tree' while media goes over the relay tree (large rooms), else 'mesh'. */
  get mode(): CallMode {
    return this.large?.currentMode ?? 'mesh';
  }

  /** The tree's links and forwarding counters, for diagnostics and tests. */
  treeDebug(): Promise<TreeDebug | null> {
    return this.large ? this.large.debug() : Promise.resolve(null);
  }

  leave(): void {
    if (this.left) return;
    this.left = true;
    this.trust?.dispose();
    this.large?.dispose();
    this.spare.dispose();
    this.presence.publish({ v: 1, kind: 'bye', peerId: this.myId });
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
    this.docLinks.dispose();
    this.outbox.clear();
    for (const t of this.timers) clearInterval(t);
    for (const d of this.disposers) d();
    this.peerjs.close();
    this.presence.close();
    this.members.clear();
    this.changed();
    this.events.clear();
  }

  private me(): Member {
    return { peerId: this.myId, joinedAt: this.joinedAt };
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private changed(): void {
    // Every membership, trust or state change can move the tree: re-plan (cheap, idempotent).
    this.large?.update();
    this.events.emit('change', undefined);
  }

  /**
   * The relay has never answered after a few tries: the page says so and offers a retry
   * (once online, a lost relay is only a banner: the call goes on without it).
   */
  get relayUnreachable(): boolean {
    return !this.everOnline && this.failedFirstConnects >= UNREACHABLE_AFTER_FAILURES;
  }

  private updateSignaling(): void {
    const online = this.peerjs.isReady && this.presence.status === 'open';
    const next: SignalingState = online ? 'online' : this.everOnline ? 'offline' : 'connecting';
    if (online && !this.everOnline) markOnce('signaling-online');
    if (online) this.everOnline = true;
    if (next !== this.signaling) {
      // Both sockets up (first time, or back after the relay restarted): say we are here, and
      // ask everyone to answer. Only then can their offers reach our PeerJS id.
      if (online) this.announce(true);
      if (online) this.spare.online();
      else this.spare.offline();
      this.signaling = next;
      this.changed();
    }
  }

  private localState(): PeerState {
    const media = this.opts.media;
    return { name: this.name, micOn: media.micOn, camOn: media.camOn && !!media.videoTrack, ...(media.screen.active ? { screen: true } : {}) };
  }

  /**
   * Tells the room we are here. Not gated on our camera: peers' offers that arrive before it
   * wait in the signal chain, so the camera opening and their offer overlap (bench/join).
   */
  private announce(reply: boolean): void {
    if (this.left || this.roomFull) return;
    markOnce('announced');
    this.presence.publish({ v: 1, kind: 'announce', peerId: this.myId, joinedAt: this.joinedAt, reply, ...(reply ? { rt: true as const } : {}) });
  }

  /** The announce every ANNOUNCE_EVERY_MS, slower in rooms above 64 (announcePace). */
  private periodicAnnounce(): void {
    const now = this.now();
    if (!beatDue(this.lastPeriodicAnnounceAt, now, announcePace(this.members.size + 1).announceMs, ANNOUNCE_EVERY_MS)) return;
    this.lastPeriodicAnnounceAt = now;
    this.announce(false);
  }

  /** Our announce to one member that asked for answers on its reply topic. */
  private answer(peerId: string): void {
    if (this.left || this.roomFull) return;
    this.presence.publishTo(peerId, { v: 1, kind: 'announce', peerId: this.myId, joinedAt: this.joinedAt, reply: false });
  }

  private onPresence(msg: PresenceMessage): void {
    if (msg.peerId === this.myId || this.left || this.banned.has(msg.peerId)) return;
    if (msg.kind === 'bye') {
      this.removeMember(msg.peerId, 'bye');
      return;
    }
    const known = this.members.get(msg.peerId);
    if (known) {
      known.lastSeen = this.now();
      known.joinedAt = msg.joinedAt;
    } else {
      this.members.set(msg.peerId, { peerId: msg.peerId, joinedAt: msg.joinedAt, lastSeen: this.now(), state: null });
    }
    // Whoever asks for replies (a newcomer, or someone whose signalling came back) learns of us:
    // on its reply topic when it listens there, else (an older build) through the whole room.
    if (msg.reply) {
      if (msg.rt) this.answer(msg.peerId);
      else this.announce(false);
    }
    this.reconcile();
  }

  /** Applies the membership rules: who is admitted, to whom we connect, whether we are the overflow. */
  private reconcile(): void {
    if (this.left || this.roomFull) return;
    const everyone: Member[] = [this.me(), ...this.members.values()];
    const ok = admitted(everyone, this.opts.maxParticipants);
    if (!ok.has(this.myId)) {
      this.roomFull = true;
      this.leave();
      return;
    }
    // Large rooms above controlMesh: control connections to our overlay neighbours only. The
    // rest we hear through them; a connection someone else opened to us is kept until the
    // heartbeat prunes it (views of who is here may differ for a moment).
    this.overlay?.plan(ok);
    for (const m of this.members.values()) {
      if (!ok.has(m.peerId)) {
        this.closeSession(m.peerId);
        continue;
      }
      if (this.overlay && !this.overlay.wants(m.peerId)) continue;
      if (!this.sessions.has(m.peerId) && isInitiator(this.me(), m)) this.openSession(m.peerId, toHex(randomBytes(8)), true);
    }
    this.changed();
  }

  private openSession(peerId: string, sid: string, initiator: boolean): PeerSession {
    this.closeSession(peerId);
    const media = this.opts.media;
    const transforms = this.transforms();
    const session = new PeerSession({
      myId: this.myId,
      remoteId: peerId,
      sid,
      initiator,
      kit: this.spare.take(initiator) ?? this.buildKit(),
      tracks: this.sessionTracks(),
      sdp: sdpPolicy(media),
      sendSignal: (payload) => this.outbox.send(peerId, payload),
      ...(transforms ? { transforms } : {}),
    });
    const sendAuth = (auth: { proof: string; pub: string }) => this.outbox.send(peerId, { v: 1, sid, auth });
    session.on('described', () => {
      this.trust?.sendProof(session, 'signal', sendAuth);
      this.changed();
    });
    session.on('open', () => {
      if (this.trust) this.trust.sendProof(session, 'channel', sendAuth);
      // Verified over signalling before the channel opened: tell them who we are now.
      if (!this.trust || this.trust.isVerified(peerId)) session.sendState(this.localState());
    });
    session.on('docOpen', () => this.docLinks.update(peerId));
    session.on('doc', (frame) => {
      if (this.sessions.get(peerId) === session) this.docLinks.received(peerId, frame);
    });
    session.on('phase', (phase) => {
      if (phase === 'connected') markOnce('peer-connected');
      this.changed();
    });
    session.on('control', (msg) => {
      if (this.trust?.onControl(session, msg)) return;
      if (msg.t === 'tree') {
        if (this.trust?.isVerified(peerId)) this.large?.onSignal(peerId, msg);
        return;
      }
      if (msg.t === 'flood' || msg.t === 'beats' || msg.t === 'roster') {
        if (!this.trust?.isVerified(peerId)) return;
        if (msg.t === 'flood') this.overlay?.receive(peerId, msg);
        else if (msg.t === 'beats') this.overlay?.receiveBeats(msg.e);
        else this.overlay?.receiveRoster(msg.m);
        return;
      }
      const m = this.members.get(peerId);
      if (msg.t === 'state' && m) {
        m.state = msg.state;
        this.changed();
      } else if (msg.t === 'bye') {
        this.removeMember(peerId, 'bye');
      } else if (msg.t === 'dm' && (!this.trust || this.trust.isVerified(peerId))) {
        this.events.emit('dm', { from: peerId, message: msg });
      }
    });
    // Start small and go to full size once bandwidth estimation has ramped up (warmUpEncoding).
    void applySendSettings(session, media, { warmUp: true });
    setTimeout(() => {
      if (this.sessions.get(peerId) === session) void applySendSettings(session, media);
    }, WARM_UP_MS);
    this.sessions.set(peerId, session);
    this.count(initiator ? 'session-offer' : 'session-answer');
    markOnce('session-created');
    this.sessionStarted.set(peerId, this.now());
    return session;
  }

  private closeSession(peerId: string, bye = true): void {
    const s = this.sessions.get(peerId);
    if (!s) return;
    s.close({ bye });
    this.sessions.delete(peerId);
    this.sessionStarted.delete(peerId);
    this.goneReports.delete(peerId);
    this.outbox.forget(peerId);
    this.docLinks.update(peerId);
  }

  private onVerified(peerId: string): void {
    const session = this.sessions.get(peerId);
    if (!session) return;
    this.docLinks.holdForKey(peerId);
    // This member may tip the room into tree mode: decide before choosing the mesh tracks.
    this.large?.update();
    this.opts.security?.releaseLink(session.link);
    this.pushTracks(session);
    session.sendState(this.localState());
    if (this.large) session.sendControl(this.large.hello());
    this.overlay?.welcome(peerId);
    this.docLinks.update(peerId);
    this.changed();
  }

  private count(event: string): void {
    this.churn[event] = (this.churn[event] ?? 0) + 1;
  }

  private removeMember(peerId: string, reason: string): void {
    this.count(`member-gone:${reason}`);
    // Someone we only heard through the overlay: the leader's rekey would not see it go.
    if (this.overlay?.forget(peerId)) this.trust?.roomChanged();
    this.trust?.forget(peerId);
    this.closeSession(peerId);
    if (this.members.delete(peerId)) {
      this.reconcile();
      this.changed();
    }
  }

  private onSignal(from: string, type: string, raw: unknown): void {
    if (this.left || this.roomFull || this.banned.has(from)) return;
    if (type === 'LEAVE') {
      this.removeMember(from, 'leave');
      return;
    }
    const payload = parseNegotiation(raw);
    if (!payload) return;
    let session = this.sessions.get(from);
    // Both sides believing they initiate (views of join times briefly differ) is settled by
    // id: the session offered by the smaller id wins on both sides.
    const theirsWins = !session || session.sid === payload.sid || !session.initiator || (!session.everConnected && from < this.myId);
    if ('description' in payload && payload.description.type === 'offer' && theirsWins && (!session || session.sid !== payload.sid)) {
      // A new session from the initiator (first contact, or it rebuilt a dead one). The
      // offer may arrive before its sender's presence announce (e.g. after a relay restart).
      if (!this.members.has(from)) this.members.set(from, { peerId: from, joinedAt: this.now(), lastSeen: this.now(), state: null });
      const everyone: Member[] = [this.me(), ...this.members.values()];
      if (!admitted(everyone, this.opts.maxParticipants).has(from)) return;
      session = this.openSession(from, payload.sid, false);
      this.changed();
    }
    if (!session) return;
    if ('auth' in payload) {
      if (payload.sid === session.sid) this.trust?.receiveProof(session, payload.auth.proof, payload.auth.pub);
      return;
    }
    void session.handleSignal(payload);
  }

  private onExpire(peerId: string): void {
    // Our offer never reached them: they left before we could connect.
    this.count('expire');
    const s = this.sessions.get(peerId);
    if (s && !s.everConnected) this.removeMember(peerId, 'expire');
  }

  /**
   * A peer the relay reported gone (GONE) that said nothing in GONE_CONFIRM_MS since is removed;
   * one heard since keeps its place and the report is dropped (judgeGoneReport). True when it
   * was removed.
   */
  private checkGone(peerId: string, now: number): boolean {
    const session = this.sessions.get(peerId);
    if (!session) return false;
    const verdict = judgeGoneReport(this.goneReports.get(peerId), session.lastHeardAt, now, this.large?.currentMode === 'tree');
    if (verdict === 'heard-since' || verdict === 'gone') this.goneReports.delete(peerId);
    if (verdict !== 'gone') return false;
    // Its socket closed and it has not said a word since: its page is gone.
    this.removeMember(peerId, 'relay-gone');
    return true;
  }

  private heartbeat(): void {
    const now = this.now();
    const { presenceTimeoutMs } = announcePace(this.members.size + 1);
    const heard = [...this.sessions].filter(([, s]) => s.everConnected);
    const freshestOther = (peerId: string) => {
      let best: number | null = null;
      for (const [id, s] of heard) if (id !== peerId) best = Math.max(best ?? -Infinity, s.lastHeardAt);
      return best;
    };
    this.trust?.tick(now);
    void this.checkDecryptErrors();
    for (const [peerId, session] of this.sessions) {
      session.sendControl({ t: 'ping', at: now, ...this.trust?.pingFields() });
      // A mode switch racing a pending replaceTrack can leave a camera on a mesh sender: re-assert.
      if (this.large && this.trust?.isVerified(peerId)) this.pushTracks(session);
      if (this.overlay && !this.overlay.wants(peerId)) {
        // Not our overlay neighbour: dropped once it had time to settle, without a goodbye
        // (the member stays; we hear it through the others). Never judged silent meanwhile.
        if (this.overlay.prunable(peerId, this.sessionStarted.get(peerId) ?? now, now)) {
          this.count('overlay-prune');
          this.closeSession(peerId, false);
        }
        continue;
      }
      if (this.checkGone(peerId, now)) continue;
      const facts = { everConnected: session.everConnected, lastHeardAt: session.lastHeardAt, transportAlive: iceAlive(session.pc), initiator: session.initiator, failed: session.phase === 'failed', startedAt: this.sessionStarted.get(peerId) };
      const verdict = judgeSession(facts, this.members.get(peerId)?.lastSeen, now, freshestOther(peerId), presenceTimeoutMs);
      // Silent: dropped off the network; if it comes back, its announce starts a fresh session.
      if (verdict === 'silent' || verdict === 'never-connected') this.removeMember(peerId, verdict);
      else if (verdict === 'retry') {
        this.count('session-retry');
        this.openSession(peerId, toHex(randomBytes(8)), true);
      }
    }
    for (const [peerId, m] of this.members) {
      if (!this.sessions.has(peerId) && this.overlay?.wentSilent(peerId, now)) {
        this.removeMember(peerId, 'overlay-silent');
        continue;
      }
      if (!this.sessions.has(peerId) && now - m.lastSeen > presenceTimeoutMs) this.members.delete(peerId);
    }
    this.spare.tend();
    this.changed();
  }

  private problemFor(session: PeerSession): string | null {
    if (session.phase === 'failed') {
      return "Can't connect to this person: a firewall may block the direct path and no relay (TURN) path worked. Retrying…";
    }
    if (session.phase === 'reconnecting') return 'Connection lost: reconnecting…';
    const started = this.sessionStarted.get(session.remoteId) ?? this.now();
    if (session.phase === 'connecting' && this.now() - started > CONNECT_TIMEOUT_MS) {
      return "Still connecting: this person's network may block calls.";
    }
    return null;
  }

  /** The large room borrows verified members, their control channels, the epoch keys and our tracks. */
  private makeLargeRoom(tree: NonNullable<CallEngineOptions['tree']>): LargeRoom {
    return new LargeRoom(
      {
        myId: this.myId,
        joinedAt: this.joinedAt,
        verified: () => this.roomMembers(),
        send: (peerId, msg) => {
          const session = this.sessions.get(peerId);
          if (session && this.trust?.isVerified(peerId)) return session.sendControl(msg);
          return !!this.overlay?.sendTree(peerId, msg);
        },
        ping: (now) => {
          if (this.overlay?.on) {
            // One heartbeat reaches everyone through the overlay, our neighbours first-hand.
            const hello = this.large?.hello();
            this.overlay.heartbeat(this.joinedAt, this.localState(), hello?.kind === 'hello' ? { uplinkKbps: hello.uplinkKbps, canForward: hello.canForward } : { uplinkKbps: 0, canForward: false }, { fp: this.myFingerprint(), pub: this.opts.security?.publicKey ?? null });
            return;
          }
          for (const [peerId, session] of this.sessions) if (this.trust?.isVerified(peerId)) session.sendControl({ t: 'ping', at: now });
        },
        epoch: () => ({ epoch: this.epoch, key: this.epochKey(this.epoch) }),
        localTracks: () => {
          const t = localTracks(this.opts.media);
          return { audio: t.audio, video: t.video };
        },
        iceServers: this.opts.rtcConfig.iceServers ?? [],
        // relay=1: the person's address stays hidden on tree links too, not only on the mesh.
        ...(this.opts.rtcConfig.iceTransportPolicy ? { iceTransportPolicy: this.opts.rtcConfig.iceTransportPolicy } : {}),
        onModeChange: (mode) => {
          this.opts.media.setReleaseWhenMuted(mode === 'tree');
          for (const [peerId, s] of this.sessions) if (this.trust?.isVerified(peerId)) this.pushTracks(s);
        },
        onChange: () => this.events.emit('change', undefined),
      },
      tree,
    );
  }

  /** The control overlay of a large room (overlay-room.ts), lent our members, channels and trust. */
  private makeOverlay(controlMesh: number): OverlayRoom {
    return new OverlayRoom({
      myId: this.myId,
      controlMesh,
      channels: () => {
        const out: { peerId: string; send(msg: ControlMessage): boolean }[] = [];
        for (const [peerId, session] of this.sessions) {
          const state = session.controlState;
          if (this.trust?.isVerified(peerId) && (state === 'open' || state === 'connecting')) out.push({ peerId, send: (msg) => session.sendControl(msg) });
        }
        return out;
      },
      firstHand: (peerId) => this.sessions.has(peerId) && !!this.trust?.isVerified(peerId),
      member: (peerId) => (this.banned.has(peerId) ? undefined : this.members.get(peerId)),
      addMember: (peerId, joinedAt) => {
        if (this.left || this.banned.has(peerId)) return;
        this.members.set(peerId, { peerId, joinedAt, lastSeen: this.now(), state: null });
        this.reconcile();
      },
      seen: (peerId) => {
        const m = this.members.get(peerId);
        if (m) m.lastSeen = this.now();
      },
      sharing: () => this.opts.media.screen.active,
      rewire: () => this.reconcile(),
      onHello: (peerId, hello) => this.large?.onSignal(peerId, { t: 'tree', v: 1, kind: 'hello', ...hello }),
      onTree: (peerId, sig) => this.large?.onSignal(peerId, sig),
      ...(this.opts.security
        ? {
            seal: (json: string, to: string, key: string) => (this.opts.security as CallSecurity).sealMessage(json, to, key),
            open: (box: string, from: string, key: string) => (this.opts.security as CallSecurity).openMessage(box, from, key),
          }
        : {}),
      onDirect: (peerId, message) => {
        if (!this.left) this.events.emit('dm', { from: peerId, message });
      },
      roomChanged: () => this.trust?.roomChanged(),
      changed: () => this.changed(),
      now: () => this.now(),
    });
  }

  /** Every verified member for the large room: first-hand, or heard through the overlay. */
  private roomMembers(): RoomMember[] {
    const out: RoomMember[] = [];
    const now = this.now();
    for (const m of this.members.values()) {
      const session = this.sessions.get(m.peerId);
      const heard = this.overlay?.heard(m.peerId, now);
      const heardAt = heard?.lastHeardAt;
      const firstHand = !!session && !!this.trust?.isVerified(m.peerId);
      // Its camera as it last said, first-hand or else in its heartbeat over the overlay (a state
      // kept from a connection since pruned is stale): a camera that is off takes no place in
      // the last N (treeStateFor).
      const camOn = firstHand ? m.state?.camOn : heard?.state?.camOn;
      const cam = camOn === undefined ? {} : { camOn };
      if (session && firstHand) {
        out.push({ peerId: m.peerId, joinedAt: m.joinedAt, everConnected: session.everConnected, lastHeardAt: Math.max(session.lastHeardAt, heardAt ?? -Infinity), ...cam });
      } else if (heardAt !== undefined) {
        out.push({ peerId: m.peerId, joinedAt: m.joinedAt, everConnected: true, lastHeardAt: heardAt, ...cam });
      }
    }
    return out;
  }

  /** How a member we hear only through the overlay shows: its own word for name and state. */
  private overlayView(m: MemberRecord, heard: HeardMember): ParticipantView {
    const encrypted = !!this.opts.security?.controller;
    return {
      peerId: m.peerId,
      name: heard.state?.name || 'Guest',
      micOn: heard.state?.micOn ?? false,
      camOn: heard.state?.camOn ?? false,
      phase: 'connected',
      stream: this.large?.streamFor(m.peerId) ?? null,
      screenOn: false,
      screenStream: null,
      problem: null,
      joinedAt: m.joinedAt,
      trust: 'verified',
      e2ee: !encrypted ? 'off' : this.decryptErrors.has(m.peerId) ? 'decrypt-errors' : 'encrypted',
      via: this.large?.viaFor(m.peerId) ?? null,
    };
  }

  private onLocalMediaChange(): void {
    const screenOn = this.opts.media.screen.active;
    for (const [peerId, s] of this.sessions) {
      if (!this.sendsTo(peerId)) continue;
      this.pushTracks(s);
      // A share starting or stopping moves the send budget between camera and screen.
      if (screenOn !== this.screenWasOn) void applySendSettings(s, this.opts.media);
    }
    // On the control overlay a share needs a connection to everyone (OverlayRoom.wants).
    const rewire = screenOn !== this.screenWasOn && !!this.overlay?.on;
    this.screenWasOn = screenOn;
    if (rewire) this.reconcile();
    this.large?.refreshTracks();
    this.broadcastState();
    this.changed();
  }

  /**
   * Our camera and mic are open (their 'change' put them on the connections: onLocalMediaChange).
   * A connection made before then and still in its warm-up starts its camera small now: it had no
   * size to halve before.
   */
  private onMediaReady(): void {
    if (this.left) return;
    const now = this.now();
    for (const [peerId, s] of this.sessions) {
      if (now - (this.sessionStarted.get(peerId) ?? -Infinity) < WARM_UP_MS) void applySendSettings(s, this.opts.media, { warmUp: true });
    }
  }

  /**
   * Unverified connections carry our tracks too while the room fits the mesh and the E2EE worker
   * holds their frames until the peer verifies (the encoder warms up meanwhile).
   */
  private holdsUnverified(): boolean {
    return !!this.opts.security?.holdsUnverified && this.meshFits();
  }

  /** Does this connection carry our tracks now: its peer verified, or its frames held (holdsUnverified)? */
  private sendsTo(peerId: string): boolean {
    return !this.trust || this.trust.isVerified(peerId) || this.holdsUnverified();
  }

  /** replaceTrack on every slot: device switches, mute, screen share; never a renegotiation. */
  private pushTracks(session: PeerSession): void {
    const tracks = this.meshTracks();
    for (const slot of SEND_SLOTS) void session.setTrack(slot, tracks[slot]);
  }

  private meshFits(): boolean {
    return this.mode === 'mesh' && (!this.large || this.members.size + 1 <= this.large.meshLimit);
  }

  private meshTracks(): ReturnType<typeof localTracks> {
    const tracks = localTracks(this.opts.media);
    // In tree mode the camera and mic go over the tree; the mesh keeps control (and screens).
    if (this.mode === 'tree') Object.assign(tracks, { audio: null, video: null });
    return tracks;
  }

  /**
   * What a new connection sends. With verification on, nothing is sent until the peer proves
   * it holds the room key. With frame encryption the worker holds the frames (keeping the
   * encoder warm: a camera attached only after verification took ≈250 ms to its first frame,
   * measured by bench/join); without it the tracks wait. Only while the room fits the mesh: in
   * a large room every control connection would otherwise run a camera encoder until it verifies.
   */
  private sessionTracks(): ReturnType<typeof localTracks> {
    if (this.holdsUnverified()) return this.meshTracks();
    return this.trust ? { audio: null, video: null, 'screen-audio': null, 'screen-video': null } : localTracks(this.opts.media);
  }

  private rtcConfig(): RTCConfiguration {
    const security = this.opts.security;
    return security ? { ...this.opts.rtcConfig, certificates: security.certificates } : this.opts.rtcConfig;
  }

  private transforms(): FrameTransformHook | undefined {
    return this.opts.transforms ?? this.opts.security?.transforms();
  }

  /** A new connection, for a session or for the spare (spare-connection.ts). */
  private buildKit(): SessionKit {
    const media = this.opts.media;
    const transforms = this.transforms();
    return new SessionKit({
      rtcConfig: this.rtcConfig(),
      localStream: media.stream,
      tracks: this.sessionTracks(),
      videoOff: media.settings.audioOnly,
      placeholder: placeholderTrack,
      link: toHex(randomBytes(8)),
      ...(transforms ? { transforms } : {}),
    });
  }

  private onSettingsChange(): void {
    const s = this.opts.media.settings;
    const capChanged = s.receiveCapKbps !== this.appliedSettings.receiveCapKbps || s.music !== this.appliedSettings.music;
    for (const session of this.sessions.values()) {
      void applySendSettings(session, this.opts.media);
      session.setVideoOff(s.audioOnly);
      // The receive cap and the Opus parameters travel in the SDP: a new offer carries them.
      if (capChanged) session.renegotiate();
    }
    this.appliedSettings = s;
  }

  private broadcastState(): void {
    const state = this.localState();
    for (const [peerId, s] of this.sessions) if (!this.trust || this.trust.isVerified(peerId)) s.sendState(state);
  }

  /** A sender whose frames keep failing to decrypt is flagged on its tile. */
  private async checkDecryptErrors(): Promise<void> {
    const security = this.opts.security;
    if (!security?.controller) return;
    const counters = await security.counters();
    let changed = false;
    for (const peerId of this.sessions.keys()) {
      const c = counters[peerId];
      const rejected = c ? Object.values(c.rejected).reduce<number>((a, b) => a + (b ?? 0), 0) : 0;
      const decrypted = c?.decrypted ?? 0;
      const before = this.rejectedSeen.get(peerId) ?? { rejected: 0, decrypted: 0 };
      this.rejectedSeen.set(peerId, { rejected, decrypted });
      // Frames arrive but none decrypt: a wrong key, or someone sending in the clear.
      const failing = rejected - before.rejected > 10 && decrypted === before.decrypted;
      if (failing !== this.decryptErrors.has(peerId)) {
        if (failing) this.decryptErrors.add(peerId);
        else this.decryptErrors.delete(peerId);
        changed = true;
      }
    }
    if (changed) this.changed();
  }
}
