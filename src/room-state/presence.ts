/**
 * Presence (Yjs awareness): who is here and what they are doing right now. Awareness
 * states come from other peers, so each one is validated; an invalid state is as if the
 * peer had published none.
 */
import { isBoundedString, isRecord, isTimestamp, isToken } from './doc-values';
import { ROOM_LIMITS } from './room-limits';
import { isTurn } from '../tree/speaking-turns';

export const PRESENCE_VERSION = 1;

export type PresenceRole = 'host' | 'moderator' | 'guest';
/** E2EE state of this peer as its owner sees it (the security panel has the detail). */
export type PresenceE2ee = 'verified' | 'unverified' | 'off';

export interface Presence {
  v: typeof PRESENCE_VERSION;
  peerId: string;
  name: string;
  mic: boolean;
  cam: boolean;
  /** When the hand went up, or null. */
  hand: number | null;
  /** Speaking level 0..1 (coarse: it is for the tile ring, not for audio analysis). */
  speaking: number;
  role: PresenceRole;
  e2ee: PresenceE2ee;
  /**
   * Recording the call locally right now. Everyone shows "<name> is recording" while it is true.
   * Absent (older clients) reads as not recording.
   */
  recording?: boolean;
  /**
   * Speaking turn (src/tree/speaking-turns.ts): a Lamport-style counter taken when this peer
   * starts speaking; the highest turns are the most recent speakers (last N in large rooms).
   * Absent until the peer first speaks.
   */
  turn?: number;
}

/**
 * Peers beyond this are ignored: the largest room an operator may allow (`MAX_PARTICIPANTS`,
 * up to 1,000). It was 64 while every room was a mesh; in a large room presence carries the
 * speaking turns that choose the active sources, so nobody may fall off the end.
 */
export const MAX_PRESENCE_PEERS = 1000;

const ROLES: ReadonlySet<unknown> = new Set<PresenceRole>(['host', 'moderator', 'guest']);
const E2EE: ReadonlySet<unknown> = new Set<PresenceE2ee>(['verified', 'unverified', 'off']);

export function parsePresence(v: unknown): Presence | null {
  if (!isRecord(v) || v.v !== PRESENCE_VERSION) return null;
  const { peerId, name, mic, cam, hand, speaking, role, e2ee, recording, turn } = v;
  if (!isToken(peerId) || !isBoundedString(name, ROOM_LIMITS.nameChars)) return null;
  if (typeof mic !== 'boolean' || typeof cam !== 'boolean') return null;
  if (hand !== null && !isTimestamp(hand)) return null;
  if (typeof speaking !== 'number' || !(speaking >= 0 && speaking <= 1)) return null;
  if (!ROLES.has(role) || !E2EE.has(e2ee)) return null;
  if (recording !== undefined && typeof recording !== 'boolean') return null;
  if (turn !== undefined && !isTurn(turn)) return null;
  const out: Presence = { v: PRESENCE_VERSION, peerId, name, mic, cam, hand, speaking, role: role as PresenceRole, e2ee: e2ee as PresenceE2ee };
  if (recording !== undefined) out.recording = recording;
  if (turn !== undefined) out.turn = turn;
  return out;
}

/**
 * Valid presences by awareness client id, skipping our own. A later client claiming a peer
 * id already seen is dropped, so one peer id maps to one presence.
 */
export function readPresences(states: ReadonlyMap<number, unknown>, selfClientId: number): Map<number, Presence> {
  const out = new Map<number, Presence>();
  const peerIds = new Set<string>();
  const ids = [...states.keys()].filter((id) => id !== selfClientId).sort((a, b) => a - b);
  for (const id of ids) {
    if (out.size >= MAX_PRESENCE_PEERS) break;
    const presence = parsePresence(states.get(id));
    if (!presence || peerIds.has(presence.peerId)) continue;
    peerIds.add(presence.peerId);
    out.set(id, presence);
  }
  return out;
}

/** How often a page reads its own speaking level and publishes it when the shown step changed. */
export const SPEAKING_POLL_MS = 300;

/** Speaking levels change many times a second; publish only steps that a tile can show. */
export function quantizeSpeaking(level: number): number {
  if (!Number.isFinite(level) || level <= 0) return 0;
  return Math.min(1, Math.round(level * 10) / 10);
}
