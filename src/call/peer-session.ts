/**
 * One RTCPeerConnection to one remote participant. Perfect negotiation (the responder is
 * polite), tracks added at creation so frame transforms attach before the remote's description
 * is applied, a negotiated control data channel for names/state/heartbeats, a second one for
 * the room doc (binary, see src/room-state/doc-sync.ts), and ICE restarts when the path fails.
 * The connection itself comes from a SessionKit: a fresh one, or the call's spare.
 */
import { parseControl, type ControlMessage, type NegotiationPayload, type PeerState } from '../protocol/mesh-messages';
import { Emitter, type Unsubscribe } from '../util/emitter';
import { markOnce } from '../util/mark-once';
import { SEND_SLOTS, type FrameTransformHook, type SendSlot } from './send-slots';
import { setTuned, type SessionKit } from './session-kit';

/** SDP edits the session applies: to the description it sets locally, and to the one it sends. */
export interface SdpPolicy {
  local(sdp: string): string;
  outgoing(sdp: string): string;
}

export type SessionPhase = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface PeerSessionOptions {
  myId: string;
  remoteId: string;
  sid: string;
  initiator: boolean;
  /**
   * The connection: built for this session, or the call's spare built ahead of time (then
   * possibly with older tracks, and its offer already made).
   */
  kit: SessionKit;
  /** The track to send per slot now (`null`: nothing); the kit's senders are brought to it. */
  tracks: Record<SendSlot, MediaStreamTrack | null>;
  sdp?: SdpPolicy;
  sendSignal: (payload: NegotiationPayload) => void;
  /** Names the sender of the kit's receivers in the E2EE worker. */
  transforms?: FrameTransformHook;
}

type Events = {
  phase: SessionPhase;
  /** The control channel opened: the moment to tell the peer who we are. */
  open: void;
  /** Both descriptions are applied (first negotiation): DTLS fingerprints are known. */
  described: void;
  control: ControlMessage;
  /** A frame of the room doc (binary), from the doc channel. */
  doc: Uint8Array;
  /** The doc channel opened or closed. */
  docOpen: boolean;
};

/** Doc frames are not queued without bound: past this the peer is not reading (step 1 repairs). */
const MAX_DOC_BUFFERED_BYTES = 8 * 1024 * 1024;

const MAX_ICE_RESTARTS = 3;

/** Control messages held until the channel opens; the oldest go first when it overflows. */
const MAX_CONTROL_BACKLOG = 32;

export class PeerSession {
  readonly remoteId: string;
  readonly sid: string;
  readonly initiator: boolean;
  /** Names this connection's senders in the E2EE worker (held until the peer is verified). */
  readonly link: string;
  readonly pc: RTCPeerConnection;
  readonly remoteStream: MediaStream;
  /** The remote screen share (video, and audio when shared); shown when their state says so. */
  readonly remoteScreenStream: MediaStream;
  private readonly control: RTCDataChannel;
  private readonly docChannel: RTCDataChannel;
  private readonly events = new Emitter<Events>();
  private readonly transceivers: ReadonlyMap<SendSlot, RTCRtpTransceiver>;
  /** setParameters calls per sender, one at a time (a second call mid-flight is refused). */
  private readonly paramChains = new Map<SendSlot, Promise<void>>();
  private makingOffer = false;
  private ignoreOffer = false;
  private answeredOnce: boolean;
  private iceRestarts = 0;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private currentPhase: SessionPhase = 'connecting';
  private readonly pendingCandidates: NegotiationPayload[] = [];
  private readonly controlBacklog: ControlMessage[] = [];
  private readonly heldCandidates: NegotiationPayload[] = [];
  private descriptionSent = false;
  private isDescribed = false;
  lastHeardAt = Date.now();
  everConnected = false;

