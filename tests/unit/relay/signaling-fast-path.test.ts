import { describe, expect, it } from 'vitest';
import { appendSrc, hasOnlyForwardedKeys } from '../../../relay/peerjs/peerjs-messages';
import { TopicRegistry } from '../../../relay/pubsub/topic-registry';
import { TokenBucket } from '../../../relay/token-bucket';

describe('PeerJS raw forwarding', () => {
  it('appends src as the last member, so it wins over nothing and parses back exactly', () => {
    const text = ' {"type":"OFFER","dst":"bob","payload":{"sdp":"}"}} \n';
    expect(JSON.parse(appendSrc(text, 'alice'))).toEqual({ type: 'OFFER', dst: 'bob', payload: { sdp: '}' }, src: 'alice' });
  });

  it('allows the raw path only for type/dst/payload', () => {
    expect(hasOnlyForwardedKeys({ type: 'OFFER', dst: 'b', payload: 1 })).toBe(true);
    expect(hasOnlyForwardedKeys({ type: 'OFFER', dst: 'b' })).toBe(true);
    expect(hasOnlyForwardedKeys({ type: 'OFFER', dst: 'b', src: 'mallory' })).toBe(false);
    expect(hasOnlyForwardedKeys({ type: 'OFFER', dst: 'b', extra: 1 })).toBe(false);
  });
});

describe('TopicRegistry compact subscriber state', () => {
  const limits = { maxTopicsPerConnection: 3, maxSubscribersPerTopic: 10 };

  it('goes from one topic to several and back', () => {
    const r = new TopicRegistry<string>(limits);
    r.subscribe('a', ['t1']);
    r.subscribe('a', ['t1']);
    expect([...r.topicsOf('a')]).toEqual(['t1']);
    r.subscribe('a', ['t2', 't3']);
    expect([...r.topicsOf('a')].sort()).toEqual(['t1', 't2', 't3']);
    expect(() => r.subscribe('a', ['t4'])).toThrow();
    r.unsubscribe('a', ['t1', 't2']);
    expect([...r.topicsOf('a')]).toEqual(['t3']);
    expect(r.counts()).toEqual({ topics: 1, subscriptions: 1, largestTopic: 1 });
    r.remove('a');
    expect(r.topicsOf('a').size).toBe(0);
    expect(r.counts()).toEqual({ topics: 0, subscriptions: 0, largestTopic: 0 });
  });

  it('unsubscribing a topic not held by a single-topic subscriber changes nothing', () => {
    const r = new TopicRegistry<string>(limits);
    r.subscribe('a', ['t1']);
    r.unsubscribe('a', ['other']);
    expect([...r.topicsOf('a')]).toEqual(['t1']);
    expect([...r.subscribers('t1')]).toEqual(['a']);
  });
});

describe('TokenBucket.isFull', () => {
  it('is full at start and again once refilled', () => {
    let t = 0;
    const b = new TokenBucket(10, 2, () => t);
    expect(b.isFull()).toBe(true);
    b.take();
    expect(b.isFull()).toBe(false);
    t = 100;
    expect(b.isFull()).toBe(true);
  });
});
