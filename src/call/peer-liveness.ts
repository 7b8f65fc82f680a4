/**
 * What the call's heartbeat decides about each peer it has a session with: keep it, drop it
 * (silent, gone by the relay's report, never reached), or retry its connection from scratch.
 * Pure: the engine passes what it knows and acts on the verdict.
 */
import { isSilent } from './silence-check';

/** A connected peer silent for this long (no heartbeats) has dropped off the network. */
export const SILENCE_TIMEOUT_MS = 8000;
/** ...judged against the others (silence-check.ts); absent from the relay too this long: gone. */
export const SILENCE_LIMITS = { silenceMs: SILENCE_TIMEOUT_MS, goneMs: 25_000 };
/**
 * The relay reported a peer's signalling socket closed (GONE: a crashed or killed page): if
 * nothing came from it this long after the report (heartbeats go every 2 s), it is gone. Its
 * tile went after 8 s of silence or more before (ICE stays connected for seconds after a crash).
 */
export const GONE_CONFIRM_MS = 3000;
/** A peer we never reached is forgotten after this long without a presence announce. */
export const PRESENCE_TIMEOUT_MS = 30_000;
/** A connection we offered that failed and stayed failed this long is made anew. */
export const CONNECT_TIMEOUT_MS = 20_000;

/** Packets from the peer still arrive (media, ICE consent): its page may be slow, not gone. */
export function iceAlive(pc: Pick<RTCPeerConnection, 'iceConnectionState'>): boolean {
  return pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed';
}

/**
 * A relay report that a peer's socket closed: `heard-since` (it spoke after the report: drop
 * the report), `wait` (too early to tell; and in a tree, where the member is already planned
 * as a stalled leaf and its children re-attach, removing it would re-plan and rekey in the
 * middle of that repair: one CI run had first frames 4.7–5.5 s after the crash instead of
 * 2.3–3.3 s; the silence rules remove it later), or `gone`.
 */
export function judgeGoneReport(goneAt: number | undefined, lastHeardAt: number, now: number, inTree: boolean): 'none' | 'heard-since' | 'wait' | 'gone' {
  if (goneAt === undefined) return 'none';
  if (lastHeardAt > goneAt) return 'heard-since';
  if (now - goneAt < GONE_CONFIRM_MS || inTree) return 'wait';
  return 'gone';
}

export interface SessionFacts {
  everConnected: boolean;
  lastHeardAt: number;
  /** Its connection's ICE is connected (iceAlive). */
  transportAlive: boolean;
  /** We made the offer. */
  initiator: boolean;
  /** Its connection is failed now. */
  failed: boolean;
  /** When we opened it (undefined: not known). */
  startedAt: number | undefined;
}

/**
 * `silent`: connected once and gone quiet (isSilent: judged against the others we hear);
 * `never-connected`: never reached, and its presence announces stopped PRESENCE_TIMEOUT_MS ago;
 * `retry`: we offered, ICE restarts did not help, CONNECT_TIMEOUT_MS passed: a whole new
 * connection (the tile keeps its message). `lastSeen`: its last presence announce, when known.
 */
export function judgeSession(s: SessionFacts, lastSeen: number | undefined, now: number, freshestOther: number | null): 'keep' | 'silent' | 'never-connected' | 'retry' {
  if (s.everConnected) {
    const quiet = { lastHeardAt: s.lastHeardAt, lastSeen: lastSeen ?? Number.NEGATIVE_INFINITY, transportAlive: s.transportAlive };
    return isSilent(quiet, { now, freshestOther }, SILENCE_LIMITS) ? 'silent' : 'keep';
  }
  if (lastSeen !== undefined && now - lastSeen > PRESENCE_TIMEOUT_MS) return 'never-connected';
  if (s.initiator && s.failed && now - (s.startedAt ?? now) > CONNECT_TIMEOUT_MS) return 'retry';
  return 'keep';
}
