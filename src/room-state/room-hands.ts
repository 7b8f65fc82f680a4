/** Raised hands: peer id → when it went up; shown in the order hands went up. */
import type * as Y from 'yjs';
import { isTimestamp, isToken, safeRead } from './doc-values';
import { handsMap } from './doc-layout';
import { ROOM_LIMITS } from './room-limits';
import { RoomStateError } from './room-state-error';

export interface RaisedHand {
  peerId: string;
  raisedAt: number;
}

/** Raises `peerId`'s hand; raising it again keeps its place in the queue. */
export function raiseHand(doc: Y.Doc, peerId: string, at: number = Date.now()): void {
  if (!isToken(peerId) || !isTimestamp(at)) throw new RoomStateError('invalid-input', 'invalid peer id or time');
  const hands = handsMap(doc);
  if (isTimestamp(hands.get(peerId))) return;
  hands.set(peerId, at);
}

export function lowerHand(doc: Y.Doc, peerId: string): void {
  const hands = handsMap(doc);
  if (hands.has(peerId)) hands.delete(peerId);
}

export function isHandRaised(doc: Y.Doc, peerId: string): boolean {
  return safeRead(() => isTimestamp(handsMap(doc).get(peerId)), false);
}

/** Valid hands, earliest first (ties by peer id so every peer shows the same order). */
export function handsInOrder(doc: Y.Doc): RaisedHand[] {
  return safeRead(() => {
    const out: RaisedHand[] = [];
    handsMap(doc).forEach((raisedAt, peerId) => {
      if (isToken(peerId) && isTimestamp(raisedAt)) out.push({ peerId, raisedAt });
    });
    out.sort((a, b) => a.raisedAt - b.raisedAt || (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0));
    return out.slice(0, ROOM_LIMITS.hands);
  }, []);
}
