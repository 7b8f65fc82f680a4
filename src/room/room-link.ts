/**
 * Room links: `<origin><path>#/r/<roomId>/<secret>?name=…&prejoin=0&audio=0&video=1&relay=1`.
 * Everything after `#` stays in the browser; the relay only ever sees `roomTopic(roomId)`.
 * Pure code (no DOM): unit-tested in Node.
 */
import { fromBase64Url, randomBytes, toBase64Url } from '../util/base64url';
import { LunarError } from '../util/lunar-error';

export const ROOM_ID_BYTES = 16;
export const ROOM_SECRET_BYTES = 16;

export interface JoinParams {
  /** Display name to use (overrides the remembered one). */
  name?: string;
  /** `prejoin=0` skips the pre-join screen. */
  prejoin: boolean;
  /** Start with the microphone on (`audio=1`, default) or muted (`audio=0`). */
  audio: boolean;
  /** Start with the camera on (`video=1`, default) or off (`video=0`). */
  video: boolean;
  /** `relay=1` forces every media path through TURN (iceTransportPolicy 'relay'). */
  relayOnly: boolean;
  /** `jwt=<token>`: access token for relays that require one (AUTH_JWT_*); passed to the relay only. */
  jwt?: string;
  /** `meshMax=N`: above N members the call switches from mesh to the relay tree (default 6). */
  meshMax?: number;
  /** `lastN=N`: how many active video sources the relay tree distributes (default 9). */
  lastN?: number;
  /**
   * `controlMesh=N`: in a large room, up to N members every page holds a control connection to
   * every other; above, only to its control-overlay neighbours (default 16; tests set it low).
   */
  controlMesh?: number;
  /** `quality=low`: send about 160×120 at a low frame rate (many pages on one small machine). */
  quality?: 'low';
  /** `ns=0`: join with noise suppression (RNNoise) off; it can be turned on in Settings. */
  noiseSuppression?: false;
  /** `tiles=N`: tiles per page in the call's grid, ours included (2–100; default 25). */
  tiles?: number;
}

export interface RoomLink {
  roomId: string;
  secret: string;
  params: JoinParams;
}

export type Route = { kind: 'home' } | { kind: 'play' } | { kind: 'room'; link: RoomLink } | { kind: 'invalid'; reason: string };

export const DEFAULT_JOIN_PARAMS: JoinParams = { prejoin: true, audio: true, video: true, relayOnly: false };

export class RoomLinkError extends LunarError<'invalid-room-link'> {
  constructor(message: string) {
    super('invalid-room-link', message);
  }
}

const TOKEN = /^[A-Za-z0-9_-]{22,86}$/;

/** base64url of at least `minBytes`, in its one canonical spelling (unused trailing bits zero). */
function isCanonicalToken(token: string, minBytes: number): boolean {
  if (!TOKEN.test(token)) return false;
  const bytes = fromBase64Url(token);
  return bytes.length >= minBytes && toBase64Url(bytes) === token;
}

export function createRoom(): { roomId: string; secret: string } {
  return { roomId: toBase64Url(randomBytes(ROOM_ID_BYTES)), secret: toBase64Url(randomBytes(ROOM_SECRET_BYTES)) };
}

function parseBool(value: string | null, fallback: boolean): boolean {
  if (value === null) return fallback;
  if (value === '1' || value === 'true' || value === 'yes') return true;
  if (value === '0' || value === 'false' || value === 'no') return false;
  return fallback;
}

export function parseJoinParams(query: string): JoinParams {
  const q = new URLSearchParams(query);
  const params: JoinParams = {
    prejoin: parseBool(q.get('prejoin'), DEFAULT_JOIN_PARAMS.prejoin),
    audio: parseBool(q.get('audio'), DEFAULT_JOIN_PARAMS.audio),
    video: parseBool(q.get('video'), DEFAULT_JOIN_PARAMS.video),
    relayOnly: parseBool(q.get('relay'), DEFAULT_JOIN_PARAMS.relayOnly),
  };
  const jwt = q.get('jwt');
  if (jwt !== null && jwt.length <= 4096 && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(jwt)) params.jwt = jwt;
  const meshMax = parseCount(q.get('meshMax'), 2, 64);
  if (meshMax !== undefined) params.meshMax = meshMax;
  const lastN = parseCount(q.get('lastN'), 1, 64);
  if (lastN !== undefined) params.lastN = lastN;
  const controlMesh = parseCount(q.get('controlMesh'), 2, 1000);
  if (controlMesh !== undefined) params.controlMesh = controlMesh;
  if (q.get('quality') === 'low') params.quality = 'low';
  const tiles = parseCount(q.get('tiles'), 2, 100);
  if (tiles !== undefined) params.tiles = tiles;
  if (!parseBool(q.get('ns'), true)) params.noiseSuppression = false;
  const name = q.get('name');
  if (name !== null) {
    const clean = sanitizeDisplayName(name);
    if (clean) params.name = clean;
  }
  return params;
}

