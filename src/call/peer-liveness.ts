/**
 * What the call's heartbeat decides about each peer it has a session with: keep it, drop it
 * (silent, gone by the relay's report, never reached), or retry its connection from scratch.
 * Pure: the engine passes what it knows and acts on the verdict.
 */
import { isSilent } from './silence-check';
import { sizeSteps } from '../util/size-steps';

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
/** Every member announces itself to the room through the relay this often (rooms up to 64). */
export const ANNOUNCE_EVERY_MS = 10_000;

/**
 * How often a member announces itself through the relay, and how long a member we hold no
 * connection to stays listed without one, by room size. Every announce goes to every member:
 * at a fixed 10 s a room cost the relay N²/10 deliveries a second (6,550 at 256, 100,000 at
 * 1,000: a third of what one relay process delivers) and each page N/10 messages a second. In a
 * large room the announces are not how members know each other is here: connections and the
 * control overlay's beats are (each beat heard also counts as seen). They are how a member
 * nobody told us about is found. So above 64 members they slow down, one 10 s step per 64
 * (40 s at 256, 160 s at 1,000: each page then receives ≈ 6 a second at any size, the relay
 * 6.4 × N), and the presence timeout stays three announces long.
 */
export function announcePace(members: number): { announceMs: number; presenceTimeoutMs: number } {
  const announceMs = ANNOUNCE_EVERY_MS * sizeSteps(members);
  return { announceMs, presenceTimeoutMs: Math.max(PRESENCE_TIMEOUT_MS, 3 * announceMs) };
}
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
 * `presenceTimeoutMs`: longer in large rooms, whose announces are slower (announcePace).
 */
export function judgeSession(s: SessionFacts, lastSeen: number | undefined, now: number, freshestOther: number | null, presenceTimeoutMs = PRESENCE_TIMEOUT_MS): 'keep' | 'silent' | 'never-connected' | 'retry' {
  if (s.everConnected) {
    const quiet = { lastHeardAt: s.lastHeardAt, lastSeen: lastSeen ?? Number.NEGATIVE_INFINITY, transportAlive: s.transportAlive };
    return isSilent(quiet, { now, freshestOther }, SILENCE_LIMITS) ? 'silent' : 'keep';
  }
  if (lastSeen !== undefined && now - lastSeen > presenceTimeoutMs) return 'never-connected';
  if (s.initiator && s.failed && now - (s.startedAt ?? now) > CONNECT_TIMEOUT_MS) return 'retry';
  return 'keep';
}