  constructor(private readonly opts: PeerSessionOptions) {
    this.remoteId = opts.remoteId;
    this.sid = opts.sid;
    this.initiator = opts.initiator;
    this.answeredOnce = opts.initiator;
    const kit = opts.kit;
    this.link = kit.link;
    this.pc = kit.pc;
    this.transceivers = kit.transceivers;
    this.remoteStream = kit.remoteStream;
    this.remoteScreenStream = kit.remoteScreenStream;
    this.control = kit.control;
    this.control.onmessage = (ev) => {
      const msg = parseControl(ev.data);
      if (!msg) return;
      this.lastHeardAt = Date.now();
      this.events.emit('control', msg);
    };
    this.control.onopen = () => {
      this.lastHeardAt = Date.now();
      for (const msg of this.controlBacklog.splice(0)) this.sendControl(msg);
      markOnce('channel-open');
      this.events.emit('open', undefined);
      this.updatePhase();
    };
    this.control.onclose = () => this.updatePhase();
    this.docChannel = kit.docChannel;
    this.docChannel.onmessage = (ev: MessageEvent<unknown>) => {
      if (ev.data instanceof ArrayBuffer) this.events.emit('doc', new Uint8Array(ev.data));
    };
    this.docChannel.onopen = () => this.events.emit('docOpen', true);
    this.docChannel.onclose = () => this.events.emit('docOpen', false);
    // The receivers decrypt as this remote, named now that we know who it is.
    opts.transforms?.bindReceivers(kit.receiverTokens, opts.remoteId);
    for (const slot of SEND_SLOTS) void this.setTrack(slot, opts.tracks[slot]);

    // Candidates the spare gathered wait for our first description like any others.
    for (const c of kit.takeCandidates()) this.heldCandidates.push({ v: 1, sid: this.sid, candidate: c as { candidate: string } | null });
    this.pc.onnegotiationneeded = () => void this.negotiate();
    this.pc.onicecandidate = ({ candidate }) => {
      const payload: NegotiationPayload = { v: 1, sid: this.sid, candidate: candidate ? candidate.toJSON() as { candidate: string } : null };
      // Candidates can be gathered before our first description has gone out; sent first, they
      // reach a peer with no session for this sid yet and are dropped there (then ICE never starts).
      if (this.descriptionSent) this.opts.sendSignal(payload);
      else if (this.heldCandidates.length < 64) this.heldCandidates.push(payload);
    };
    this.pc.onconnectionstatechange = () => this.onConnectionState();
    // The initiator's first offer starts now, not on 'negotiationneeded' (a task later, after
    // whatever the page does next: the new tile's render came first, bench/join); a spare's is
    // ready or on its way.
    if (!this.initiator) return;
    // A spare's offer that is ready goes out now, in this task: before the page renders the
    // new tile (an await would let that run first).
    if (kit.offerReady && !this.sendPreparedOffer()) void this.negotiate();
    else if (!kit.offerReady) void this.firstOffer(kit.offer);
  }

  private sendPreparedOffer(): boolean {
    const local = this.pc.localDescription;
    if (local?.type !== 'offer' || this.pc.signalingState !== 'have-local-offer') return false;
    markOnce('offer-from-spare');
    this.sendDescription({ type: 'offer', sdp: this.outgoing(local.sdp) });
    return true;
  }

  private async firstOffer(ready: Promise<boolean> | null): Promise<void> {
    if (!ready) return this.negotiate();
    this.makingOffer = true;
    const ok = await ready;
    this.makingOffer = false;
    if (this.currentPhase === 'closed') return;
    if (!ok || !this.sendPreparedOffer()) await this.negotiate();
  }

  /** The control channel's readyState (diagnostics). */
  get controlState(): RTCDataChannelState {
    return this.control.readyState;
  }

  /** Both descriptions are set: what is left of the handshake (ICE, DTLS) runs off this thread. */
  get described(): boolean {
    return this.isDescribed;
  }

