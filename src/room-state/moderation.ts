/**
 * Signing and verifying moderator actions.
 *
 * - Hosted room: actions are Ed25519-signed by the host key; every client checks the key
 *   against the room id (`host-key.ts`) and the signature before anything takes effect.
 * - "Everyone is a moderator" (switched on by a host-signed action, or any room without a
 *   host key): any member may act; those actions carry an HMAC under a key derived from the
 *   current E2EE epoch key, so only current members can make them — and a removed member,
 *   who lacks the new epoch key, cannot.
 *
 * Replay protection: the signature covers id, time, epoch and target; a verifier keeps a
 * seen-set of ids, refuses actions from the future and, for one-shot effects (mute, remove,
 * admit/deny), treats actions from an older epoch or older than `maxAgeMs` as history:
 * they still count for room settings, but fire nothing.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64UrlToBytes, bytesToBase64Url, encodeParts, equalBytes, utf8 } from '../e2ee/bytes';
import { deriveSubKey } from '../e2ee/room-keys';
import { newId } from './doc-values';
import type { HostKey } from './host-key';
import { verifyModeratorKey } from './host-key';
import type { ActionBody, ModeratorAction, SignedAction } from './moderator-action';
import { ACTION_VERSION, EFFECT_KINDS, parseModeratorAction, parseSignedAction } from './moderator-action';
import { RoomStateError } from './room-state-error';

export interface ActionContext {
  /** Author's mesh peer id. */
  by: string;
  /** Current E2EE key epoch. */
  epoch: number;
  now?: number;
}

function actionBytes(roomId: string, auth: SignedAction['auth'], body: string): Uint8Array {
  return encodeParts(utf8('lunar moderator action v1'), utf8(roomId), utf8(auth), utf8(body));
}

function buildAction(body: ActionBody, context: ActionContext): ModeratorAction {
  const action = parseModeratorAction({ v: ACTION_VERSION, id: newId(), at: context.now ?? Date.now(), epoch: context.epoch, by: context.by, ...body });
  if (!action) throw new RoomStateError('invalid-input', `invalid ${body.kind} action`);
  return action;
}

/** The HMAC key for "everyone is a moderator" actions in one epoch. */
export function moderationAuthKey(epochKey: Uint8Array): Uint8Array {
  return deriveSubKey(epochKey, 'moderation actions');
}

export function signAction(roomId: string, hostKey: HostKey, body: ActionBody, context: ActionContext): SignedAction {
  const json = JSON.stringify(buildAction(body, context));
  const sig = ed25519.sign(actionBytes(roomId, 'ed25519', json), hostKey.secretKey);
  return { auth: 'ed25519', body: json, sig: bytesToBase64Url(sig) };
}

export function macAction(roomId: string, authKey: Uint8Array, body: ActionBody, context: ActionContext): SignedAction {
  if (body.kind === 'everyone-moderator') throw new RoomStateError('not-moderator', 'only the host can change who moderates');
  const json = JSON.stringify(buildAction(body, context));
  return { auth: 'hmac', body: json, sig: bytesToBase64Url(hmac(sha256, authKey, actionBytes(roomId, 'hmac', json))) };
}

export interface VerifyOptions {
  /** HMAC key for an epoch (`moderationAuthKey`), or null when we do not hold it. */
  authKeyForEpoch?: (epoch: number) => Uint8Array | null;
  /** Whether the room currently lets every member moderate. Rooms without a host key always do. */
  everyoneModerator?: boolean;
}

/**
 * Checks authenticity only (no replay state): returns the action or throws `forged-action`,
 * `wrong-moderator-key`, `not-moderator` or `invalid-message`.
 */
