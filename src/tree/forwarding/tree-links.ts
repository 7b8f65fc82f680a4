/**
 * The two ends of one tree edge, parent → child, for one source's audio and video.
 * - The child offers: it creates receive-only transceivers and attaches the forward worker's
 *   receiver transforms before any description exists (Chromium ignores ones set later).
 * - The parent answers on a connection with `encodedInsertableStreams: true`: its senders get
 *   their encoded streams before the answer, so no placeholder frame is ever sent.
 * Descriptions carry their ICE candidates (gathering completes first), so a link needs exactly
 * one offer and one answer over whatever signalling the caller has. With `trickle: true` a
 * description waits for gathering 150 ms at most and goes out with the candidates gathered by
 * then; the rest follow (`trickle`, `addRemote`). Gathering took 150–490 ms per link on two
 * loaded cores, twice on a repair's critical path (the orphan's offer, then the new parent's
 * answer), and with a STUN or TURN server it waits for the server's answers too.
 */
import type { MediaKind } from '../../e2ee/clear-prefix';
import { ForwardingError } from './forwarding-error';
import type { ForwardingNode } from './forwarding-node';

const KINDS: readonly MediaKind[] = ['audio', 'video'];

export interface LinkOptions {
  iceServers?: RTCIceServer[];
  /** 'relay' when the person chose to go through TURN only (`relay=1`): their address stays hidden. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Send the description at once and the later candidates separately (see the file's comment). */
  trickle?: boolean;
}

/** Trickle ICE for one link (a no-op without `trickle: true`: its description holds every candidate). */
export interface Trickle {
  /** Starts passing our later candidates to `send`; the ones gathered before wait for this call. */
  trickle(send: (candidate: RTCIceCandidateInit) => void): void;
  /** A candidate from the other end; kept until the remote description is set. */
  addRemote(candidate: RTCIceCandidateInit): void;
}

export interface UpstreamLink extends Trickle {
  pc: RTCPeerConnection;
  /** Its receivers' frames are counted under this id in our worker (ReceivedCounts.links). */
  tag: string;
  offer: RTCSessionDescriptionInit;
  accept(answer: RTCSessionDescriptionInit): Promise<void>;
  /** `video` is null on an audio-only link (a source outside the last N). */
  receivers: { audio: RTCRtpReceiver; video: RTCRtpReceiver | null };
}

export interface DownstreamLink extends Trickle {
  pc: RTCPeerConnection;
  answer: RTCSessionDescriptionInit;
  senders: Partial<Record<MediaKind, RTCRtpSender>>;
}

/** Remote candidates held before the remote description, per link: a few per interface. */
const MAX_HELD_CANDIDATES = 32;

/**
 * Trickle ICE on `pc`, installed when the local description is read to be sent: candidates
 * gathered from then on (the description carries the earlier ones) are held until `trickle`
 * gives them somewhere to go.
 */
function trickleOn(pc: RTCPeerConnection): Trickle & { remoteSet(): void } {
  let send: ((c: RTCIceCandidateInit) => void) | null = null;
  const local: RTCIceCandidateInit[] = [];
  const remote: RTCIceCandidateInit[] = [];
  pc.addEventListener('icecandidate', (e) => {
    if (!e.candidate || e.candidate.candidate === '') return;
    const c = e.candidate.toJSON();
    if (send) send(c);
    else if (local.length < MAX_HELD_CANDIDATES) local.push(c);
  });
  const add = (c: RTCIceCandidateInit) => {
    pc.addIceCandidate(c).catch((error: unknown) => console.warn('[tree] candidate refused', error));
  };
  return {
    trickle(to) {
      send = to;
      for (const c of local.splice(0)) to(c);
    },
    addRemote(c) {
      if (pc.remoteDescription) add(c);
      else if (remote.length < MAX_HELD_CANDIDATES) remote.push(c);
    },
    remoteSet() {
      for (const c of remote.splice(0)) add(c);
    },
  };
}

/** Without trickle: every candidate is in the description, nothing to pass on. */
const NO_TRICKLE: Trickle & { remoteSet(): void } = { trickle: () => undefined, addRemote: () => undefined, remoteSet: () => undefined };

/** Every hop must carry the codec the origin encoded: VP8 (its clear prefix is what SFrame expects). */
function preferVp8(transceiver: RTCRtpTransceiver): void {
  const caps = RTCRtpReceiver.getCapabilities?.('video');
  if (!caps) return;
  const vp8 = caps.codecs.filter((c) => /\/vp8$/i.test(c.mimeType));
  const rest = caps.codecs.filter((c) => /\/(rtx|red|ulpfec)$/i.test(c.mimeType));
  if (vp8.length > 0) transceiver.setCodecPreferences([...vp8, ...rest]);
}

