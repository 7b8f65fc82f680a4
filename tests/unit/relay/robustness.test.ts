import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Relay } from '../../../relay/server';
import { openPeer, sleep, startRelay, TestClient, wsUrl } from './test-client';

/**
 * Everything a hostile or broken client can throw at one relay instance, at both routes;
 * the last test proves the same instance still does its job.
 */
describe('relay robustness', () => {
  let relay: Relay;
  const yjs = () => TestClient.open(wsUrl(relay, '/yjs'));
  beforeAll(async () => {
    relay = await startRelay({ limits: { ratePerSecond: 50, rateBurst: 20, abuseBurst: 20 } });
  });
  afterAll(async () => {
    await relay.close();
  });

  const garbage: { raw: string; code: string }[] = [
    { raw: '', code: 'bad-json' },
    { raw: '{"type":', code: 'bad-json' },
    { raw: '\u0000\u0001', code: 'bad-json' },
    { raw: '42', code: 'bad-message' },
    { raw: '"OFFER"', code: 'bad-message' },
    { raw: 'null', code: 'bad-message' },
    { raw: '{"type":5}', code: 'bad-message' },
    { raw: '{"type":{"toString":1}}', code: 'bad-message' },
    { raw: '{"__proto__":{"type":"ping"}}', code: 'bad-message' },
    { raw: '['.repeat(20_000) + ']'.repeat(20_000), code: 'bad-message' },
  ];

  it('peerjs: survives malformed JSON, wrong types, huge strings and binary frames', async () => {
    const c = await openPeer(relay, 'fuzz1');
    for (const { raw, code } of garbage) {
      c.sendRaw(raw);
      expect((await c.next()).payload.code, raw.slice(0, 30)).toBe(code);
    }
    c.send({ type: 'OFFER', dst: 5, payload: {} });
    expect((await c.next()).payload.code).toBe('bad-message');
    c.send({ type: 'OFFER', dst: 'x'.repeat(60_000) });
    expect((await c.next()).payload.code).toBe('bad-message');
    c.send({ type: 'x'.repeat(60_000) });
    expect((await c.next()).payload.code).toBe('unknown-type');
    c.sendRaw(Buffer.from([1, 2, 3]), true);
    expect((await c.next()).payload.code).toBe('binary-not-supported');
    // Out of order: traffic to peers that never existed.
    c.send({ type: 'LEAVE', dst: 'nobody' });
    c.send({ type: 'EXPIRE', dst: 'nobody' });
    expect(await c.drain(50)).toEqual([]);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.close();
  });

  it('pubsub: survives malformed JSON, wrong types, huge strings and binary frames', async () => {
    const c = await yjs();
    for (const { raw } of garbage) {
      c.sendRaw(raw);
      expect((await c.next()).type).toBe('error');
    }
    c.send({ type: 'subscribe', topics: ['y'.repeat(60_000)] });
    expect((await c.next()).code).toBe('invalid-topic');
    c.send({ type: 'unsubscribe', topics: null });
    expect((await c.next()).code).toBe('bad-message');
    c.sendRaw(Buffer.from('{"type":"ping"}'), true);
    expect((await c.next()).code).toBe('binary-not-supported');
    c.send({ type: 'unsubscribe', topics: ['never'] });
    c.send({ type: 'publish', topic: 'nobody-here', data: 'z'.repeat(60_000) });
    expect(await c.drain(50)).toEqual([]);
    c.close();
  });

  it.each(['/peerjs?key=peerjs&id=big1&token=t', '/yjs'])('closes %s with 1009 on a frame over 64 KiB', async (path) => {
    const before = relay.stats().errors['frame-too-large'] ?? 0;
    const c = await TestClient.open(wsUrl(relay, path));
    c.sendRaw('x'.repeat(64 * 1024 + 1));
    expect((await c.closed).code).toBe(1009);
    await sleep(20);
    expect(relay.stats().errors['frame-too-large']).toBe(before + 1);
  });

  it.each(['peerjs', 'pubsub'] as const)('%s: a flood gets rate-limited, then closed with 1008', async (route) => {
    const c = route === 'peerjs' ? await openPeer(relay, 'flood') : await yjs();
    const msg = route === 'peerjs' ? { type: 'HEARTBEAT' } : { type: 'ping' };
    for (let i = 0; i < 200; i++) c.send(msg);
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    const received = await c.drain(10);
    const limited = received.filter((m) => (m.payload?.code ?? m.code) === 'rate-limited');
    expect(limited.length).toBeGreaterThan(0);
    if (route === 'pubsub') expect(received.filter((m) => m.type === 'pong').length).toBeLessThanOrEqual(25);
  });

  it('refuses WebSocket upgrades to unknown paths and garbage HTTP without dying', async () => {
    const bad = new TestClient(wsUrl(relay, '/nope'));
    await bad.closed;
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(relay.port, '127.0.0.1', () => s.write('\u0016\u0003\u0001garbage\r\n\r\n'));
      let text = '';
      s.on('data', (d) => (text += d.toString()));
      s.on('close', () => resolve(text));
      s.on('error', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
  });

  it('still relays a normal OFFER/ANSWER exchange and a publish afterwards', async () => {
    const alice = await openPeer(relay, 'alice');
    const bob = await openPeer(relay, 'bob');
    alice.send({ type: 'OFFER', dst: 'bob', payload: { sdp: 'offer' } });
    expect(await bob.next()).toEqual({ type: 'OFFER', src: 'alice', dst: 'bob', payload: { sdp: 'offer' } });
    bob.send({ type: 'ANSWER', dst: 'alice', payload: { sdp: 'answer' } });
    expect(await alice.next()).toEqual({ type: 'ANSWER', src: 'bob', dst: 'alice', payload: { sdp: 'answer' } });

    const a = await yjs();
    const b = await yjs();
    a.send({ type: 'subscribe', topics: ['after'] });
    b.send({ type: 'subscribe', topics: ['after'] });
    await sleep(30);
    b.send({ type: 'publish', topic: 'after', data: 'hello' });
    expect(await a.next()).toEqual({ type: 'publish', topic: 'after', data: 'hello', clients: 2 });
    expect(relay.stats().routes.peerjs.connectionsOpen).toBe(2);
  });
});

describe('relay liveness and backpressure', () => {
  it('terminates a socket that stops answering pings', async () => {
    const relay = await startRelay({ limits: { heartbeatIntervalMs: 40 } });
    try {
      const mute = new TestClient(wsUrl(relay, '/yjs'));
      // autoPong off: this client never answers the relay's pings, like a dead peer.
      const deaf = new WebSocket(wsUrl(relay, '/yjs'), { autoPong: false });
      deaf.on('error', () => {});
      const deafClosed = new Promise<number>((r) => deaf.on('close', (code) => r(code)));
      expect(await deafClosed).toBe(1006);
      expect(mute.ws.readyState).toBe(mute.ws.OPEN);
      mute.close();
    } finally {
      await relay.close();
    }
  });

  it('cuts off a subscriber that does not read instead of buffering without bound', async () => {
    const relay = await startRelay({ limits: { maxBufferedBytes: 64 * 1024, rateBurst: 1000, abuseBurst: 1000 } });
    try {
      const sender = await TestClient.open(wsUrl(relay, '/yjs'));
      const slow = await TestClient.open(wsUrl(relay, '/yjs'));
      sender.send({ type: 'subscribe', topics: ['t'] });
      slow.send({ type: 'subscribe', topics: ['t'] });
      await sleep(30);
      // Stop reading at the TCP level; the kernel buffers fill, then ws starts buffering.
      (slow.ws as unknown as { _socket: net.Socket })._socket.pause();
      const chunk = 'z'.repeat(60_000);
      for (let i = 0; i < 400 && (relay.stats().errors.backpressure ?? 0) === 0; i++) {
        sender.send({ type: 'publish', topic: 't', chunk });
        if (i % 20 === 19) await sender.drain(20);
      }
      expect(relay.stats().errors.backpressure).toBeGreaterThanOrEqual(1);
      await sleep(50);
      expect(relay.stats().pubsub.subscriptions).toBe(1);
    } finally {
      await relay.close();
    }
  });
});
