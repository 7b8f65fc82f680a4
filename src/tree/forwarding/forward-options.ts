/**
 * What crosses the main-thread → forward-worker boundary, validated on arrival: the
 * `options` of a receiver's RTCRtpScriptTransform and the arguments of attach calls.
 * Stream ids follow the planner's (`video:<member>`, `audio:<member>`).
 */
import type { MediaKind } from '../../e2ee/clear-prefix';
import { ForwardingError } from './forwarding-error';

const MAX_ID_LENGTH = 256;

/** A receiver reading `sourceId`'s encrypted `kind` frames from our parent. */
export interface ReceiveOptions {
  role: 'receive';
  kind: MediaKind;
  sourceId: string;
  /** The link (peer connection) this receiver belongs to: frames are counted per link too (`received`). */
  link?: string;
}

/**
 * A receiver whose source is not known yet (a spare link, made ahead of need): its frames wait
 * until `bindReceiver(token, sourceId)` says whose they are. Chromium runs a receiver transform
 * only if it was set before any description was applied, so a spare cannot get its transform later.
 */
export interface LaterReceiveOptions {
  role: 'receive-later';
  kind: MediaKind;
  token: string;
  link?: string;
}

/** A sender towards `childId` that carries `sourceId`'s `kind` frames as they arrive. */
export interface ChildOptions {
  role: 'child';
  kind: MediaKind;
  sourceId: string;
  childId: string;
  /** A standby link (tree-call.ts): nothing passes until it is resumed. */
  paused?: boolean;
}

/** Our own sender: encodes and encrypts our `kind` track (we are `localId`). */
export interface OriginOptions {
  role: 'origin';
  kind: MediaKind;
  localId: string;
}

export type ForwardOptions = ReceiveOptions | LaterReceiveOptions | ChildOptions | OriginOptions;

export function streamId(kind: MediaKind, sourceId: string): string {
  return `${kind}:${sourceId}`;
}

function fail(why: string): never {
  throw new ForwardingError('invalid-message', `invalid forwarding options: ${why}`);
}

export function id(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) return fail(name);
  return value;
}

export function parseForwardOptions(raw: unknown): ForwardOptions {
  if (typeof raw !== 'object' || raw === null) return fail('not an object');
  const o = raw as Record<string, unknown>;
  if (o.kind !== 'audio' && o.kind !== 'video') return fail('kind');
  const kind: MediaKind = o.kind;
  switch (o.role) {
    case 'receive':
      return { role: 'receive', kind, sourceId: id(o.sourceId, 'sourceId'), ...(o.link === undefined ? {} : { link: id(o.link, 'link') }) };
    case 'receive-later':
      return { role: 'receive-later', kind, token: id(o.token, 'token'), ...(o.link === undefined ? {} : { link: id(o.link, 'link') }) };
    case 'child':
      if (o.paused !== undefined && typeof o.paused !== 'boolean') return fail('paused');
      return { role: 'child', kind, sourceId: id(o.sourceId, 'sourceId'), childId: id(o.childId, 'childId'), ...(o.paused ? { paused: true } : {}) };
    case 'origin':
      return { role: 'origin', kind, localId: id(o.localId, 'localId') };
    default:
      return fail('role');
  }
}