const GATHER_TIMEOUT_MS = 5000;
/**
 * With trickle, a description still waits this long for gathering: host candidates normally
 * come within milliseconds, and a description that carries them connects without waiting for
 * candidate messages through two busy main threads (sending at once, with none, connected
 * 0.7–1.8 s after the answer in loaded runs, against 0.1–0.5 s). What comes later (a STUN or
 * TURN server's candidates, or host ones on a starved page) follows as messages.
 */
const TRICKLE_GATHER_MS = 150;

/**
 * Resolves when ICE gathering completes, or after `timeoutMs` with what was gathered by then:
 * a STUN/TURN server that never answers must not leave a link (and every answer queued behind
 * it) waiting for ever.
 */
export function iceGathered(pc: RTCPeerConnection, timeoutMs = GATHER_TIMEOUT_MS): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

function local(pc: RTCPeerConnection): RTCSessionDescriptionInit {
  const d = pc.localDescription;
  if (d === null) throw new ForwardingError('invalid-message', 'no local description');
  return { type: d.type, sdp: d.sdp };
}

/**
 * The child end: receives `sourceId`'s media from its parent. With `video: false` the offer
 * has no video section at all, so the parent (which answers what is offered) sends audio only:
 * that is how a source outside the last N costs its audio and nothing more.
 */
export async function openUpstream(node: ForwardingNode, sourceId: string, options: LinkOptions & { video?: boolean } = {}): Promise<UpstreamLink> {
  return bindUpstream(node, sourceId, await prepareUpstream(node, options, sourceId));
}

/**
 * A child end made before we know whom it is for: receive-only transceivers, the offer set and
 * its candidates gathered. `bindUpstream` gives it a source. On two loaded cores making one
 * took 300–1,200 ms (a new connection, its offer, gathering), on the critical path of every
 * repair; a spare made ahead of need (spare-upstream.ts) takes that off it.
 */
export interface PreparedUpstream {
  pc: RTCPeerConnection;
  tag: string;
  transceivers: { audio: RTCRtpTransceiver; video: RTCRtpTransceiver | null };
  offer: RTCSessionDescriptionInit;
  ice: Trickle & { remoteSet(): void };
  /** Made without a source: the receivers' tokens, which `bindUpstream` binds (see attachReceiverLater). */
  later: Partial<Record<MediaKind, string>> | null;
}

/**
 * Receivers get their transforms as they are made, before the offer (Chromium never runs one
 * set later): for `sourceId`, or, without one, waiting to be bound (`attachReceiverLater`).
 */
export async function prepareUpstream(node: ForwardingNode, options: LinkOptions & { video?: boolean } = {}, sourceId?: string): Promise<PreparedUpstream> {
  const pc = new RTCPeerConnection({ iceServers: options.iceServers ?? [], bundlePolicy: 'max-bundle', ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}) });
  const later: Partial<Record<MediaKind, string>> | null = sourceId === undefined ? {} : null;
  const tag = `link-${crypto.randomUUID()}`;
  const add = (kind: MediaKind): RTCRtpTransceiver => {
    const t = pc.addTransceiver(kind, { direction: 'recvonly' });
    if (kind === 'video') {
      preferVp8(t);
      offerDependencyDescriptor(t);
    }
    if (later) later[kind] = node.attachReceiverLater(t.receiver, kind, tag);
    else if (sourceId !== undefined) node.attachReceiver(t.receiver, kind, sourceId, tag);
    return t;
  };
  let transceivers: PreparedUpstream['transceivers'];
  try {
    transceivers = { audio: add('audio'), video: options.video === false ? null : add('video') };
    await pc.setLocalDescription();
    await iceGathered(pc, options.trickle ? TRICKLE_GATHER_MS : GATHER_TIMEOUT_MS);
  } catch (error) {
    pc.close();
    throw error;
  }
  // From here on a candidate is not in the description we send: it goes as a message.
  const ice = options.trickle ? trickleOn(pc) : NO_TRICKLE;
  return { pc, tag, transceivers, offer: local(pc), ice, later };
}

/**
 * Gives a prepared child end its source (when it was made without one): the worker learns whose
 * frames its receivers carry. No frame can arrive before: nothing connects until the parent
 * has our offer, which goes out after this.
 */
export function bindUpstream(node: ForwardingNode, sourceId: string, p: PreparedUpstream): UpstreamLink {
  bindReceivers(node, sourceId, p);
  return unboundLink(p);
}

/** Binds a prepared child end's receivers to `sourceId` in the worker (a no-op when made for a source). */
export function bindReceivers(node: ForwardingNode, sourceId: string, p: PreparedUpstream): void {
  for (const token of Object.values(p.later ?? {})) {
    node.bindReceiver(token, sourceId).catch((error: unknown) => console.warn('[tree] could not bind a spare receiver', error));
  }
  p.later = null;
}

