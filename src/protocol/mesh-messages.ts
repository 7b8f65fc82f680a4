/**
 * Messages between browsers of one call, validated where they enter (a peer, or the
 * relay forwarding for one, may be hostile). Three channels:
 *  - presence on the relay's pub/sub route (topic = hash of the room id): who is here;
 *  - negotiation payloads inside PeerJS-protocol OFFER/ANSWER/CANDIDATE envelopes;
 *  - control messages on each pair's DTLS data channel (names and mic/camera state:
 *    never seen by the relay).
 * Pure code, discriminated unions on `kind`/`t`, with a version constant.
 */
import { parseTreeSignal, type TreeSignal } from './tree-messages';
import { decodeBeats } from './beat-digest';

export const MESH_PROTOCOL_VERSION = 1;

/** Peer ids double as PeerJS ids: 32 lowercase hex characters (128 random bits). */
export const PEER_ID_PATTERN = /^[0-9a-f]{32}$/;

export type PresenceMessage =
  /** `rt`: answer on my reply topic (PresenceChannel), not to the whole room. */
  | { v: 1; kind: 'announce'; peerId: string; joinedAt: number; reply: boolean; rt?: true }
  | { v: 1; kind: 'bye'; peerId: string };

export type NegotiationPayload =
  | { v: 1; sid: string; description: { type: 'offer' | 'answer'; sdp: string } }
  | { v: 1; sid: string; candidate: RTCIceCandidateInitLike | null }
  /**
   * Proof of the room key bound to both DTLS fingerprints, sent as soon as both descriptions
   * are applied (before ICE completes) so media can flow the moment DTLS is up. Useless to the
   * relay: it is an HMAC over fingerprints under a key the relay does not have.
   */
  | { v: 1; sid: string; auth: { proof: string; pub: string } };

