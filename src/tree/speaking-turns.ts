/**
 * Who is "active" in a large room, from speaking turns in shared presence, so no one has to
 * receive a stream to know who speaks.
 *
 * A turn is a Lamport-style counter: when a member starts speaking and someone spoke after
 * its last turn, it takes `1 + the highest turn it has seen`. Every page reads the same
 * presences, so every page ranks members the same way (no clocks compared across machines);
 * a newer turn means a more recent speaker. Pure: the caller passes levels and time.
 */

/** A member as the ranking sees it; `turn` is absent until it first speaks. */
export interface TurnMember {
  id: string;
  joinedAt: number;
  turn?: number;
}

/** Turns are small integers; anything else in presence is ignored (read as "never spoke"). */
export const MAX_TURN = 1_000_000_000;

export function isTurn(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_TURN;
}

const byJoin = (a: TurnMember, b: TurnMember) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The `n` most recent speakers (newest turn first; members who never spoke after them, in join
 * order), returned in join order: the set decides the plan, and a stable order keeps the plan
 * (and so the links) unchanged when only the order of recent speakers changes.
 */
export function activeSources(members: readonly TurnMember[], n: number): string[] {
  const ranked = [...members].sort((a, b) => (b.turn ?? 0) - (a.turn ?? 0) || byJoin(a, b));
  return ranked
    .slice(0, Math.max(0, n))
    .sort(byJoin)
    .map((m) => m.id);
}

/**
 * The turns to plan with, from the `next` reading of presence and the `previous` turns: a turn
 * only rises, so a member still in the room (`present`) keeps the turn it had when its presence
 * is missing from `next` or shows an older one. A presence blinks: when the doc link to a member
 * is re-made (its connection replaced), its presence is removed and comes back a moment later.
 * Read as "never spoke", that blink took it out of the last N and re-made links across the room
 * (in one CI run a link the test expected to stay was re-made that way). Members no longer
 * present are forgotten.
 */
export function keepTurns(previous: ReadonlyMap<string, number>, next: ReadonlyMap<string, number>, present: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, turn] of next) out.set(id, Math.max(turn, previous.get(id) ?? 0));
  for (const [id, turn] of previous) if (!out.has(id) && present.has(id)) out.set(id, turn);
  return out;
}

/** Level (0..1, as published in presence) from which a member counts as speaking. */
export const SPEAKING_LEVEL = 0.1;
/** Speaking this long takes a turn: a cough or a click does not. */
export const TURN_AFTER_MS = 300;
/** Quiet gaps shorter than this (between words) do not end a stretch of speech. */
export const HANGOVER_MS = 700;

/** Our own turn-taking, fed with our level every poll. */
export class TurnTaker {
  private speakingSince: number | null = null;
  private lastLoudAt = Number.NEGATIVE_INFINITY;
  private mine = 0;

  get turn(): number | undefined {
    return this.mine > 0 ? this.mine : undefined;
  }

  /**
   * Returns our new turn when we take one, else null. `highestSeen` is the highest turn in
   * anyone's presence (ours included).
   */
  update(level: number, now: number, highestSeen: number): number | null {
    if (level < SPEAKING_LEVEL) {
      if (now - this.lastLoudAt > HANGOVER_MS) this.speakingSince = null;
      return null;
    }
    if (this.speakingSince === null || now - this.lastLoudAt > HANGOVER_MS) this.speakingSince = now;
    this.lastLoudAt = now;
    if (now - this.speakingSince < TURN_AFTER_MS) return null;
    // Already the most recent speaker: keep the turn (no counter inflation, no plan churn).
    if (this.mine > 0 && this.mine >= highestSeen) return null;
    this.mine = Math.min(MAX_TURN, Math.max(highestSeen, this.mine) + 1);
    return this.mine;
  }
}
