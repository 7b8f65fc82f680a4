/**
 * One RTCPeerConnection to one remote participant. Perfect negotiation (the responder is
 * polite), tracks added at creation so frame transforms attach before any description is
 * applied, a negotiated control data channel for names/state/heartbeats, a second one for the
 * room doc (binary, see src/room-state/doc-sync.ts), and ICE restarts when the path fails.
 */
import { parseControl, type ControlMessage, type NegotiationPayload, type PeerState } from '../protocol/mesh-messages';
import { Emitter, type Unsubscribe } from '../util/emitter';
import { preferVideoCodecs } from './codec-preferences';
import { markOnce } from '../util/mark-once';

export type MediaKind = 'audio' | 'video';

/**
 * What a sender carries. Camera and microphone, plus the screen share's video and (tab or
 * system) audio on transceivers of their own, created up front like the others so their
 * transforms are attached before any description: starting a share is then replaceTrack only.
 */
export type SendSlot = MediaKind | 'screen-audio' | 'screen-video';
/** Creation order: both sides add them in this order so a remote offer's m-lines map onto them. */
export const SEND_SLOTS: readonly SendSlot[] = ['audio', 'video', 'screen-audio', 'screen-video'];

export function slotKind(slot: SendSlot): MediaKind {
  return slot === 'audio' || slot === 'screen-audio' ? 'audio' : 'video';
}

/** SDP edits the session applies: to the description it sets locally, and to the one it sends. */
export interface SdpPolicy {
  local(sdp: string): string;
  outgoing(sdp: string): string;
}

/** Where end-to-end encryption hooks in: called for every sender/receiver before negotiation. */
export interface FrameTransformHook {
  /** `link` names the connection, so its senders can be held until the peer is verified. */
  attachSender(sender: RTCRtpSender, kind: MediaKind, link: string): void;
  attachReceiver(receiver: RTCRtpReceiver, kind: MediaKind, remoteId: string): void;
}

