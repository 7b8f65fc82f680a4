import { RelayError } from '../errors';

/**
 * The PeerJS server wire protocol (what the unmodified `peerjs` client speaks), as pure
 * validation. Everything from a client is untrusted: ids, tokens and message shapes are
 * checked here and nowhere else.
 */
export const PEER_ID_PATTERN = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;
export const MAX_PEER_ID_LENGTH = 64;
export const MAX_TOKEN_LENGTH = 64;
/** The PeerJS client's default API key; it also names the HTTP prefix (`/peerjs/id`). */
export const PEERJS_KEY = 'peerjs';

export const RELAYED_TYPES = ['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE'] as const;
export type RelayedType = (typeof RELAYED_TYPES)[number];
/** Only these are worth queueing for an absent peer; LEAVE/EXPIRE to nobody mean nothing. */
export const QUEUEABLE_TYPES: ReadonlySet<RelayedType> = new Set(['OFFER', 'ANSWER', 'CANDIDATE']);

export type PeerClientMessage =
  | { type: 'HEARTBEAT' }
  | { type: RelayedType; dst: string; payload: unknown };

export type PeerServerMessage =
  | { type: 'OPEN' }
  | { type: 'ERROR'; payload: { msg: string; code?: string } }
  | { type: 'ID-TAKEN'; payload: { msg: string } }
  | { type: 'EXPIRE'; src: string; dst: string }
  /** The relay lost `src`'s socket (see peerjs-route.ts): a hint for the peers it negotiated with. */
  | { type: 'GONE'; src: string; dst: string }
  | { type: RelayedType; src: string; dst: string; payload: unknown };

export function isValidPeerId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= MAX_PEER_ID_LENGTH && PEER_ID_PATTERN.test(id);
}

export function isValidToken(token: unknown): token is string {
  return typeof token === 'string' && token.length > 0 && token.length <= MAX_TOKEN_LENGTH;
}

export interface PeerHandshake {
  id: string;
  token: string;
}

/** Validates the query of `/peerjs?key=…&id=…&token=…&version=…`. */
export function parsePeerHandshake(params: URLSearchParams): PeerHandshake {
  const id = params.get('id');
  const token = params.get('token');
  const key = params.get('key');
  if (!id || !token || !key) {
    throw new RelayError('bad-message', 'No id, token, or key supplied to websocket server');
  }
  if (key !== PEERJS_KEY) throw new RelayError('invalid-key', 'Invalid key provided');
  if (!isValidPeerId(id)) throw new RelayError('invalid-id', 'Invalid id');
  if (!isValidToken(token)) throw new RelayError('invalid-token', 'Invalid token');
  return { id, token };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const FORWARDED_KEYS: ReadonlySet<string> = new Set(['type', 'dst', 'payload']);

/**
 * True when a relayed message's own keys are only `type`, `dst` and `payload`: then the
 * client's JSON text, with the relay's `src` appended, parses to exactly what
 * re-serialising `{type, src, dst, payload}` would give, and routing can skip the
 * stringify. Anything else (a client `src`, extra fields) takes the re-serialising path.
 */
export function hasOnlyForwardedKeys(value: object): boolean {
  for (const key in value) {
    if (!FORWARDED_KEYS.has(key)) return false;
  }
  return true;
}

/**
 * The client's text with `"src":<id>` added as the last member. `text` must be JSON that
 * parsed to a non-array object with at least `type` (so a member precedes the comma), and
 * `src` must be a valid peer id (no characters that need escaping).
 */
export function appendSrc(text: string, src: string): string {
  return `${text.slice(0, text.lastIndexOf('}'))},"src":"${src}"}`;
}

export function parsePeerClientMessage(value: unknown): PeerClientMessage {
  if (!isRecord(value)) throw new RelayError('bad-message', 'message must be a JSON object');
  const { type } = value;
  if (typeof type !== 'string') throw new RelayError('bad-message', 'message.type must be a string');
  if (type === 'HEARTBEAT') return { type };
  if (!(RELAYED_TYPES as readonly string[]).includes(type)) {
    throw new RelayError('unknown-type', 'unknown message type');
  }
  if (!isValidPeerId(value.dst)) throw new RelayError('bad-message', 'message.dst must be a valid peer id');
  // `src` from the client is ignored on purpose: the relay stamps the sender's own id.
  return { type: type as RelayedType, dst: value.dst, payload: value.payload };
}
