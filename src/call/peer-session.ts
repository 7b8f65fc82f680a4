/**
 * One RTCPeerConnection to one remote participant. Perfect negotiation (the responder is
 * polite), tracks added at creation so frame transforms attach before any description is
 * applied, a negotiated control data channel for names/state/heartbeats, and ICE restarts
 * when the path fails.
 */
import { parseControl, type ControlMessage, type NegotiationPayload, type PeerState } from '../protocol/mesh-messages';
import { Emitter, type Unsubscribe } from '../util/emitter';
import { preferVideoCodecs } from './codec-preferences';

export type MediaKind = 'audio' | 'video';

/** Where end-to-end encryption hooks in: called for every sender/receiver before negotiation. */
export interface FrameTransformHook {
  attachSender(sender: RTCRtpSender, kind: MediaKind): void;
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
  /** The track to send per kind; `null` sends nothing (a placeholder creates the transceiver). */
  tracks: Record<MediaKind, MediaStreamTrack | null>;
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
};

const MAX_ICE_RESTARTS = 3;

export class PeerSession {
  readonly remoteId: string;
  readonly sid: string;
  readonly initiator: boolean;
  readonly pc: RTCPeerConnection;
  readonly remoteStream: MediaStream;
  private readonly control: RTCDataChannel;
  private readonly events = new Emitter<Events>();
  private readonly senders = new Map<MediaKind, RTCRtpSender>();
  private makingOffer = false;
  private ignoreOffer = false;
  private answeredOnce: boolean;
  private iceRestarts = 0;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private currentPhase: SessionPhase = 'connecting';
  private readonly pendingCandidates: NegotiationPayload[] = [];
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
      this.events.emit('open', undefined);
      this.updatePhase();
    };
    this.control.onclose = () => this.updatePhase();

    const receiverTracks: MediaStreamTrack[] = [];
    for (const kind of ['audio', 'video'] as const) {
      const track = opts.tracks[kind] ?? opts.placeholder(kind);
      const sender = this.pc.addTrack(track, opts.localStream);
      this.senders.set(kind, sender);
      const transceiver = this.pc.getTransceivers().find((t) => t.sender === sender);
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
        opts.transforms?.attachSender(sender, kind);
        opts.transforms?.attachReceiver(transceiver.receiver, kind, opts.remoteId);
        receiverTracks.push(transceiver.receiver.track);
      }
      if (!opts.tracks[kind]) void sender.replaceTrack(null);
    }
    this.remoteStream = new MediaStream(receiverTracks);

    this.pc.onnegotiationneeded = () => void this.negotiate();
    this.pc.onicecandidate = ({ candidate }) => {
      this.opts.sendSignal({ v: 1, sid: this.sid, candidate: candidate ? candidate.toJSON() as { candidate: string } : null });
    };
    this.pc.onconnectionstatechange = () => this.onConnectionState();
  }

  get phase(): SessionPhase {
    return this.currentPhase;
  }

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  sendControl(msg: ControlMessage): boolean {
    if (this.control.readyState !== 'open') return false;
    try {
      this.control.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  sendState(state: PeerState): boolean {
    return this.sendControl({ t: 'state', state });
  }

  async setTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    const sender = this.senders.get(kind);
    if (sender && sender.track !== track) await sender.replaceTrack(track);
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
        await this.pc.setRemoteDescription(desc);
        if (desc.type === 'offer') {
          await this.pc.setLocalDescription();
          this.answeredOnce = true;
          const local = this.pc.localDescription;
          if (local) this.opts.sendSignal({ v: 1, sid: this.sid, description: { type: 'answer', sdp: local.sdp } });
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
      await this.pc.setLocalDescription();
      const local = this.pc.localDescription;
      if (local && local.type === 'offer') this.opts.sendSignal({ v: 1, sid: this.sid, description: { type: 'offer', sdp: local.sdp } });
    } catch (err) {
      console.warn('could not create offer', err);
    } finally {
      this.makingOffer = false;
    }
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