export type SessionPhase = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface PeerSessionOptions {
  myId: string;
  remoteId: string;
  sid: string;
  initiator: boolean;
  rtcConfig: RTCConfiguration;
  localStream: MediaStream;
  /** The track to send per slot; `null` sends nothing (a placeholder creates the transceiver). */
  tracks: Record<SendSlot, MediaStreamTrack | null>;
  /** Video transceivers start inactive (audio-only mode). */
  videoOff?: boolean;
  sdp?: SdpPolicy;
  placeholder: (kind: MediaKind) => MediaStreamTrack;
  sendSignal: (payload: NegotiationPayload) => void;
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
  readonly pc: RTCPeerConnection;
  readonly remoteStream: MediaStream;
  /** The remote screen share (video, and audio when shared); shown when their state says so. */
  readonly remoteScreenStream: MediaStream;
  private readonly control: RTCDataChannel;
  private readonly docChannel: RTCDataChannel;
  private readonly events = new Emitter<Events>();
  private readonly transceivers = new Map<SendSlot, RTCRtpTransceiver>();
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
  private described = false;
  lastHeardAt = Date.now();
  everConnected = false;

  constructor(private readonly opts: PeerSessionOptions) {
    this.remoteId = opts.remoteId;
    this.sid = opts.sid;
    this.initiator = opts.initiator;
    this.answeredOnce = opts.initiator;
    this.pc = new RTCPeerConnection(opts.rtcConfig);
    // Negotiated channel: both sides create it up front, nothing to wait for in ondatachannel.
    this.control = this.pc.createDataChannel('control', { negotiated: true, id: 0, ordered: true });
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
    // The room doc rides the same connection on its own channel (one SCTP stream, no new
    // connection): it replaced y-webrtc's mesh, a second connection per pair.
    this.docChannel = this.pc.createDataChannel('doc', { negotiated: true, id: 1, ordered: true });
    this.docChannel.binaryType = 'arraybuffer';
    this.docChannel.onmessage = (ev: MessageEvent<unknown>) => {
      if (ev.data instanceof ArrayBuffer) this.events.emit('doc', new Uint8Array(ev.data));
    };
    this.docChannel.onopen = () => this.events.emit('docOpen', true);
    this.docChannel.onclose = () => this.events.emit('docOpen', false);

    const receiverTracks: MediaStreamTrack[] = [];
    const screenTracks: MediaStreamTrack[] = [];
    const screenStream = new MediaStream();
    // addTrack, not addTransceiver: only addTrack's transceivers are reused by a remote offer.
    for (const slot of SEND_SLOTS) {
      const kind = slotKind(slot);
      const track = opts.tracks[slot] ?? opts.placeholder(kind);
      const sender = this.pc.addTrack(track, slot.startsWith('screen') ? screenStream : opts.localStream);
      const transceiver = this.pc.getTransceivers().find((t) => t.sender === sender);
      if (transceiver) this.transceivers.set(slot, transceiver);
      if (kind === 'video' && transceiver && typeof RTCRtpReceiver.getCapabilities === 'function') {
        const caps = RTCRtpReceiver.getCapabilities('video');
        if (caps) {
          try {
            transceiver.setCodecPreferences(preferVideoCodecs(caps.codecs));
          } catch {
            // Older browsers: keep their default order.
          }
        }
      }
      if (transceiver) {
        opts.transforms?.attachSender(sender, kind, opts.sid);
        opts.transforms?.attachReceiver(transceiver.receiver, kind, opts.remoteId);
        (slot.startsWith('screen') ? screenTracks : receiverTracks).push(transceiver.receiver.track);
        if (kind === 'video' && opts.videoOff) transceiver.direction = 'inactive';
      }
    }
    // Only once all four exist: addTrack reuses a transceiver whose sender has no track, so
    // clearing one earlier would fold the screen slots onto the camera's transceivers.
    for (const slot of SEND_SLOTS) if (!opts.tracks[slot]) void this.transceivers.get(slot)?.sender.replaceTrack(null);
    this.remoteStream = new MediaStream(receiverTracks);
    this.remoteScreenStream = new MediaStream(screenTracks);

    this.pc.onnegotiationneeded = () => void this.negotiate();
    this.pc.onicecandidate = ({ candidate }) => {
      const payload: NegotiationPayload = { v: 1, sid: this.sid, candidate: candidate ? candidate.toJSON() as { candidate: string } : null };
      // Candidates can be gathered before our first description has gone out; sent first, they
      // reach a peer with no session for this sid yet and are dropped there (then ICE never starts).
      if (this.descriptionSent) this.opts.sendSignal(payload);
      else if (this.heldCandidates.length < 64) this.heldCandidates.push(payload);
    };
    this.pc.onconnectionstatechange = () => this.onConnectionState();
  }

  /** The control channel's readyState (diagnostics). */
  get controlState(): RTCDataChannelState {
    return this.control.readyState;
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
        if (!this.described && this.pc.localDescription && this.pc.remoteDescription) {
          this.described = true;
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

  close(): void {
    if (this.currentPhase === 'closed') return;
    this.sendControl({ t: 'bye' });
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
    if (!this.answeredOnce || this.currentPhase === 'closed') return;
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

  /**
   * Sets our description with the SDP policy applied (Opus FEC/DTX). Should the browser
   * refuse the edited text, the description goes in as created: a call without our Opus
   * tuning beats no call.
   */
  private async setLocal(desc: RTCSessionDescriptionInit): Promise<void> {
    const sdp = desc.sdp ?? '';
    const tuned = this.opts.sdp ? this.opts.sdp.local(sdp) : sdp;
    if (tuned === sdp) {
      await this.pc.setLocalDescription(desc);
      return;
    }
    try {
      await this.pc.setLocalDescription({ type: desc.type, sdp: tuned });
    } catch (err) {
      console.warn('edited local description refused; using it unedited', err);
      await this.pc.setLocalDescription(desc);
    }
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
