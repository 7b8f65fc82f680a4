/**
 * When a page re-publishes its presence (awareness) and when another's presence times out,
 * by how many presences there are.
 *
 * y-protocols' Awareness renews its own state every 15 s and drops any other not renewed for
 * 30 s, whatever the room. Each renewal is a message to every doc link; on a large room's
 * control overlay (`passOn`) every page passes it on once to each of its links, so the room
 * carries N / 15 floods a second: at 1,000 members about 67, ≈ 52 KB/s sent by every page,
 * more than the overlay's own liveness (bench/tree, "Presence over the overlay"). Liveness
 * there is the overlay's job (beats, the relay's GONE, goodbyes); a presence renewal only keeps
 * a state from timing out. So the renewal slows as the room grows, 15 s more per 64 presences
 * (60 s at 256, 240 s at 1,000: about four renewals a second room-wide at any size), and the
 * timeout stays 2.5 renewals long (37.5 s up to 64). The half renewal of slack covers pages
 * that count one step apart (a room just past 64, seen from a page that still counts 64) and
 * the check's own 3 s granularity. Changes (mute, hand, speaking, name) still go out at once.
 */
import { removeAwarenessStates, type Awareness } from 'y-protocols/awareness';
import { sizeSteps } from '../util/size-steps';

export const PRESENCE_RENEW_MS = 15_000;
/** How often the clock looks (y-protocols' own check runs every 3 s too). */
export const PRESENCE_CHECK_MS = 3_000;

export interface PresencePace {
  renewMs: number;
  timeoutMs: number;
}

export function presencePace(presences: number): PresencePace {
  const renewMs = PRESENCE_RENEW_MS * sizeSteps(presences);
  return { renewMs, timeoutMs: 2.5 * renewMs };
}

/**
 * One look at `now`: renews our own state when a renewal is due and returns the others whose
 * state has not been renewed within the timeout (the caller removes them).
 */
export function checkPresence(awareness: Awareness, now: number): number[] {
  const { renewMs, timeoutMs } = presencePace(awareness.getStates().size);
  const own = awareness.meta.get(awareness.clientID);
  const local = awareness.getLocalState();
  if (local !== null && own !== undefined && now - own.lastUpdated >= renewMs) awareness.setLocalState(local);
  const stale: number[] = [];
  for (const [clientId, meta] of awareness.meta) {
    if (clientId !== awareness.clientID && awareness.states.has(clientId) && now - meta.lastUpdated >= timeoutMs) stale.push(clientId);
  }
  return stale;
}

/**
 * Replaces the awareness's fixed 15 s / 30 s check with the paced one. Returns a stop
 * function (destroying the awareness stops nothing of ours). `now` must be the clock that
 * stamps awareness states (y-protocols uses `Date.now`); tests pass their own.
 */
export function startPresenceClock(awareness: Awareness, opts: { checkMs?: number; now?: () => number } = {}): () => void {
  const now = opts.now ?? (() => Date.now());
  // y-protocols keeps its check's timer on the instance; it would renew every 15 s and drop
  // others at 30 s whatever we decide.
  clearInterval(awareness._checkInterval as ReturnType<typeof setInterval>);
  const timer = setInterval(() => {
    const stale = checkPresence(awareness, now());
    if (stale.length > 0) removeAwarenessStates(awareness, stale, 'timeout');
  }, opts.checkMs ?? PRESENCE_CHECK_MS);
  return () => clearInterval(timer);
}
