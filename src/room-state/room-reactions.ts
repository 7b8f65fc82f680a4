/**
 * Reactions: a few emoji, transient (the doc keeps only the last few), rate-limited twice:
 * the sender refuses to go over its rate, and each receiver drops what a sender sent over
 * it (a hostile peer can write to the doc directly, bypassing the first limit).
 */
import type * as Y from 'yjs';
import { isRecord, isTimestamp, isToken, newId, safeRead } from './doc-values';
import { reactionsArray, tail, trimOldest } from './doc-layout';
import { RateLimiter } from './rate-limiter';
import { ROOM_LIMITS } from './room-limits';
import { RoomStateError } from './room-state-error';

export const REACTION_EMOJI = ['👍', '👏', '❤️', '😂', '😮', '🎉'] as const;
export type ReactionEmoji = (typeof REACTION_EMOJI)[number];

export interface Reaction {
  id: string;
  from: string;
  emoji: ReactionEmoji;
  at: number;
}

const EMOJI: ReadonlySet<string> = new Set(REACTION_EMOJI);

export function isReactionEmoji(v: unknown): v is ReactionEmoji {
  return typeof v === 'string' && EMOJI.has(v);
}

export function parseReaction(v: unknown): Reaction | null {
  if (!isRecord(v)) return null;
  const { id, from, emoji, at } = v;
  if (!isToken(id, ROOM_LIMITS.idChars) || !isToken(from) || !isReactionEmoji(emoji) || !isTimestamp(at)) return null;
  return { id, from, emoji, at };
}

export function createReactionLimiter(): RateLimiter {
  return new RateLimiter({ perSecond: ROOM_LIMITS.reactionsPerSecond, burst: ROOM_LIMITS.reactionBurst });
}

/** Sends a reaction; throws `rate-limited` over the rate (the limiter is the sender's own). */
export function sendReaction(doc: Y.Doc, limiter: RateLimiter, from: string, emoji: ReactionEmoji, now: number = Date.now()): Reaction {
  const reaction = parseReaction({ id: newId(), from, emoji, at: now });
  if (!reaction) throw new RoomStateError('invalid-input', 'unknown reaction or invalid sender');
  if (!limiter.tryTake(from, now)) throw new RoomStateError('rate-limited', 'too many reactions: wait a moment');
  const array = reactionsArray(doc);
  doc.transact(() => {
    array.push([reaction]);
    trimOldest(array, ROOM_LIMITS.reactionHistory);
  });
  return reaction;
}

export function readReactions(doc: Y.Doc): Reaction[] {
  return safeRead(() => {
    const out: Reaction[] = [];
    for (const raw of tail(reactionsArray(doc), ROOM_LIMITS.reactionHistory * 4)) {
      const reaction = parseReaction(raw);
      if (reaction) out.push(reaction);
    }
    return out.slice(-ROOM_LIMITS.reactionHistory);
  }, []);
}

/**
 * Receiver side: which reactions to show. Each id shows once; each sender at most at the
 * rate, measured on the receiver's clock (a sender's own timestamps are not trusted).
 * Reactions older than `maxAgeMs` by their own clock are history, not news: not shown.
 */
export class ReactionFilter {
  private readonly limiter = createReactionLimiter();
  private readonly seen = new Set<string>();

  constructor(private readonly maxAgeMs = 10_000) {}

  admit(reaction: Reaction, now: number = Date.now()): boolean {
    if (this.seen.has(reaction.id)) return false;
    this.seen.add(reaction.id);
    if (this.seen.size > ROOM_LIMITS.reactionHistory * 20) {
      const first = this.seen.values().next();
      if (!first.done) this.seen.delete(first.value);
    }
    if (Math.abs(now - reaction.at) > this.maxAgeMs) return false;
    return this.limiter.tryTake(reaction.from, now);
  }
}
