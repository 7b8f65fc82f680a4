/**
 * One node of a forwarding chain (issue 7), driven by tests and benchmarks through
 * `window.treeChain`. The test is the signalling: it carries each link's offer and answer
 * between pages (one of each, ICE candidates included); all media goes over real
 * RTCPeerConnections through src/tree/forwarding. A page is the origin of its own camera and
 * mic, a forwarder (it has children) and/or a leaf.
 */
import type { MediaKind } from '../../src/e2ee/clear-prefix';
import type { ForwarderCounters } from '../../src/tree/forwarding/forwarder-core';
import { ForwardingNode } from '../../src/tree/forwarding/forwarding-node';
import { makePlaceholderTracks, type PlaceholderTracks } from '../../src/tree/forwarding/placeholder-tracks';
import { openDownstream, openUpstream, type UpstreamLink } from '../../src/tree/forwarding/tree-links';

export interface ChainInit {
  id: string;
  /** The room secret; null leaves this page without a key (it can still forward ciphertext). */
  secret: string | null;
  /** Set on the origin: its fake camera's size. */
  camera?: { width: number; height: number; frameRate: number };
}

export interface InboundStats {
  state: RTCPeerConnectionState;
  framesReceived: number;
  framesDecoded: number;
  frameWidth: number;
  audioPacketsReceived: number;
  audioSamplesReceived: number;
}

export interface OutboundStats {
  state: RTCPeerConnectionState;
  /** The sender's own encoder: placeholder frames (or the camera's on the origin). */
  framesEncoded: number;
  framesSent: number;
  audioPacketsSent: number;
  frameWidth: number;
}

export interface ChainStats {
  id: string;
  upstream: InboundStats | null;
  downstream: Record<string, OutboundStats>;
  counters: ForwarderCounters;
}

let node: ForwardingNode | null = null;
let self = '';
let camera: MediaStream | null = null;
let placeholders: PlaceholderTracks | null = null;
let upstream: UpstreamLink | null = null;
const downstream = new Map<string, RTCPeerConnection>();

function need(): ForwardingNode {
  if (node === null) throw new Error('treeChain.init first');
  return node;
}

function num(report: Record<string, unknown> | undefined, key: string): number {
  const v = report?.[key];
  return typeof v === 'number' ? v : 0;
}

async function rtpStats(pc: RTCPeerConnection, type: 'inbound-rtp' | 'outbound-rtp'): Promise<Partial<Record<MediaKind, Record<string, unknown>>>> {
  const out: Partial<Record<MediaKind, Record<string, unknown>>> = {};
  (await pc.getStats()).forEach((r: Record<string, unknown>) => {
    if (r.type === type && (r.kind === 'audio' || r.kind === 'video')) out[r.kind] = r;
  });
  return out;
}

const api = {
  canForward: () => ForwardingNode.canForward(),

  async init(o: ChainInit): Promise<void> {
    self = o.id;
    node = new ForwardingNode();
    if (o.secret !== null) await node.setRoomSecret(o.secret);
    if (o.camera) {
      const { width, height, frameRate } = o.camera;
      camera = await navigator.mediaDevices.getUserMedia({ video: { width, height, frameRate }, audio: true });
    }
  },

  /** Child side of a link: the offer to hand to the parent. */
  async connectUp(sourceId: string): Promise<RTCSessionDescriptionInit> {
    upstream?.pc.close();
    upstream = await openUpstream(need(), sourceId);
    const video = document.getElementById('remote') as HTMLVideoElement;
    const audio = document.getElementById('remote-audio') as HTMLAudioElement;
    if (upstream.receivers.video) video.srcObject = new MediaStream([upstream.receivers.video.track]);
    audio.srcObject = new MediaStream([upstream.receivers.audio.track]);
    return upstream.offer;
  },

  async acceptUp(answer: RTCSessionDescriptionInit): Promise<void> {
    if (upstream === null) throw new Error('connectUp first');
    await upstream.accept(answer);
  },

  /** Parent side of a link: answers a child's offer and starts sending `sourceId`'s media to it. */
  async acceptDown(childId: string, sourceId: string, offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> {
    const origin = sourceId === self;
    if (origin && camera === null) throw new Error('the origin needs a camera');
    if (!origin) placeholders ??= makePlaceholderTracks();
    const tracks = origin
      ? { video: camera?.getVideoTracks()[0], audio: camera?.getAudioTracks()[0] }
      : { video: placeholders?.video, audio: undefined }; // audio senders need no track (see placeholder-tracks)
    downstream.get(childId)?.close();
    const link = await openDownstream(need(), {
      offer,
      childId,
      sourceId,
      tracks: { ...(tracks.video ? { video: tracks.video } : {}), ...(tracks.audio ? { audio: tracks.audio } : {}) },
      ...(origin ? { localId: self } : {}),
    });
    downstream.set(childId, link.pc);
    return link.answer;
  },

  closeUp(): void {
    upstream?.pc.close();
    upstream = null;
  },

  async closeDown(childId: string): Promise<void> {
    await need().detachChild(childId);
    downstream.get(childId)?.close();
    downstream.delete(childId);
  },

  async stats(): Promise<ChainStats> {
    let up: InboundStats | null = null;
    if (upstream !== null) {
      const s = await rtpStats(upstream.pc, 'inbound-rtp');
      up = {
        state: upstream.pc.connectionState,
        framesReceived: num(s.video, 'framesReceived'),
        framesDecoded: num(s.video, 'framesDecoded'),
        frameWidth: num(s.video, 'frameWidth'),
        audioPacketsReceived: num(s.audio, 'packetsReceived'),
        audioSamplesReceived: num(s.audio, 'totalSamplesReceived'),
      };
    }
    const down: Record<string, OutboundStats> = {};
    for (const [child, pc] of downstream) {
      const s = await rtpStats(pc, 'outbound-rtp');
      down[child] = {
        state: pc.connectionState,
        framesEncoded: num(s.video, 'framesEncoded'),
        framesSent: num(s.video, 'framesSent'),
        audioPacketsSent: num(s.audio, 'packetsSent'),
        frameWidth: num(s.video, 'frameWidth'),
      };
    }
    return { id: self, upstream: up, downstream: down, counters: await need().counters() };
  },

  ledgers: () => need().ledgers(),
};

declare global {
  interface Window {
    treeChain: typeof api;
  }
}
window.treeChain = api;