/**
 * The link of a prepared child end, its receivers left as they are: a standby link connects
 * this way and passes nothing on in our worker until `bindReceivers` (standby-links.ts).
 */
export function unboundLink(p: PreparedUpstream): UpstreamLink {
  const { pc, ice } = p;
  return {
    pc,
    tag: p.tag,
    offer: p.offer,
    receivers: { audio: p.transceivers.audio.receiver, video: p.transceivers.video?.receiver ?? null },
    accept: async (answer) => {
      await pc.setRemoteDescription(answer);
      ice.remoteSet();
    },
    trickle: ice.trickle,
    addRemote: ice.addRemote,
  };
}

export interface DownstreamOptions extends LinkOptions {
  offer: RTCSessionDescriptionInit;
  childId: string;
  sourceId: string;
  /** The track per kind: the origin's camera and mic, or a forwarder's placeholders. */
  tracks: Partial<Record<MediaKind, MediaStreamTrack>>;
  /** Set when we are the source: our own frames are encrypted instead of forwarded. */
  localId?: string;
  /** Each step's end, for the debug timeline (where an answer's time goes). */
  onStep?: (step: string) => void;
  /** A standby link: its child outputs pass nothing until resumed. */
  paused?: boolean;
}

/** The parent end: sends `sourceId`'s media to one child. */
export async function openDownstream(node: ForwardingNode, o: DownstreamOptions): Promise<DownstreamLink> {
  const config = { iceServers: o.iceServers ?? [], bundlePolicy: 'max-bundle', encodedInsertableStreams: true, ...(o.iceTransportPolicy ? { iceTransportPolicy: o.iceTransportPolicy } : {}) };
  const pc = new RTCPeerConnection(config as RTCConfiguration);
  const step = o.onStep ?? (() => undefined);
  await pc.setRemoteDescription(o.offer);
  step('remote');
  const senders: Partial<Record<MediaKind, RTCRtpSender>> = {};
  const attached: Promise<void>[] = [];
  for (const t of pc.getTransceivers()) {
    const kind = t.receiver.track.kind as MediaKind;
    if (!KINDS.includes(kind)) continue;
    t.direction = 'sendonly';
    await t.sender.replaceTrack(o.tracks[kind] ?? null);
    attached.push(
      o.localId === undefined
        ? node.attachChild(t.sender, kind, o.sourceId, o.childId, o.paused === true)
        : node.attachOrigin(t.sender, kind, o.localId),
    );
    senders[kind] = t.sender;
  }
  step('tracks');
  await Promise.all(attached);
  step('attached');
  await pc.setLocalDescription();
  step('local');
  await iceGathered(pc, o.trickle ? TRICKLE_GATHER_MS : GATHER_TIMEOUT_MS);
  step('gathered');
  // From here on a candidate is not in the description we send: it goes as a message.
  const t = o.trickle ? trickleOn(pc) : NO_TRICKLE;
  return { pc, answer: local(pc), senders, trickle: t.trickle, addRemote: t.addRemote };
}

/** The RTP header extension that carries each frame's temporal layer, id and references. */
const DEPENDENCY_DESCRIPTOR = 'dependency-descriptor';

/**
 * Per-branch layers need each received frame's `temporalIndex`, `frameId` and `dependencies`
 * (temporal-thinning.ts). Chromium fills them from the dependency-descriptor header extension,
 * which it offers only for a transceiver created with a scalability mode; a child's receive-only
 * offer would leave it out, and every frame would read as layer 0 (measured, Chromium 156). So
 * the child asks for it (the parent's answer takes it up). Browsers without the header-extension
 * API simply do not get per-branch layers.
 */
function offerDependencyDescriptor(t: RTCRtpTransceiver): void {
  const api = t as RTCRtpTransceiver & {
    getHeaderExtensionsToNegotiate?(): { uri: string; direction: RTCRtpTransceiverDirection | 'stopped' }[];
    setHeaderExtensionsToNegotiate?(exts: { uri: string; direction: RTCRtpTransceiverDirection | 'stopped' }[]): void;
  };
  if (!api.getHeaderExtensionsToNegotiate || !api.setHeaderExtensionsToNegotiate) return;
  try {
    const exts = api.getHeaderExtensionsToNegotiate();
    let changed = false;
    for (const e of exts) {
      if (e.uri.includes(DEPENDENCY_DESCRIPTOR) && e.direction === 'stopped') {
        e.direction = 'sendrecv';
        changed = true;
      }
    }
    if (changed) api.setHeaderExtensionsToNegotiate(exts);
  } catch (error) {
    console.warn('[tree] could not offer the dependency descriptor', error);
  }
}
