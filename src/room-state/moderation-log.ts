/**
 * The moderator-action log in the doc, and the published moderator keys. The log holds
 * signed actions only; it is readable by any member, and verified by each (`moderation.ts`).
 */
import type * as Y from 'yjs';
import { bytesToBase64Url } from '../e2ee/bytes';
import { isRecord, isTimestamp, safeRead } from './doc-values';
import { modlogArray, moderatorsMap, tail, trimOldest } from './doc-layout';
import { parsePublicKey, verifyModeratorKey } from './host-key';
import type { SignedAction } from './moderator-action';
import { parseSignedAction } from './moderator-action';
import { ROOM_LIMITS } from './room-limits';

export function publishAction(doc: Y.Doc, signed: SignedAction): void {
  const array = modlogArray(doc);
  doc.transact(() => {
    array.push([signed]);
    trimOldest(array, ROOM_LIMITS.moderationLog);
  });
}

/** Well-formed entries in doc order (not yet verified: that needs keys and state). */
export function readActionLog(doc: Y.Doc): SignedAction[] {
  return safeRead(() => {
    const out: SignedAction[] = [];
    for (const raw of tail(modlogArray(doc), ROOM_LIMITS.moderationLog * 4)) {
      const signed = parseSignedAction(raw);
      if (signed) out.push(signed);
    }
    return out.slice(-ROOM_LIMITS.moderationLog);
  }, []);
}

/**
 * The host announces its public key so guests (whose links lack it) can verify actions.
 * Keyed by the key itself, so a member writing a bogus key cannot overwrite the real one.
 */
export function publishModeratorKey(doc: Y.Doc, publicKey: Uint8Array, at: number = Date.now()): void {
  const key = bytesToBase64Url(publicKey);
  const map = moderatorsMap(doc);
  if (!map.has(key)) map.set(key, { at });
}

/** The published key that hashes to `roomId`, if any (bogus claims are ignored). */
export function readModeratorKey(doc: Y.Doc, roomId: string): Uint8Array | null {
  return safeRead(() => {
    for (const [key, value] of moderatorsMap(doc).entries()) {
      if (!isRecord(value) || !isTimestamp(value.at)) continue;
      const publicKey = parsePublicKey(key);
      if (publicKey && verifyModeratorKey(roomId, publicKey)) return publicKey;
    }
    return null;
  }, null);
}
