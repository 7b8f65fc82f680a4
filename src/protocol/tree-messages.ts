/**
 * Relay-tree signalling between two members of a call. These travel on the pair's verified
 * control channel (the mesh's DTLS data channel, opened only after both proved the room key),
 * never through the relay: a tree link's description, and so its DTLS fingerprint, is as
 * trustworthy as the peer who sent it. Pure code, a union on `kind`, validated on arrival.
 */
export const TREE_PROTOCOL_VERSION = 1;

/** A tree link's SDP (audio + video, ICE candidates included) stays well under this. */
export const MAX_TREE_SDP = 12 * 1024;
const LINK_ID = /^[0-9a-f]{16}$/;
/** Same as mesh-messages' PEER_ID_PATTERN (kept here so the two modules do not import each other). */
const PEER_ID_PATTERN = /^[0-9a-f]{32}$/;
const MAX_UPLINK_KBPS = 10_000_000;

export type TreeSignal =
  /** What the planner needs from each member: declared uplink and whether it can forward. */
  | { t: 'tree'; v: 1; kind: 'hello'; uplinkKbps: number; canForward: boolean }
  /**
   * The child asks its parent for `source`'s media on a new link. `standby`: connect it, but pass
   * nothing until `resume` (the child's ready-made way round a forwarder that may fail).
   */
  | { t: 'tree'; v: 1; kind: 'offer'; link: string; source: string; sdp: string; standby?: true }
  /** A standby link takes over: frames flow on it from now on. */
  | { t: 'tree'; v: 1; kind: 'resume'; link: string }
  | { t: 'tree'; v: 1; kind: 'answer'; link: string; sdp: string }
  /** A candidate found after the offer or answer went out (trickle ICE, tree-links.ts). */
  | { t: 'tree'; v: 1; kind: 'candidate'; link: string; candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }
  /** Either end is done with the link (the plan moved it, or the parent refused it). */
  | { t: 'tree'; v: 1; kind: 'close'; link: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSdp(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_TREE_SDP && v.startsWith('v=0');
}

/** One `candidate:` attribute value; real ones are under 200 characters. */
const MAX_CANDIDATE = 512;
const MAX_MID = 32;
const MAX_MLINE = 15;

function isCandidate(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_CANDIDATE && v.startsWith('candidate:') && !/[\r\n]/.test(v);
}

function isLink(v: unknown): v is string {
  return typeof v === 'string' && LINK_ID.test(v);
}

/** A tree signal from parsed JSON, or null when anything about it is off. */
export function parseTreeSignal(data: unknown): TreeSignal | null {
  if (!isRecord(data) || data.t !== 'tree' || data.v !== TREE_PROTOCOL_VERSION) return null;
  switch (data.kind) {
    case 'hello': {
      const { uplinkKbps, canForward } = data;
      if (typeof uplinkKbps !== 'number' || !Number.isInteger(uplinkKbps) || uplinkKbps < 0 || uplinkKbps > MAX_UPLINK_KBPS) return null;
      if (typeof canForward !== 'boolean') return null;
      return { t: 'tree', v: 1, kind: 'hello', uplinkKbps, canForward };
    }
    case 'offer':
      if (!isLink(data.link) || typeof data.source !== 'string' || !PEER_ID_PATTERN.test(data.source) || !isSdp(data.sdp)) return null;
      if (data.standby !== undefined && data.standby !== true) return null;
      return { t: 'tree', v: 1, kind: 'offer', link: data.link, source: data.source, sdp: data.sdp, ...(data.standby ? { standby: true as const } : {}) };
    case 'resume':
      if (!isLink(data.link)) return null;
      return { t: 'tree', v: 1, kind: 'resume', link: data.link };
    case 'answer':
      if (!isLink(data.link) || !isSdp(data.sdp)) return null;
      return { t: 'tree', v: 1, kind: 'answer', link: data.link, sdp: data.sdp };
    case 'candidate': {
      const { link, candidate, sdpMid, sdpMLineIndex } = data;
      if (!isLink(link) || !isCandidate(candidate)) return null;
      if (sdpMid !== null && (typeof sdpMid !== 'string' || sdpMid.length > MAX_MID)) return null;
      if (sdpMLineIndex !== null && (typeof sdpMLineIndex !== 'number' || !Number.isInteger(sdpMLineIndex) || sdpMLineIndex < 0 || sdpMLineIndex > MAX_MLINE)) return null;
      if (sdpMid === null && sdpMLineIndex === null) return null;
      return { t: 'tree', v: 1, kind: 'candidate', link, candidate, sdpMid, sdpMLineIndex };
    }
    case 'close':
      if (!isLink(data.link)) return null;
      return { t: 'tree', v: 1, kind: 'close', link: data.link };
    default:
      return null;
  }
}

/** The message for one of our trickled candidates (tree-links.ts `trickle`). */
export function candidateSignal(link: string, c: RTCIceCandidateInit): TreeSignal {
  return { t: 'tree', v: 1, kind: 'candidate', link, candidate: c.candidate ?? '', sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null };
}
