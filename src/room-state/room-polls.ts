/**
 * Polls: create, vote once, live tallies. A vote lives under the key "pollId.voterId", so
 * a voter has exactly one slot per poll: a second local vote is refused, and two concurrent
 * votes by the same voter (two tabs) resolve to one by the map's last-writer-wins.
 */
import type * as Y from 'yjs';
import { isBoundedString, isIndex, isRecord, isTimestamp, isToken, newId, safeRead } from './doc-values';
import { pollsMap, votesMap } from './doc-layout';
import { ROOM_LIMITS } from './room-limits';
import { RoomStateError } from './room-state-error';

export interface Poll {
  id: string;
  createdBy: string;
  question: string;
  options: string[];
  at: number;
}

export interface PollDraft {
  createdBy: string;
  question: string;
  options: string[];
  at?: number;
}

export interface PollResults {
  poll: Poll;
  /** Votes per option, same order as `poll.options`. */
  counts: number[];
  total: number;
  /** The option `voterId` chose (when asked for), else null. */
  myVote: number | null;
}

export function parsePoll(v: unknown): Poll | null {
  if (!isRecord(v)) return null;
  const { id, createdBy, question, options, at } = v;
  if (!isToken(id, ROOM_LIMITS.idChars) || !isToken(createdBy) || !isTimestamp(at)) return null;
  if (!isBoundedString(question, ROOM_LIMITS.pollQuestionChars) || !Array.isArray(options)) return null;
  if (options.length < ROOM_LIMITS.pollMinOptions || options.length > ROOM_LIMITS.pollMaxOptions) return null;
  if (!options.every((o) => isBoundedString(o, ROOM_LIMITS.pollOptionChars))) return null;
  return { id, createdBy, question, options: [...(options as string[])], at };
}

const voteKey = (pollId: string, voterId: string): string => `${pollId}.${voterId}`;

export function createPoll(doc: Y.Doc, draft: PollDraft): Poll {
  const poll = parsePoll({
    id: newId(),
    createdBy: draft.createdBy,
    question: draft.question.trim(),
    options: draft.options.map((o) => o.trim()),
    at: draft.at ?? Date.now(),
  });
  if (!poll) {
    throw new RoomStateError(
      'invalid-input',
      `a poll needs a question (≤ ${ROOM_LIMITS.pollQuestionChars}) and ${ROOM_LIMITS.pollMinOptions}–${ROOM_LIMITS.pollMaxOptions} options (≤ ${ROOM_LIMITS.pollOptionChars} each)`,
    );
  }
  doc.transact(() => {
    pollsMap(doc).set(poll.id, poll);
    // Over the cap, the oldest poll goes, with its votes.
    for (const old of readPolls(doc).slice(0, -ROOM_LIMITS.polls)) deletePoll(doc, old.id);
  });
  return poll;
}

export function deletePoll(doc: Y.Doc, pollId: string): void {
  doc.transact(() => {
    pollsMap(doc).delete(pollId);
    const votes = votesMap(doc);
    for (const key of [...votes.keys()]) if (key.startsWith(`${pollId}.`)) votes.delete(key);
  });
}

/** Valid polls, oldest first. */
export function readPolls(doc: Y.Doc): Poll[] {
  return safeRead(() => {
    const out: Poll[] = [];
    pollsMap(doc).forEach((raw, key) => {
      const poll = parsePoll(raw);
      if (poll && poll.id === key) out.push(poll);
    });
    out.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
    return out;
  }, []);
}

export function readPoll(doc: Y.Doc, pollId: string): Poll | null {
  return safeRead(() => {
    const poll = parsePoll(pollsMap(doc).get(pollId));
    return poll && poll.id === pollId ? poll : null;
  }, null);
}

export function vote(doc: Y.Doc, pollId: string, voterId: string, option: number): void {
  const poll = readPoll(doc, pollId);
  if (!poll) throw new RoomStateError('unknown-poll', 'no such poll');
  if (!isToken(voterId) || !isIndex(option, poll.options.length)) throw new RoomStateError('invalid-input', 'invalid voter or option');
  const votes = votesMap(doc);
  const key = voteKey(pollId, voterId);
  if (votes.has(key)) throw new RoomStateError('already-voted', 'you already voted in this poll');
  votes.set(key, option);
}

/** Live tallies; invalid votes (bad index, bad voter, unknown poll) count for nothing. */
export function pollResults(doc: Y.Doc, pollId: string, voterId?: string): PollResults | null {
  const poll = readPoll(doc, pollId);
  if (!poll) return null;
  return safeRead(() => {
    const prefix = `${pollId}.`;
    const valid: Array<[string, number]> = [];
    votesMap(doc).forEach((option, key) => {
      if (!key.startsWith(prefix)) return;
      const voter = key.slice(prefix.length);
      if (isToken(voter) && isIndex(option, poll.options.length)) valid.push([voter, option]);
    });
    // A flood of votes is cut the same way on every peer: by voter id, not arrival order.
    valid.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const counted = valid.slice(0, ROOM_LIMITS.votesPerPoll);
    const counts: number[] = poll.options.map(() => 0);
    for (const [, option] of counted) counts[option] = (counts[option] ?? 0) + 1;
    const mine = voterId === undefined ? undefined : counted.find(([voter]) => voter === voterId);
    return { poll, counts, total: counted.length, myVote: mine ? mine[1] : null };
  }, { poll, counts: poll.options.map(() => 0), total: 0, myVote: null });
}
