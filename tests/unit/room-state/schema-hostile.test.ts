/**
 * A hostile member writes raw values under every name of the schema (wrong types, oversized
 * strings, floods, nested Y types); its update reaches an honest doc, whose readers must
 * return only valid entries and never throw.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  createPoll,
  DOC_KEYS,
  handsInOrder,
  pollResults,
  raiseHand,
  readActionLog,
  readChat,
  readModeratorKey,
  readPolls,
  readReactions,
  sendChat,
  vote,
} from '../../../src/room-state/room-doc-schema';
import { createHostedRoom } from '../../../src/room-state/host-key';
import { publishModeratorKey } from '../../../src/room-state/moderation-log';
import { ROOM_LIMITS } from '../../../src/room-state/room-limits';

function sync(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

function honestDoc(): Y.Doc {
  const doc = new Y.Doc();
  sendChat(doc, { from: 'alice', name: 'Alice', text: 'hello', at: 1000 });
  raiseHand(doc, 'alice', 2000);
  const poll = createPoll(doc, { createdBy: 'alice', question: 'Lunch?', options: ['yes', 'no'], at: 3000 });
  vote(doc, poll.id, 'alice', 0);
  return doc;
}

function hostileWrites(doc: Y.Doc, pollId: string): void {
  const chat = doc.getArray<unknown>(DOC_KEYS.chat);
  chat.push([
    42,
    null,
    'text',
    [1, 2],
    { id: 'x1', from: 'mallory', name: 'M', text: 'x'.repeat(ROOM_LIMITS.chatTextChars + 1), at: 1 },
    { id: 'x2', from: 'mallory', name: 'M'.repeat(500), text: 'hi', at: 1 },
    { id: 'x3', from: '<script>', name: 'M', text: 'hi', at: 1 },
    { id: 'x4', from: 'mallory', name: 'M', text: 'hi', at: Number.NaN },
    { id: 'x5', from: 'mallory', name: 'M', text: 12, at: 1 },
    { id: 'x6', from: 'mallory', name: 'M', text: '', at: 1 },
    new Uint8Array([1, 2, 3]),
    new Y.Map(),
  ]);
  const validLooking = { id: 'dup', from: 'mallory', name: 'M', text: 'ok', at: 5 };
  chat.push([validLooking, validLooking]);

  const hands = doc.getMap<unknown>(DOC_KEYS.hands);
  hands.set('mallory', 'now');
  hands.set('bad id!', 5);
  hands.set('eve', -1);
  hands.set('trent', 1500);

  const polls = doc.getMap<unknown>(DOC_KEYS.polls);
  polls.set('p1', { id: 'p1', createdBy: 'm', question: 'q', options: ['only one'], at: 1 });
  polls.set('p2', { id: 'p2', createdBy: 'm', question: 'q', options: Array.from({ length: 11 }, (_, i) => `o${i}`), at: 1 });
  polls.set('p3', { id: 'p3', createdBy: 'm', question: 'q'.repeat(201), options: ['a', 'b'], at: 1 });
  polls.set('p4', { id: 'other', createdBy: 'm', question: 'q', options: ['a', 'b'], at: 1 });
  polls.set('p5', 'poll');

  const votes = doc.getMap<unknown>(DOC_KEYS.votes);
  votes.set(`${pollId}.bob`, 7); // option out of range
  votes.set(`${pollId}.carol`, '1');
  votes.set(`${pollId}.dave`, 1.5);
  votes.set(`${pollId}.bad voter`, 1);
  votes.set(`${pollId}.erin`, 1); // valid

  doc.getArray<unknown>(DOC_KEYS.reactions).push([{ id: 'r1', from: 'm', emoji: '<img>', at: 1 }, { id: 'r2', from: 'm', emoji: '👍', at: 1 }]);
  doc.getArray<unknown>(DOC_KEYS.modlog).push([{ auth: 'rsa', body: '{}', sig: 'x' }, { auth: 'ed25519', body: 'x'.repeat(5000), sig: 'AA' }, 7]);
  doc.getMap<unknown>(DOC_KEYS.moderators).set('not-a-key', { at: 1 });
}

describe('room doc schema against a hostile peer', () => {
  it('returns only valid entries after hostile updates', () => {
    const honest = honestDoc();
    const pollId = readPolls(honest)[0]?.id ?? '';
    const hostile = new Y.Doc();
    sync(honest, hostile);
    hostileWrites(hostile, pollId);
    sync(hostile, honest);

    expect(readChat(honest).map((m) => m.id)).toEqual([readChat(honest)[0]?.id, 'dup']);
    expect(readChat(honest)[0]?.text).toBe('hello');
    expect(handsInOrder(honest)).toEqual([
      { peerId: 'trent', raisedAt: 1500 },
      { peerId: 'alice', raisedAt: 2000 },
    ]);
    expect(readPolls(honest).map((p) => p.question)).toEqual(['Lunch?']);
    expect(pollResults(honest, pollId, 'alice')).toMatchObject({ counts: [1, 1], total: 2, myVote: 0 });
    expect(readReactions(honest).map((r) => r.id)).toEqual(['r2']);
    expect(readActionLog(honest)).toEqual([]);
  });

  it('ignores a hostile type clash on a schema name', () => {
    const hostile = new Y.Doc();
    // Map entries under the name the schema uses for an array (and vice versa).
    hostile.getMap<unknown>(DOC_KEYS.chat).set('a', { id: 'a', from: 'm', name: 'M', text: 'hi', at: 1 });
    hostile.getArray<unknown>(DOC_KEYS.hands).push([{ peerId: 'm', raisedAt: 1 }]);
    const honest = honestDoc();
    sync(hostile, honest);
    expect(readChat(honest).map((m) => m.text)).toEqual(['hello']);
    expect(handsInOrder(honest).map((h) => h.peerId)).toEqual(['alice']);
  });

  it('never throws, even when the local doc itself uses a clashing type', () => {
    const doc = new Y.Doc();
    doc.getMap(DOC_KEYS.chat);
    doc.getArray(DOC_KEYS.hands);
    expect(readChat(doc)).toEqual([]);
    expect(handsInOrder(doc)).toEqual([]);
  });

  it('bounds chat history and a garbage flood', () => {
    const doc = new Y.Doc();
    for (let i = 0; i < ROOM_LIMITS.chatHistory + 20; i++) sendChat(doc, { from: 'a', name: 'A', text: `m${i}`, at: i });
    expect(doc.getArray(DOC_KEYS.chat).length).toBe(ROOM_LIMITS.chatHistory);
    const chat = readChat(doc);
    expect(chat).toHaveLength(ROOM_LIMITS.chatHistory);
    expect(chat[0]?.text).toBe('m20');
    doc.getArray<unknown>(DOC_KEYS.chat).push(Array.from({ length: 10_000 }, () => 'junk'));
    expect(readChat(doc)).toEqual([]); // garbage beyond the scan window hides old history, never breaks
    sendChat(doc, { from: 'a', name: 'A', text: 'after', at: 1 });
    expect(doc.getArray(DOC_KEYS.chat).length).toBe(ROOM_LIMITS.chatHistory); // the writer's trim clears the flood
    expect(readChat(doc).map((m) => m.text)).toEqual(['after']);
  });

  it('finds the real moderator key among bogus claims', () => {
    const { roomId, hostKey } = createHostedRoom();
    const other = createHostedRoom();
    const doc = new Y.Doc();
    publishModeratorKey(doc, other.hostKey.publicKey);
    doc.getMap<unknown>(DOC_KEYS.moderators).set('AAAA', 'x');
    expect(readModeratorKey(doc, roomId)).toBeNull();
    publishModeratorKey(doc, hostKey.publicKey);
    expect(readModeratorKey(doc, roomId)).toEqual(hostKey.publicKey);
  });
});