export function verifyAction(roomId: string, moderatorKey: Uint8Array | null, signed: unknown, options: VerifyOptions = {}): ModeratorAction {
  const wire = parseSignedAction(signed);
  if (!wire) throw new RoomStateError('invalid-message', 'not a signed moderator action');
  const sig = base64UrlToBytes(wire.sig);
  if (!sig) throw new RoomStateError('invalid-message', 'signature is not base64url');
  const bytes = actionBytes(roomId, wire.auth, wire.body);
  if (wire.auth === 'ed25519') {
    if (!moderatorKey) throw new RoomStateError('wrong-moderator-key', 'this room has no moderator key');
    if (!verifyModeratorKey(roomId, moderatorKey)) throw new RoomStateError('wrong-moderator-key', 'moderator key does not belong to this room');
    let ok = false;
    try {
      ok = sig.length === 64 && ed25519.verify(sig, bytes, moderatorKey);
    } catch {
      ok = false;
    }
    if (!ok) throw new RoomStateError('forged-action', 'moderator signature does not verify');
  } else {
    if (moderatorKey && !options.everyoneModerator) throw new RoomStateError('not-moderator', 'only moderators may do this');
    const epoch = peekEpoch(wire.body);
    const key = epoch === null ? null : options.authKeyForEpoch?.(epoch) ?? null;
    if (!key) throw new RoomStateError('forged-action', 'no room key for this action epoch');
    if (!equalBytes(sig, hmac(sha256, key, bytes))) throw new RoomStateError('forged-action', 'action MAC does not verify');
  }
  const action = parseBody(wire.body);
  if (!action) throw new RoomStateError('invalid-message', 'signed action has an invalid body');
  if (wire.auth === 'hmac' && action.kind === 'everyone-moderator') throw new RoomStateError('not-moderator', 'only the host can change who moderates');
  return action;
}

function parseBody(body: string): ModeratorAction | null {
  try {
    return parseModeratorAction(JSON.parse(body));
  } catch {
    return null;
  }
}

/** The epoch claimed by an unverified body: only used to pick which key to check the MAC with. */
function peekEpoch(body: string): number | null {
  const action = parseBody(body);
  return action ? action.epoch : null;
}

export interface Verdict {
  action: ModeratorAction;
  /** Whether to carry out a one-shot effect now (false: history, settings only). */
  live: boolean;
}

export interface VerifierOptions extends VerifyOptions {
  roomId: string;
  moderatorKey: Uint8Array | null;
  /** One-shot effects older than this (by the author's clock) are history. */
  maxAgeMs?: number;
  /** Clock skew tolerated for actions "from the future". */
  skewMs?: number;
  /** Ids remembered for replay detection. */
  maxSeen?: number;
}

/** A client's verifier: authenticity plus replay protection, in one stateful object. */
export class ActionVerifier {
  private readonly seen = new Set<string>();

  constructor(private readonly options: VerifierOptions) {}

  /** Throws `replayed-action` / `stale-action` on top of `verifyAction`'s codes. */
  accept(signed: unknown, state: { now: number; epoch: number; everyoneModerator: boolean }): Verdict {
    const { roomId, moderatorKey, maxAgeMs = 60_000, skewMs = 30_000, maxSeen = 10_000 } = this.options;
    const action = verifyAction(roomId, moderatorKey, signed, {
      ...(this.options.authKeyForEpoch ? { authKeyForEpoch: this.options.authKeyForEpoch } : {}),
      everyoneModerator: !moderatorKey || state.everyoneModerator,
    });
    if (this.seen.has(action.id)) throw new RoomStateError('replayed-action', 'action already seen');
    if (action.at > state.now + skewMs) throw new RoomStateError('stale-action', 'action is from the future');
    if (action.epoch > state.epoch) throw new RoomStateError('stale-action', 'action is from an epoch we have not reached');
    this.seen.add(action.id);
    if (this.seen.size > maxSeen) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    const fresh = action.epoch === state.epoch && state.now - action.at <= maxAgeMs;
    return { action, live: EFFECT_KINDS.has(action.kind) && fresh };
  }
}