/** A whole number in [min, max] written in plain digits, else undefined (the default applies). */
function parseCount(value: string | null, min: number, max: number): number | undefined {
  if (value === null || !/^[0-9]{1,4}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

/** Display names are plain text, single line, at most 64 characters. */
export function sanitizeDisplayName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 64);
}

/** Parses the part of the URL after `#` (with or without the leading `#`). */
export function parseRoute(hash: string): Route {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (h === '' || h === '/') return { kind: 'home' };
  const [path = '', query = ''] = splitOnce(h, '?');
  const parts = path.split('/').filter((p) => p !== '');
  // The local recording player: no room, nothing after it.
  if (parts[0] === 'play' && parts.length === 1) return { kind: 'play' };
  if (parts[0] !== 'r') return { kind: 'invalid', reason: 'This link does not point to a meeting.' };
  const [, roomId, secret] = parts;
  if (!roomId || !secret || parts.length !== 3) {
    return { kind: 'invalid', reason: 'This meeting link is incomplete: ask for the full link, including the part after #.' };
  }
  if (!isCanonicalToken(roomId, ROOM_ID_BYTES) || !isCanonicalToken(secret, ROOM_SECRET_BYTES)) {
    return { kind: 'invalid', reason: 'This meeting link is damaged: ask for the link again.' };
  }
  return { kind: 'room', link: { roomId, secret, params: parseJoinParams(query) } };
}

export function parseRoomLinkOrThrow(hash: string): RoomLink {
  const route = parseRoute(hash);
  if (route.kind !== 'room') throw new RoomLinkError(route.kind === 'invalid' ? route.reason : 'not a room link');
  return route.link;
}

/** The fragment for a room (no parameters unless given). */
export function formatRoomHash(roomId: string, secret: string, params: Partial<JoinParams> = {}): string {
  const q = new URLSearchParams();
  if (params.name) q.set('name', params.name);
  if (params.prejoin === false) q.set('prejoin', '0');
  if (params.audio === false) q.set('audio', '0');
  if (params.video === false) q.set('video', '0');
  if (params.relayOnly) q.set('relay', '1');
  if (params.jwt) q.set('jwt', params.jwt);
  if (params.meshMax !== undefined) q.set('meshMax', String(params.meshMax));
  if (params.lastN !== undefined) q.set('lastN', String(params.lastN));
  if (params.controlMesh !== undefined) q.set('controlMesh', String(params.controlMesh));
  if (params.quality) q.set('quality', params.quality);
  if (params.noiseSuppression === false) q.set('ns', '0');
  if (params.tiles !== undefined) q.set('tiles', String(params.tiles));
  const qs = q.toString();
  return `#/r/${roomId}/${secret}${qs ? `?${qs}` : ''}`;
}

/** A shareable link: the page URL without any existing fragment, plus the room fragment. */
export function formatRoomLink(pageUrl: string, roomId: string, secret: string): string {
  const base = pageUrl.split('#')[0] ?? pageUrl;
  return `${base}${formatRoomHash(roomId, secret)}`;
}

/**
 * The only thing the relay learns about a room: a one-way hash of its id, used as the
 * pub/sub topic. Domain-separated so it cannot be confused with other uses of the id.
 */
export async function roomTopic(roomId: string, purpose: 'mesh' | 'doc' = 'mesh'): Promise<string> {
  const data = new TextEncoder().encode(`lunar/v1/${purpose}/${roomId}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return toBase64Url(digest);
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}