export interface RTCIceCandidateInitLike {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export interface PeerState {
  name: string;
  micOn: boolean;
  camOn: boolean;
  /** Sharing a screen: the receiver shows its screen transceivers as a tile of their own. */
  screen?: boolean;
}

export type ControlMessage =
  | { t: 'state'; state: PeerState }
  /** Liveness; `ep`/`em`: the media epoch we hold and its minter, so a peer holding a newer one passes it on. */
  | { t: 'ping'; at: number; ep?: number; em?: string }
  | { t: 'bye' }
  /** Proof of the room key bound to both DTLS fingerprints, plus our X25519 key for epoch hand-outs. */
  | { t: 'auth'; proof: string; pub: string }
  /**
   * A media epoch key sealed to the recipient's X25519 key (base64url), from its minter or
   * passed on by another member; `to`: the members the minter meant it for.
   */
  | { t: 'epoch'; epoch: number; minter: string; to: string[]; sealed: string }
  /** A private chat message: travels only on this pair's channel, never in the shared doc. */
  | { t: 'dm'; id: string; text: string; at: number }
  /** Relay-tree signalling (large rooms): only between verified peers, see tree-messages.ts. */
  | TreeSignal
  /**
   * A room-wide message passed on over the control overlay (large rooms: src/tree/control-overlay.ts,
   * src/call/overlay-flood.ts): origin `o`, its sequence number `s`, hops left `h`; `to`: one
   * member it is for (the others pass it on), absent: everyone.
   */
  | FloodMessage
  /** Overlay liveness: beat counts, ours and those we saw rise (src/call/beat-digest.ts). */
  | { t: 'beats'; e: string }
  /** What we know of the room's members, for a neighbour whose link just came up (in parts). */
  | { t: 'roster'; m: RosterEntry[] };

/** One member as a roster part describes it. */
export interface RosterEntry extends MemberInfo {
  id: string;
}

/** Who a member is, as its heartbeat or a roster says (the same fields in both). */
export interface MemberInfo {
  joinedAt: number;
  state?: PeerState;
  hello?: { uplinkKbps: number; canForward: boolean };
  /** Its DTLS certificate fingerprint (`sha-256 ab:cd:…`), for the safety words. */
  fp?: string;
  /** Its X25519 public key (base64url), for private messages sealed to it. */
  pub?: string;
}

/** A sealed private message: up to MAX_DM_CHARS of text as JSON, four bytes a character at most, in base64url. */
const MAX_DM_BOX = 12_000;

/** A DTLS fingerprint as `sdpFingerprint` writes it: algorithm, space, lowercase hex pairs. */
const FINGERPRINT = /^[a-z0-9-]{1,16} [0-9a-f]{2}(:[0-9a-f]{2}){15,63}$/;

/** Members per roster message (each ≈ 200 characters: well inside the control cap). */
export const ROSTER_PART = 50;

/**
 * What travels on the overlay: a member's heartbeat (who it is, its state and its tree hello,
 * so members without a connection to it know it is there) or a tree signal for one member.
 */
export type FloodBody =
  /** `state` and `hello` ride along when they change and every few seconds, not every 0.4 s. */
  | ({ k: 'hb' } & MemberInfo)
  | { k: 'tree'; sig: TreeSignal }
  /** A private message sealed to its recipient (`to`) by its sender's and recipient's X25519 keys. */
  | { k: 'dm'; box: string };

export interface FloodMessage {
  t: 'flood';
  o: string;
  s: number;
  h: number;
  to?: string;
  b: FloodBody;
}

/** Hops a flooded message may take (the overlay's diameter is 6 at 1,000 members: bench/tree). */
export const FLOOD_HOPS_MAX = 16;

/** Private messages: same bounds as group chat (`ROOM_LIMITS` in room-state). */
export const MAX_DM_CHARS = 2000;
const DM_ID = /^[A-Za-z0-9_-]{1,64}$/;

const B64URL = /^[A-Za-z0-9_-]+$/;

function isB64(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 64 && B64URL.test(v);
}

const MAX_SDP = 48 * 1024;

/**
 * Recipients one epoch hand-out may list: a room of 1,000 (the most an operator may allow),
 * which with 32-character ids (35 characters each in JSON) fits the control message cap.
 */
export const MAX_EPOCH_RECIPIENTS = 1000;
function isEpochNumber(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= 2 ** 31;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPeerId(v: unknown): v is string {
  return typeof v === 'string' && PEER_ID_PATTERN.test(v);
}

function isSid(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-f]{8,32}$/.test(v);
}

export function parsePresence(data: unknown): PresenceMessage | null {
  if (!isRecord(data) || data.v !== MESH_PROTOCOL_VERSION || !isPeerId(data.peerId)) return null;
  if (data.kind === 'announce') {
    if (typeof data.joinedAt !== 'number' || !Number.isFinite(data.joinedAt) || typeof data.reply !== 'boolean') return null;
    if (data.rt !== undefined && data.rt !== true) return null;
    return { v: 1, kind: 'announce', peerId: data.peerId, joinedAt: data.joinedAt, reply: data.reply, ...(data.rt ? { rt: true as const } : {}) };
  }
  if (data.kind === 'bye') return { v: 1, kind: 'bye', peerId: data.peerId };
  return null;
}

function parseCandidate(v: unknown): RTCIceCandidateInitLike | null | undefined {
  if (v === null) return null;
  if (!isRecord(v) || typeof v.candidate !== 'string' || v.candidate.length > 2048) return undefined;
  const c: RTCIceCandidateInitLike = { candidate: v.candidate };
  if (v.sdpMid === null || (typeof v.sdpMid === 'string' && v.sdpMid.length <= 64)) c.sdpMid = v.sdpMid as string | null;
  else if (v.sdpMid !== undefined) return undefined;
  if (v.sdpMLineIndex === null || (typeof v.sdpMLineIndex === 'number' && Number.isInteger(v.sdpMLineIndex) && v.sdpMLineIndex >= 0 && v.sdpMLineIndex < 64)) {
    c.sdpMLineIndex = v.sdpMLineIndex as number | null;
  } else if (v.sdpMLineIndex !== undefined) return undefined;
  if (v.usernameFragment === null || (typeof v.usernameFragment === 'string' && v.usernameFragment.length <= 256)) {
    c.usernameFragment = v.usernameFragment as string | null;
  } else if (v.usernameFragment !== undefined) return undefined;
  return c;
}

export function parseNegotiation(data: unknown): NegotiationPayload | null {
  if (!isRecord(data) || data.v !== MESH_PROTOCOL_VERSION || !isSid(data.sid)) return null;
  if ('description' in data) {
    const d = data.description;
    if (!isRecord(d) || (d.type !== 'offer' && d.type !== 'answer') || typeof d.sdp !== 'string' || d.sdp.length > MAX_SDP) return null;
    return { v: 1, sid: data.sid, description: { type: d.type, sdp: d.sdp } };
  }
  if ('auth' in data) {
    const a = data.auth;
    if (!isRecord(a) || !isB64(a.proof) || !isB64(a.pub)) return null;
    return { v: 1, sid: data.sid, auth: { proof: a.proof, pub: a.pub } };
  }
  if ('candidate' in data) {
    const c = parseCandidate(data.candidate);
    if (c === undefined) return null;
    return { v: 1, sid: data.sid, candidate: c };
  }
  return null;
}

export function parseControl(raw: unknown): ControlMessage | null {
  // Room for a full-length private message even when JSON escapes every character, and for an
  // overlay digest of a room of 1,000 (about 17 characters a member).
  if (typeof raw !== 'string' || raw.length > 65_536) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(data)) return null;
  switch (data.t) {
    case 'state': {
      const state = parseState(data.state);
      return state ? { t: 'state', state } : null;
    }
    case 'ping': {
      if (typeof data.at !== 'number') return null;
      if (data.ep === undefined) return { t: 'ping', at: data.at };
      if (!isEpochNumber(data.ep, 0) || (data.em !== '' && !isPeerId(data.em))) return null;
      return { t: 'ping', at: data.at, ep: data.ep, em: data.em as string };
    }
    case 'bye':
      return { t: 'bye' };
    case 'auth':
      if (typeof data.proof !== 'string' || data.proof.length > 64 || !B64URL.test(data.proof)) return null;
      if (typeof data.pub !== 'string' || data.pub.length > 64 || !B64URL.test(data.pub)) return null;
      return { t: 'auth', proof: data.proof, pub: data.pub };
    case 'epoch': {
      if (!isEpochNumber(data.epoch, 1) || !isPeerId(data.minter)) return null;
      if (typeof data.sealed !== 'string' || data.sealed.length > 256 || !B64URL.test(data.sealed)) return null;
      const to = data.to;
      if (!Array.isArray(to) || to.length > MAX_EPOCH_RECIPIENTS || !to.every(isPeerId)) return null;
      return { t: 'epoch', epoch: data.epoch, minter: data.minter, to: [...to], sealed: data.sealed };
    }
    case 'dm':
      if (typeof data.id !== 'string' || !DM_ID.test(data.id)) return null;
      if (typeof data.text !== 'string' || data.text.length === 0 || data.text.length > MAX_DM_CHARS) return null;
      if (typeof data.at !== 'number' || !Number.isFinite(data.at) || data.at < 0) return null;
      return { t: 'dm', id: data.id, text: data.text, at: data.at };
    case 'tree':
      return parseTreeSignal(data);
    case 'flood':
      return parseFlood(data);
    case 'beats':
      return typeof data.e === 'string' && decodeBeats(data.e) !== null ? { t: 'beats', e: data.e } : null;
    case 'roster': {
      const m = data.m;
      if (!Array.isArray(m) || m.length > ROSTER_PART) return null;
      const out: RosterEntry[] = [];
      for (const raw of m) {
        if (!isRecord(raw) || !isPeerId(raw.id)) return null;
        const info = parseMemberInfo(raw);
        if (!info) return null;
        out.push({ id: raw.id, ...info });
      }
      return { t: 'roster', m: out };
    }
    default:
      return null;
  }
}

