/** The small pure parts: rate limiter, reactions, polls, DMs, presence, links, provider params. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDirectMessage, DirectMessageStore, parseDirectMessage } from '../../../src/room-state/direct-message';
import { createHostedRoom } from '../../../src/room-state/host-key';
import { parsePresence, readPresences } from '../../../src/room-state/presence';
import { RateLimiter } from '../../../src/room-state/rate-limiter';
import { createPoll, createReactionLimiter, pollResults, ReactionFilter, sendReaction, vote } from '../../../src/room-state/room-doc-schema';
import { formatHostHash, formatLobbyHash, parseLobbyHash, readHostKey, readPasscodeCheck } from '../../../src/room-state/room-links';
import { RoomStateError } from '../../../src/room-state/room-state-error';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof RoomStateError ? err.code : 'other';
  }
  return undefined;
};

describe('RateLimiter', () => {
  it('allows a burst, then the rate; a clock going back mints nothing', () => {
    const limiter = new RateLimiter({ perSecond: 3, burst: 5 });
    const taken = Array.from({ length: 7 }, () => limiter.tryTake('a', 0));
    expect(taken).toEqual([true, true, true, true, true, false, false]);
    expect(limiter.tryTake('b', 0)).toBe(true); // per sender
    expect(limiter.tryTake('a', 334)).toBe(true); // 1/3 s → one token
    expect(limiter.tryTake('a', 334)).toBe(false);
    expect(limiter.tryTake('a', -10_000)).toBe(false);
  });
});

describe('reactions', () => {
  it('the sender is limited; receivers drop a hostile flood and repeats', () => {
    const doc = new Y.Doc();
    const limiter = createReactionLimiter();
    for (let i = 0; i < 5; i++) sendReaction(doc, limiter, 'alice', '👍', 1000);
    expect(codeOf(() => sendReaction(doc, limiter, 'alice', '👍', 1000))).toBe('rate-limited');
    expect(codeOf(() => sendReaction(doc, limiter, 'alice', '<b>' as '👍', 1000))).toBe('invalid-input');
    const filter = new ReactionFilter();
    const flood = Array.from({ length: 20 }, (_, i) => ({ id: `r${i}`, from: 'mallory', emoji: '🎉' as const, at: 1000 }));
    expect(flood.filter((r) => filter.admit(r, 1000))).toHaveLength(5);
    expect(filter.admit({ id: 'r0', from: 'mallory', emoji: '🎉', at: 1000 }, 60_000)).toBe(false);
    expect(filter.admit({ id: 'old', from: 'bob', emoji: '🎉', at: 1000 }, 60_000)).toBe(false);
  });
});

describe('polls', () => {
  it('one vote per voter, validated drafts, live tallies', () => {
    const doc = new Y.Doc();
    expect(codeOf(() => createPoll(doc, { createdBy: 'a', question: 'q', options: ['only'] }))).toBe('invalid-input');
    expect(codeOf(() => createPoll(doc, { createdBy: 'a', question: 'x'.repeat(201), options: ['a', 'b'] }))).toBe('invalid-input');
    const poll = createPoll(doc, { createdBy: 'a', question: 'Tea or coffee?', options: ['tea', 'coffee'] });
    vote(doc, poll.id, 'a', 1);
    vote(doc, poll.id, 'b', 0);
    expect(codeOf(() => vote(doc, poll.id, 'a', 0))).toBe('already-voted');
    expect(codeOf(() => vote(doc, poll.id, 'c', 2))).toBe('invalid-input');
    expect(codeOf(() => vote(doc, 'nope', 'c', 0))).toBe('unknown-poll');
    expect(pollResults(doc, poll.id, 'a')).toMatchObject({ counts: [1, 1], total: 2, myVote: 1 });
  });

  it('two concurrent votes by one voter count once', () => {
    const a = new Y.Doc();
    const poll = createPoll(a, { createdBy: 'a', question: 'q', options: ['x', 'y'] });
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    vote(a, poll.id, 'v', 0);
    vote(b, poll.id, 'v', 1);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(pollResults(a, poll.id)?.total).toBe(1);
    expect(pollResults(a, poll.id)).toEqual(pollResults(b, poll.id));
  });
});

describe('direct messages', () => {
  it('validates the wire form and keeps conversations apart', () => {
    const dm = createDirectMessage('psst');
    expect(parseDirectMessage(JSON.parse(JSON.stringify(dm)))).toEqual(dm);
    expect(codeOf(() => parseDirectMessage({ t: 'dm', id: 'x', text: 'y'.repeat(2001), at: 1 }))).toBe('invalid-message');
    expect(codeOf(() => parseDirectMessage({ t: 'chat' }))).toBe('invalid-message');
    const store = new DirectMessageStore();
    const changes: string[] = [];
    const off = store.onChange(({ peerId }) => changes.push(peerId));
    expect(store.add('bob', dm, 'in')).toBe(true);
    expect(store.add('bob', dm, 'in')).toBe(false);
    store.add('carol', createDirectMessage('hi'), 'out');
    expect(store.unread('bob')).toBe(1);
    expect(store.unread('carol')).toBe(0);
    store.markRead('bob');
    expect(store.totalUnread()).toBe(0);
    off();
    store.forget('bob');
    expect(changes).toEqual(['bob', 'carol', 'bob']);
    expect(store.messages('bob')).toEqual([]);
  });
});

describe('presence', () => {
  const valid = { v: 1, peerId: 'p1', name: 'Ann', mic: true, cam: false, hand: null, speaking: 0.4, role: 'guest', e2ee: 'verified' };
  it('accepts valid states only, one per peer id, never our own', () => {
    expect(parsePresence(valid)).toEqual(valid);
    for (const bad of [{ ...valid, name: 'x'.repeat(65) }, { ...valid, speaking: 2 }, { ...valid, role: 'admin' }, { ...valid, mic: 'yes' }, null, 5]) {
      expect(parsePresence(bad)).toBeNull();
    }
    const states = new Map<number, unknown>([
      [3, valid],
      [1, { ...valid, name: 'Self' }],
      [2, { ...valid, peerId: 'p2' }],
      [4, { ...valid, name: 'Impostor' }],
      [5, 'garbage'],
    ]);
    const peers = readPresences(states, 1);
    expect([...peers.keys()]).toEqual([2, 3]);
  });

  it('reads every presence of a room of 300 (a large room: speaking turns come from them)', () => {
    const states = new Map<number, unknown>(Array.from({ length: 301 }, (_, i) => [i + 1, { ...valid, peerId: `p${i}` }]));
    expect(readPresences(states, 1).size).toBe(300);
  });
});

describe('link parts', () => {
  it('host, lobby and passcode link parts', () => {
    const room = createHostedRoom();
    const hash = formatHostHash(room.roomId, room.secret, room.hostKey);
    const query = hash.split('?')[1] ?? '';
    expect(readHostKey(query, room.roomId)?.publicKey).toEqual(room.hostKey.publicKey);
    expect(readHostKey(query, createHostedRoom().roomId)).toBeNull();
    const lobby = formatLobbyHash(room.roomId, room.hostKey.publicKey);
    expect(lobby).not.toContain(room.secret);
    expect(parseLobbyHash(lobby)).toEqual({ roomId: room.roomId, moderatorKey: room.hostKey.publicKey });
    expect(parseLobbyHash(formatLobbyHash(createHostedRoom().roomId, room.hostKey.publicKey))).toBeNull();
    expect(readPasscodeCheck('pc=AAAAAAAAAAAAAAAA')).toBe('AAAAAAAAAAAAAAAA');
    expect(readPasscodeCheck('pc=short')).toBeNull();
  });
});
