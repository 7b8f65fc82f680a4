import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Relay } from '../../../relay/server';
import { sleep, startRelay, TestClient, wsUrl } from './test-client';

describe('pubsub (y-webrtc) route', () => {
  let relay: Relay;
  const open = () => TestClient.open(wsUrl(relay, '/yjs'));
  beforeEach(async () => {
    relay = await startRelay({ limits: { maxTopicsPerConnection: 3, maxTopicLength: 16, maxSubscribersPerTopic: 2 } });
  });
  afterEach(async () => {
    await relay.close();
  });

  it('fans a publish out to every subscriber, sender included, with clients', async () => {
    const a = await open();
    const b = await open();
    const outsider = await open();
    a.send({ type: 'subscribe', topics: ['room1'] });
    b.send({ type: 'subscribe', topics: ['room1', 'room2'] });
    outsider.send({ type: 'subscribe', topics: ['room2'] });
    await sleep(30);
    a.send({ type: 'publish', topic: 'room1', data: { type: 'announce', from: 'a' } });
    const expected = { type: 'publish', topic: 'room1', data: { type: 'announce', from: 'a' }, clients: 2 };
    expect(await a.next()).toEqual(expected);
    expect(await b.next()).toEqual(expected);
    expect(await outsider.drain(50)).toEqual([]);
    expect(relay.stats().pubsub).toEqual({ topics: 2, subscriptions: 4, largestTopic: 2 });
  });

  it('stops delivering after unsubscribe and forgets closed connections', async () => {
    const a = await open();
    const b = await open();
    a.send({ type: 'subscribe', topics: ['t'] });
    b.send({ type: 'subscribe', topics: ['t'] });
    await sleep(30);
    b.send({ type: 'unsubscribe', topics: ['t', 'never-subscribed'] });
    await sleep(30);
    a.send({ type: 'publish', topic: 't', n: 1 });
    expect(await a.next()).toMatchObject({ n: 1, clients: 1 });
    expect(await b.drain(50)).toEqual([]);
    a.close();
    await a.closed;
    await sleep(30);
    expect(relay.stats().pubsub.topics).toBe(0);
  });

  it('answers ping with pong', async () => {
    const a = await open();
    a.send({ type: 'ping' });
    expect(await a.next()).toEqual({ type: 'pong' });
  });

  it('publish before subscribe and to an empty topic are silently fine', async () => {
    const a = await open();
    a.send({ type: 'publish', topic: 'nobody', x: 1 });
    expect(await a.drain(50)).toEqual([]);
    const b = await open();
    b.send({ type: 'subscribe', topics: ['t'] });
    await sleep(30);
    a.send({ type: 'publish', topic: 't', x: 2 });
    expect(await b.next()).toMatchObject({ x: 2, clients: 1 });
  });

  it('enforces topic bounds with typed errors, all or nothing', async () => {
    const a = await open();
    a.send({ type: 'subscribe', topics: ['1', '2', '3', '4'] });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'too-many-topics' });
    a.send({ type: 'subscribe', topics: ['1', '2'] });
    a.send({ type: 'subscribe', topics: ['3', '4'] });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'too-many-topics' });
    a.send({ type: 'subscribe', topics: ['x'.repeat(17)] });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'invalid-topic' });
    a.send({ type: 'subscribe', topics: [''] });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'invalid-topic' });
    a.send({ type: 'subscribe', topics: [42] });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'invalid-topic' });
    a.send({ type: 'subscribe', topics: 'room' });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'bad-message' });
    a.send({ type: 'publish', topic: { not: 'a string' } });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'invalid-topic' });
    await sleep(20);
    expect(relay.stats().pubsub.subscriptions).toBe(2);

    const b = await open();
    const c = await open();
    a.send({ type: 'subscribe', topics: ['full'] });
    b.send({ type: 'subscribe', topics: ['full'] });
    await sleep(20);
    c.send({ type: 'subscribe', topics: ['full'] });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'topic-full' });
  });

  it('answers unknown types and non-objects with typed errors', async () => {
    const a = await open();
    a.send({ type: 'hack' });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'unknown-type' });
    a.send({ topics: [] });
    expect(await a.next()).toMatchObject({ type: 'error', code: 'bad-message' });
    a.send(null);
    expect(await a.next()).toMatchObject({ type: 'error', code: 'bad-message' });
    a.sendRaw('not json');
    expect(await a.next()).toMatchObject({ type: 'error', code: 'bad-json' });
  });
});