function parseState(s: unknown): PeerState | null {
  if (!isRecord(s) || typeof s.name !== 'string' || typeof s.micOn !== 'boolean' || typeof s.camOn !== 'boolean') return null;
  if (s.screen !== undefined && typeof s.screen !== 'boolean') return null;
  return { name: s.name.slice(0, 64), micOn: s.micOn, camOn: s.camOn, ...(s.screen ? { screen: true } : {}) };
}

function parseFloodBody(b: unknown): FloodBody | null {
  if (!isRecord(b)) return null;
  if (b.k === 'hb') {
    const info = parseMemberInfo(b);
    return info ? { k: 'hb', ...info } : null;
  }
  if (b.k === 'dm') {
    if (typeof b.box !== 'string' || b.box.length === 0 || b.box.length > MAX_DM_BOX || !B64URL.test(b.box)) return null;
    return { k: 'dm', box: b.box };
  }
  if (b.k === 'tree') {
    const sig = parseTreeSignal(b.sig);
    return sig ? { k: 'tree', sig } : null;
  }
  return null;
}

/** The member fields of a heartbeat or a roster entry (anything else on `b` is ignored). */
function parseMemberInfo(b: Record<string, unknown>): MemberInfo | null {
  if (typeof b.joinedAt !== 'number' || !Number.isFinite(b.joinedAt) || b.joinedAt < 0) return null;
  const out: MemberInfo = { joinedAt: b.joinedAt };
  if (b.state !== undefined) {
    const state = parseState(b.state);
    if (!state) return null;
    out.state = state;
  }
  const hello = b.hello;
  if (hello !== undefined) {
    if (!isRecord(hello) || typeof hello.canForward !== 'boolean') return null;
    if (typeof hello.uplinkKbps !== 'number' || !Number.isInteger(hello.uplinkKbps) || hello.uplinkKbps < 0 || hello.uplinkKbps > 10_000_000) return null;
    out.hello = { uplinkKbps: hello.uplinkKbps, canForward: hello.canForward };
  }
  if (b.fp !== undefined) {
    if (typeof b.fp !== 'string' || !FINGERPRINT.test(b.fp)) return null;
    out.fp = b.fp;
  }
  if (b.pub !== undefined) {
    if (!isB64(b.pub)) return null;
    out.pub = b.pub;
  }
  return out;
}

function parseFlood(data: Record<string, unknown>): FloodMessage | null {
  const { o, s, h, to } = data;
  if (!isPeerId(o) || !isEpochNumber(s, 1) || typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h > FLOOD_HOPS_MAX) return null;
  if (to !== undefined && !isPeerId(to)) return null;
  const b = parseFloodBody(data.b);
  if (!b) return null;
  return { t: 'flood', o, s, h, ...(to === undefined ? {} : { to }), b };
}