  get phase(): SessionPhase {
    return this.currentPhase;
  }

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  /**
   * Sends on the control channel. Before it opens, messages wait (bounded) and go out in
   * order on 'open': a key hand-out sent the moment a peer is verified over signalling
   * must not be lost because DTLS/SCTP is a few milliseconds behind.
   */
  sendControl(msg: ControlMessage): boolean {
    if (this.control.readyState === 'connecting') {
      if (msg.t === 'ping') return false; // liveness probes are worthless late
      if (this.controlBacklog.length >= MAX_CONTROL_BACKLOG) this.controlBacklog.shift();
      this.controlBacklog.push(msg);
      return true;
    }
    if (this.control.readyState !== 'open') return false;
    try {
      this.control.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  get docOpen(): boolean {
    return this.docChannel.readyState === 'open';
  }

  /** Sends a room-doc frame; false when the channel is not open or the peer is not reading. */
  sendDoc(frame: Uint8Array): boolean {
    if (this.docChannel.readyState !== 'open' || this.docChannel.bufferedAmount > MAX_DOC_BUFFERED_BYTES) return false;
    try {
      this.docChannel.send(frame as Uint8Array<ArrayBuffer>);
      return true;
    } catch {
      return false;
    }
  }

  sendState(state: PeerState): boolean {
    return this.sendControl({ t: 'state', state });
  }

  async setTrack(slot: SendSlot, track: MediaStreamTrack | null): Promise<void> {
    const sender = this.transceivers.get(slot)?.sender;
    if (sender && sender.track !== track) await sender.replaceTrack(track);
  }

  sender(slot: SendSlot): RTCRtpSender | null {
    return this.transceivers.get(slot)?.sender ?? null;
  }

  /** The receiver of one slot (the remote's screen video, say), for stats. */
  receiver(slot: SendSlot): RTCRtpReceiver | null {
    return this.transceivers.get(slot)?.receiver ?? null;
  }

  /**
   * Applies send parameters (bitrate, scale, frame rate) built from the sender's current ones;
   * calls on one sender are queued because setParameters refuses overlapping transactions.
   */
  setSendParameters(slot: SendSlot, build: (current: RTCRtpSendParameters) => RTCRtpSendParameters): Promise<void> {
    const sender = this.sender(slot);
    if (!sender) return Promise.resolve();
    const next = (this.paramChains.get(slot) ?? Promise.resolve())
      .then(async () => {
        if (this.currentPhase === 'closed') return;
        try {
          await sender.setParameters(build(sender.getParameters()));
        } catch {
          // Chromium can drop the parameters it handed out (a negotiation in between): once more, fresh.
          await sender.setParameters(build(sender.getParameters()));
        }
      })
      .catch((err: unknown) => console.warn(`setParameters(${slot}) failed`, err));
    this.paramChains.set(slot, next);
    return next;
  }

  /** Audio-only mode: video transceivers neither send nor receive (a renegotiation follows by itself). */
  setVideoOff(off: boolean): void {
    for (const slot of ['video', 'screen-video'] as const) {
      const t = this.transceivers.get(slot);
      const direction: RTCRtpTransceiverDirection = off ? 'inactive' : 'sendrecv';
      if (t && t.direction !== direction && this.currentPhase !== 'closed') t.direction = direction;
    }
  }

  /** Sends a fresh offer (the receive cap lives in the SDP we send). The first offer is the initiator's. */
  renegotiate(): void {
    void this.negotiate();
  }

  async handleSignal(payload: NegotiationPayload): Promise<void> {
    if (payload.sid !== this.sid || this.currentPhase === 'closed') return;
    try {
      if ('description' in payload) {
        const desc = payload.description;
        const polite = !this.initiator;
        const collision = desc.type === 'offer' && (this.makingOffer || this.pc.signalingState !== 'stable');
        this.ignoreOffer = !polite && collision;
        if (this.ignoreOffer) return;
        markOnce(`${desc.type}-received`);
        await this.pc.setRemoteDescription(desc);
        if (desc.type === 'offer') {
          await this.setLocal(await this.pc.createAnswer());
          this.answeredOnce = true;
          const local = this.pc.localDescription;
          if (local) this.sendDescription({ type: 'answer', sdp: this.outgoing(local.sdp) });
        }
        if (!this.isDescribed && this.pc.localDescription && this.pc.remoteDescription) {
          this.isDescribed = true;
          this.events.emit('described', undefined);
        }
        // Candidates that raced ahead of their description.
        const queued = this.pendingCandidates.splice(0);
        for (const c of queued) await this.handleSignal(c);
      } else if ('candidate' in payload) {
        if (!this.pc.remoteDescription) {
          if (this.pendingCandidates.length < 64) this.pendingCandidates.push(payload);
          return;
        }
        try {
          await this.pc.addIceCandidate(payload.candidate ?? undefined);
        } catch (err) {
          if (!this.ignoreOffer) console.warn('ignored bad ICE candidate', err);
        }
      }
    } catch (err) {
      console.warn('negotiation step failed', err);
    }
  }

  /**
   * Ends the connection. `bye: false` when we are not leaving, only dropping the connection (a
   * large room's control overlay moved on): the peer must not take it as our goodbye.
   */
  close(opts: { bye?: boolean } = {}): void {
    if (this.currentPhase === 'closed') return;
    if (opts.bye !== false) this.sendControl({ t: 'bye' });
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.setPhase('closed');
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.events.clear();
  }

  private async negotiate(): Promise<void> {
    // The responder waits for the initiator's first offer: an offer of its own would only
    // collide with it.
    // One offer at a time: 'negotiationneeded' fires again once we are back to stable if needed.
    if (!this.answeredOnce || this.makingOffer || this.currentPhase === 'closed') return;
    try {
      this.makingOffer = true;
      markOnce('negotiation-needed');
      const offer = await this.pc.createOffer();
      // A remote offer was applied while we were creating ours: it wins, ours is stale.
      if (this.pc.signalingState !== 'stable') return;
      await this.setLocal(offer);
      const local = this.pc.localDescription;
      if (local && local.type === 'offer') this.sendDescription({ type: 'offer', sdp: this.outgoing(local.sdp) });
    } catch (err) {
      console.warn('could not create offer', err);
    } finally {
      this.makingOffer = false;
    }
  }

  /** Sends a description, then any candidates that were gathered before it. */
  private sendDescription(description: { type: 'offer' | 'answer'; sdp: string }): void {
    markOnce(`${description.type}-sent`);
    this.opts.sendSignal({ v: 1, sid: this.sid, description });
    this.descriptionSent = true;
    for (const c of this.heldCandidates.splice(0)) this.opts.sendSignal(c);
  }

  /** Sets our description with the SDP policy applied (Opus FEC/DTX). */
  private setLocal(desc: RTCSessionDescriptionInit): Promise<void> {
    return setTuned(this.pc, desc, this.opts.sdp?.local);
  }

  private outgoing(sdp: string): string {
    return this.opts.sdp ? this.opts.sdp.outgoing(sdp) : sdp;
  }

  private onConnectionState(): void {
    const state = this.pc.connectionState;
    if (state === 'connected') {
      this.everConnected = true;
      this.iceRestarts = 0;
    }
    if (state === 'failed' && this.initiator && this.iceRestarts < MAX_ICE_RESTARTS) {
      // The initiator restarts ICE (a new offer); a path may open through TURN or a new interface.
      this.iceRestarts++;
      this.restartTimer = setTimeout(() => this.pc.restartIce(), 500 * this.iceRestarts);
    }
    this.updatePhase();
  }

  private updatePhase(): void {
    if (this.currentPhase === 'closed') return;
    const state = this.pc.connectionState;
    if (state === 'connected') this.setPhase('connected');
    else if (state === 'failed') this.setPhase('failed');
    else if (state === 'disconnected') this.setPhase('reconnecting');
    else if (this.everConnected) this.setPhase('reconnecting');
    else this.setPhase('connecting');
  }

  private setPhase(phase: SessionPhase): void {
    if (phase === this.currentPhase) return;
    this.currentPhase = phase;
    this.events.emit('phase', phase);
  }
}
