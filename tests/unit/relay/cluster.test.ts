import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relay } from '../../../relay/server';
import { startRedis } from '../../e2e/harness/redis-process';
import type { RedisProcess } from '../../e2e/harness/redis-process';
import { openPeer, sleep, startRelay, TestClient, wsUrl } from './test-client';

/** Two relay nodes sharing one real redis-server, as in production behind a load balancer. */
describe('scale-out over Redis', () => {
  let redis: RedisProcess;
  let n1: Relay;
  let n2: Relay;
  beforeAll(async () => {
    redis = await startRedis();
    n1 = await startRelay({ redisUrl: redis.url });
    n2 = await startRelay({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await Promise.all([n1?.close(), n2?.close()]);
    await redis?.stop();
  });

  it('fans pub/sub publishes out across nodes, both ways, without echoing', async () => {
    const topic = 'c'.repeat(43);
    const a = await TestClient.open(wsUrl(n1, '/yjs'));
    const b = await TestClient.open(wsUrl(n2, '/yjs'));
    const bystander = await TestClient.open(wsUrl(n2, '/yjs'));
    a.send({ type: 'subscribe', topics: [topic] });
    b.send({ type: 'subscribe', topics: [topic] });
    bystander.send({ type: 'subscribe', topics: ['other'] });
    await sleep(100);
    a.send({ type: 'publish', topic, data: 'from-1' });
    expect(await a.next()).toMatchObject({ data: 'from-1' });
    expect(await b.next()).toMatchObject({ type: 'publish', topic, data: 'from-1' });
    b.send({ type: 'publish', topic, data: 'from-2' });
    expect(await b.next()).toMatchObject({ data: 'from-2' });
    expect(await a.next()).toMatchObject({ data: 'from-2' });
    // Exactly once each, and nothing for other topics.
    expect(await a.drain(150)).toEqual([]);
    expect(await b.drain(0)).toEqual([]);
    expect(await bystander.drain(0)).toEqual([]);
    for (const c of [a, b, bystander]) c.close();
  });

  it('routes PeerJS OFFER/ANSWER between peers on different nodes', async () => {
    const alice = await openPeer(n1, 'alice000000000000000000000000001');
    const bob = await openPeer(n2, 'bob00000000000000000000000000002');
    await sleep(100);
    alice.send({ type: 'OFFER', dst: 'bob00000000000000000000000000002', payload: { sdp: 'o' } });
    expect(await bob.next()).toEqual({ type: 'OFFER', src: 'alice000000000000000000000000001', dst: 'bob00000000000000000000000000002', payload: { sdp: 'o' } });
    bob.send({ type: 'ANSWER', dst: 'alice000000000000000000000000001', payload: { sdp: 'a' } });
    expect(await alice.next()).toMatchObject({ type: 'ANSWER', src: 'bob00000000000000000000000000002', payload: { sdp: 'a' } });
    alice.close();
    bob.close();
  });

  it('queues for a peer that connects later to another node, and lets a client move nodes', async () => {
    const carol = await openPeer(n1, 'carol0000000000000000000000000003', 'tok-c');
    carol.send({ type: 'OFFER', dst: 'dave00000000000000000000000000004', payload: 1 });
    carol.send({ type: 'CANDIDATE', dst: 'dave00000000000000000000000000004', payload: 2 });
    await sleep(100);
    const dave = await openPeer(n2, 'dave00000000000000000000000000004');
    expect(await dave.next()).toMatchObject({ type: 'OFFER', payload: 1 });
    expect(await dave.next()).toMatchObject({ type: 'CANDIDATE', payload: 2 });

    // Carol reconnects to node 2 with the same token (her socket to node 1 is stale).
    const carol2 = await openPeer(n2, 'carol0000000000000000000000000003', 'tok-c');
    await sleep(100);
    dave.send({ type: 'ANSWER', dst: 'carol0000000000000000000000000003', payload: 3 });
    expect(await carol2.next()).toMatchObject({ type: 'ANSWER', payload: 3 });
    expect((await carol.closed).code).toBe(1000);
    expect(n1.stats().peerjs.peers).toBe(0);
    carol2.close();
    dave.close();
  });

  it('an unknown destination still expires back to the sender', async () => {
    const erin = await openPeer(n1, 'erin0000000000000000000000000005');
    erin.send({ type: 'OFFER', dst: 'nobody000000000000000000000000000', payload: 1 });
    expect(await erin.next(8000)).toMatchObject({ type: 'EXPIRE', src: 'nobody000000000000000000000000000' });
    erin.close();
  }, 10_000);
});

describe('REDIS_URL unreachable', () => {
  it('refuses to start with a typed error', async () => {
    await expect(startRelay({ redisUrl: 'redis://127.0.0.1:1' })).rejects.toMatchObject({ code: 'cluster-unavailable' });
  });
});
