import { describe, expect, it } from 'vitest';
import { RelayError } from '../../../relay/errors';
import { isValidPeerId, parsePeerClientMessage, parsePeerHandshake } from '../../../relay/peerjs/peerjs-messages';
import { PendingQueue } from '../../../relay/peerjs/pending-queue';
import { parsePubsubClientMessage } from '../../../relay/pubsub/pubsub-messages';
import { TopicRegistry } from '../../../relay/pubsub/topic-registry';
import { TokenBucket } from '../../../relay/token-bucket';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof RelayError ? err.code : 'not-a-relay-error';
  }
  return undefined;
}

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate', () => {
    let t = 0;
    const b = new TokenBucket(10, 3, () => t);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    t += 100;
    expect([b.take(), b.take()]).toEqual([true, false]);
    t += 10_000;
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  });
});

describe('PendingQueue', () => {
  const limits = { ttlMs: 100, perDestination: 2, total: 3 };
  it('delivers in order and enforces both bounds', () => {
    const q = new PendingQueue<number>(limits);
    expect(q.push('a', 1, 0)).toBe(true);
    expect(q.push('a', 2, 0)).toBe(true);
    expect(q.push('a', 3, 0)).toBe(false);
    expect(q.push('b', 4, 0)).toBe(true);
    expect(q.push('c', 5, 0)).toBe(false);
    expect(q.size).toBe(3);
    expect(q.take('a')).toEqual([1, 2]);
    expect(q.take('a')).toEqual([]);
    expect(q.size).toBe(1);
  });
  it('expires entries past their deadline, oldest first', () => {
    const q = new PendingQueue<number>(limits);
    q.push('a', 1, 0);
    q.push('a', 2, 50);
    q.push('b', 3, 60);
    expect(q.expire(99)).toEqual([]);
    expect(q.expire(100)).toEqual([{ dst: 'a', message: 1 }]);
    expect(q.expire(200)).toEqual([
      { dst: 'a', message: 2 },
      { dst: 'b', message: 3 },
    ]);
    expect(q.size).toBe(0);
  });
  it('drops the matching entries of one destination only', () => {
    const q = new PendingQueue<number>({ ttlMs: 100, perDestination: 5, total: 10 });
    for (const n of [1, 2, 3, 4]) q.push('a', n, 0);
    q.push('b', 2, 0);
    expect(q.dropWhere('a', (n) => n % 2 === 0)).toBe(2);
    expect(q.dropWhere('c', () => true)).toBe(0);
    expect(q.size).toBe(3);
    expect(q.take('a')).toEqual([1, 3]);
    expect(q.dropWhere('b', () => true)).toBe(1);
    expect(q.size).toBe(0);
  });
});

describe('TopicRegistry', () => {
  const limits = { maxTopicsPerConnection: 2, maxSubscribersPerTopic: 2 };
  it('tracks subscriptions both ways and cleans up empty topics', () => {
    const r = new TopicRegistry<string>(limits);
    r.subscribe('a', ['t1', 't2']);
    r.subscribe('a', ['t1']);
    r.subscribe('b', ['t1']);
    expect([...r.subscribers('t1')]).toEqual(['a', 'b']);
    expect(r.counts()).toEqual({ topics: 2, subscriptions: 3, largestTopic: 2 });
    r.remove('a');
    expect(r.counts()).toEqual({ topics: 1, subscriptions: 1, largestTopic: 1 });
    r.unsubscribe('b', ['t1']);
    expect(r.counts().topics).toBe(0);
  });
  it('refuses atomically', () => {
    const r = new TopicRegistry<string>(limits);
    r.subscribe('a', ['t1']);
    expect(codeOf(() => r.subscribe('a', ['t2', 't3']))).toBe('too-many-topics');
    expect([...r.topicsOf('a')]).toEqual(['t1']);
    r.subscribe('b', ['t1']);
    expect(codeOf(() => r.subscribe('c', ['t4', 't1']))).toBe('topic-full');
    expect(r.subscribers('t4').size).toBe(0);
  });
});

describe('PeerJS message validation', () => {
  it('follows the reference id rules', () => {
    for (const ok of ['a', 'A1', 'a b', 'a-b_c', 'x'.repeat(64)]) expect(isValidPeerId(ok), ok).toBe(true);
    for (const bad of ['', ' a', 'a ', 'a--b', 'a/b', 'é', 'x'.repeat(65), 5, null]) expect(isValidPeerId(bad)).toBe(false);
  });
  it('parses the handshake', () => {
    const p = (o: Record<string, string>) => () => parsePeerHandshake(new URLSearchParams(o));
    expect(p({ key: 'peerjs', id: 'a', token: 't', version: '1.5.5' })()).toEqual({ id: 'a', token: 't' });
    expect(codeOf(p({ key: 'peerjs', id: 'a' }))).toBe('bad-message');
    expect(codeOf(p({ key: 'k', id: 'a', token: 't' }))).toBe('invalid-key');
    expect(codeOf(p({ key: 'peerjs', id: 'a!', token: 't' }))).toBe('invalid-id');
  });
  it('drops a client-supplied src and validates the rest', () => {
    expect(parsePeerClientMessage({ type: 'OFFER', src: 'evil', dst: 'b', payload: 1 })).toEqual({
      type: 'OFFER',
      dst: 'b',
      payload: 1,
    });
    expect(parsePeerClientMessage({ type: 'HEARTBEAT', dst: 'ignored' })).toEqual({ type: 'HEARTBEAT' });
    expect(codeOf(() => parsePeerClientMessage({ type: 'OPEN' }))).toBe('unknown-type');
    expect(codeOf(() => parsePeerClientMessage({ type: 'LEAVE' }))).toBe('bad-message');
    expect(codeOf(() => parsePeerClientMessage('x'))).toBe('bad-message');
  });
});

describe('pubsub message validation', () => {
  const limits = { maxTopicsPerConnection: 2, maxTopicLength: 4 };
  it('parses the four message types', () => {
    expect(parsePubsubClientMessage({ type: 'subscribe', topics: ['a', 'a'] }, limits)).toEqual({
      type: 'subscribe',
      topics: ['a'],
    });
    const pub = { type: 'publish', topic: 'a', data: [1] };
    expect(parsePubsubClientMessage(pub, limits)).toEqual({ type: 'publish', topic: 'a', message: pub });
    expect(parsePubsubClientMessage({ type: 'ping' }, limits)).toEqual({ type: 'ping' });
  });
  it('rejects with typed codes', () => {
    const parse = (v: unknown) => () => parsePubsubClientMessage(v, limits);
    expect(codeOf(parse({ type: 'subscribe', topics: ['a', 'b', 'c'] }))).toBe('too-many-topics');
    expect(codeOf(parse({ type: 'subscribe', topics: ['abcde'] }))).toBe('invalid-topic');
    expect(codeOf(parse({ type: 'unsubscribe' }))).toBe('bad-message');
    expect(codeOf(parse({ type: 'publish' }))).toBe('invalid-topic');
    expect(codeOf(parse({ type: 'pong' }))).toBe('unknown-type');
    expect(codeOf(parse([]))).toBe('bad-message');
  });
});
