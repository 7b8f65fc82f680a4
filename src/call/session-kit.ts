/**
 * The parts of a connection that do not depend on who is at the other end: the
 * RTCPeerConnection, its two negotiated data channels, one transceiver per send slot with
 * its codec order and sender transform, and (for a spare the call keeps ready) a local offer
 * with its ICE candidates already gathered.
 *
 * Built by the call for each new session, or ahead of time as its spare: a newcomer's announce
 * is then answered by sending an offer that already exists. Building one took 25–80 ms of main
 * thread and the offer 20–60 ms more, all between the announce and the offer (bench/join).
 */
import { preferVideoCodecs } from './codec-preferences';
import { SEND_SLOTS, slotKind, type FrameTransformHook, type MediaKind, type SendSlot } from './send-slots';

export interface SessionKitOptions {
  rtcConfig: RTCConfiguration;
  localStream: MediaStream;
  /** The track to send per slot; `null` sends nothing (a placeholder creates the transceiver). */
  tracks: Record<SendSlot, MediaStreamTrack | null>;
  /** Video transceivers start inactive (audio-only mode). */
  videoOff?: boolean;
  placeholder: (kind: MediaKind) => MediaStreamTrack;
  /** Names the connection's senders, so they can be held until the peer is verified. */
  link: string;
  transforms?: FrameTransformHook;
}

/** Candidates gathered before anyone asked for them; a loopback host gathers 2–6. */
const MAX_EARLY_CANDIDATES = 64;

export class SessionKit {
  readonly pc: RTCPeerConnection;
  readonly control: RTCDataChannel;
  readonly docChannel: RTCDataChannel;
  readonly transceivers = new Map<SendSlot, RTCRtpTransceiver>();
  readonly remoteStream: MediaStream;
  readonly remoteScreenStream: MediaStream;
  readonly link: string;
  /** The receivers' tokens in the E2EE worker: the session names their sender (bindReceivers). */
  readonly receiverTokens: string[] = [];
  /** Set by `preOffer`: resolves true once our offer is the local description. */
  offer: Promise<boolean> | null = null;
  /** The offer is made and set (known without waiting for a microtask). */
  offerReady = false;
  private candidates: (RTCIceCandidateInit | null)[] = [];
  private closed = false;

  constructor(opts: SessionKitOptions) {
    this.link = opts.link;
    this.pc = new RTCPeerConnection(opts.rtcConfig);
    // Negotiated channels: both sides create them up front, nothing to wait for in ondatachannel.
    this.control = this.pc.createDataChannel('control', { negotiated: true, id: 0, ordered: true });
    // The room doc rides the same connection on its own channel (one SCTP stream, no new
    // connection): it replaced y-webrtc's mesh, a second connection per pair.
    this.docChannel = this.pc.createDataChannel('doc', { negotiated: true, id: 1, ordered: true });
    this.docChannel.binaryType = 'arraybuffer';

    const receiverTracks: MediaStreamTrack[] = [];
    const screenTracks: MediaStreamTrack[] = [];
    const screenStream = new MediaStream();
    const videoCaps = typeof RTCRtpReceiver.getCapabilities === 'function' ? RTCRtpReceiver.getCapabilities('video') : null;
    // addTrack, not addTransceiver: only addTrack's transceivers are reused by a remote offer.
    for (const slot of SEND_SLOTS) {
      const kind = slotKind(slot);
      const track = opts.tracks[slot] ?? opts.placeholder(kind);
      const sender = this.pc.addTrack(track, slot.startsWith('screen') ? screenStream : opts.localStream);
      const transceiver = this.pc.getTransceivers().find((t) => t.sender === sender);
      if (!transceiver) continue;
      this.transceivers.set(slot, transceiver);
      if (kind === 'video' && videoCaps) {
        try {
          transceiver.setCodecPreferences(preferVideoCodecs(videoCaps.codecs));
        } catch {
          // Older browsers: keep their default order.
        }
      }
      if (opts.transforms) {
        opts.transforms.attachSender(sender, kind, opts.link);
        this.receiverTokens.push(opts.transforms.attachReceiverLater(transceiver.receiver, kind));
      }
      (slot.startsWith('screen') ? screenTracks : receiverTracks).push(transceiver.receiver.track);
      if (kind === 'video' && opts.videoOff === true) transceiver.direction = 'inactive';
    }
    // Only once all four exist: addTrack reuses a transceiver whose sender has no track, so
    // clearing one earlier would fold the screen slots onto the camera's transceivers.
    for (const slot of SEND_SLOTS) if (!opts.tracks[slot]) void this.transceivers.get(slot)?.sender.replaceTrack(null);
    this.remoteStream = new MediaStream(receiverTracks);
    this.remoteScreenStream = new MediaStream(screenTracks);
  }

  /**
   * Makes our offer now and gathers its candidates, for whoever turns up next. `tune` edits
   * the SDP set locally (the session's SdpPolicy.local).
   */
  preOffer(tune: (sdp: string) => string): Promise<boolean> {
    if (this.offer) return this.offer;
    this.pc.onicecandidate = ({ candidate }) => {
      if (this.candidates.length < MAX_EARLY_CANDIDATES) this.candidates.push(candidate ? (candidate.toJSON() as RTCIceCandidateInit) : null);
    };
    this.offer = (async () => {
      try {
        await setTuned(this.pc, await this.pc.createOffer(), tune);
        this.offerReady = !this.closed;
        return this.offerReady;
      } catch (err) {
        console.warn('could not prepare an offer', err);
        return false;
      }
    })();
    return this.offer;
  }

  /** The candidates gathered so far (handed to the session that adopts the kit). */
  takeCandidates(): (RTCIceCandidateInit | null)[] {
    this.pc.onicecandidate = null;
    return this.candidates.splice(0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.onicecandidate = null;
    this.pc.close();
  }
}

/**
 * Sets a local description with `tune` applied. Should the browser refuse the edited text,
 * the description goes in as created: a call without our Opus tuning beats no call.
 */
export async function setTuned(pc: RTCPeerConnection, desc: RTCSessionDescriptionInit, tune: ((sdp: string) => string) | undefined): Promise<void> {
  const sdp = desc.sdp ?? '';
  const tuned = tune ? tune(sdp) : sdp;
  if (tuned === sdp) {
    await pc.setLocalDescription(desc);
    return;
  }
  try {
    await pc.setLocalDescription({ type: desc.type, sdp: tuned });
  } catch (err) {
    console.warn('edited local description refused; using it unedited', err);
    await pc.setLocalDescription(desc);
  }
}
