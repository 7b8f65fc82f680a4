import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDispatcher } from '../../../relay/webhooks/webhook-dispatcher';
import { hashRoomForWebhook, WebhookEvents } from '../../../relay/webhooks/webhook-events';
import type { WebhookEvent } from '../../../relay/webhooks/webhook-events';
import { signWebhook, verifyWebhook } from '../../../relay/webhooks/webhook-signature';
import { sleep, startRelay, TestClient, wsUrl } from './test-client';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 whose answer per request the test decides. */
async function receiver(answer: (n: number) => number | 'hang' = () => 200) {
  const received: Received[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = answer(n++);
      if (status === 'hang') return;
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const event = (i = 0): WebhookEvent => ({
  id: `e${i}`,
  event: 'participant_joined',
  room: 'r'.repeat(32),
  participants: 1,
  timestamp: new Date(0).toISOString(),
});

describe('webhook signature', () => {
  it('verifies its own signature and refuses tampering, other secrets and stale timestamps', () => {
    const body = '{"a":1}';
    const header = signWebhook('sec', body, 1000);
    expect(header).toMatch(/^t=1000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook('sec', header, body, 1000)).toBe(true);
    expect(verifyWebhook('sec', header, '{"a":2}', 1000)).toBe(false);
    expect(verifyWebhook('other', header, body, 1000)).toBe(false);
    expect(verifyWebhook('sec', header, body, 1000 + 301)).toBe(false);
    expect(verifyWebhook('sec', header.replace('t=1000', 't=1001'), body, 1001)).toBe(false);
    expect(verifyWebhook('sec', undefined, body)).toBe(false);
  });
});

describe('WebhookEvents', () => {
  it('emits started/joined/left/finished with a hash of the topic and counts only', () => {
    let t = 0;
    const out: WebhookEvent[] = [];
    const ev = new WebhookEvents((e) => out.push(e), () => t);
    ev.joined('topic', 1);
    ev.joined('topic', 2);
    t = 61_000;
    ev.left('topic', 1);
    ev.left('topic', 0);
    expect(out.map((e) => [e.event, e.participants])).toEqual([
      ['room_started', 1],
      ['participant_joined', 1],
      ['participant_joined', 2],
      ['participant_left', 1],
      ['participant_left', 0],
      ['room_finished', 0],
    ]);
    expect(new Set(out.map((e) => e.room))).toEqual(new Set([hashRoomForWebhook('topic')]));
    expect(out[5]).toMatchObject({ duration_seconds: 61, peak_participants: 2 });
    expect(JSON.stringify(out)).not.toContain('topic');
    expect(new Set(out.map((e) => e.id)).size).toBe(6);
  });
});

describe('WebhookDispatcher', () => {
  it('retries 5xx with backoff until delivered, each attempt freshly signed', async () => {
    const rx = await receiver((n) => (n < 2 ? 503 : 200));
    cleanups.push(rx.close);
    const d = new WebhookDispatcher({ urls: [rx.url], secret: 'sec', baseDelayMs: 20 });
    cleanups.push(() => d.close());
    const started = Date.now();
    d.enqueue(event());
    await d.idle();
    expect(rx.received).toHaveLength(3);
    // Backoff: ~20 ms then ~40 ms (±20%).
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    for (const r of rx.received) {
      expect(verifyWebhook('sec', r.headers['x-lunar-signature'] as string, r.body)).toBe(true);
      expect(r.headers['x-lunar-event']).toBe('participant_joined');
      expect(r.headers['x-lunar-delivery']).toBe('e0');
    }
    expect(d.stats()).toEqual({ delivered: 1, failed: 0, retried: 2, dropped: 0, queued: 0 });
  });

  it('gives up after maxAttempts and does not retry a 4xx', async () => {
    const rx = await receiver((n) => (n === 0 ? 400 : 500));
    cleanups.push(rx.close);
    const d = new WebhookDispatcher({ urls: [rx.url], secret: 's', baseDelayMs: 5, maxAttempts: 3 });
    cleanups.push(() => d.close());
    d.enqueue(event(1));
    await d.idle();
    d.enqueue(event(2));
    await d.idle();
    expect(rx.received).toHaveLength(1 + 3);
    expect(d.stats()).toMatchObject({ delivered: 0, failed: 2, retried: 2 });
  });

  it('bounds its queue when a receiver hangs, and enqueue stays synchronous and fast', async () => {
    const rx = await receiver(() => 'hang');
    cleanups.push(rx.close);
    const d = new WebhookDispatcher({ urls: [rx.url], secret: 's', maxQueue: 50, concurrency: 2, timeoutMs: 60_000 });
    cleanups.push(() => d.close());
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) d.enqueue(event(i));
    expect(performance.now() - t0).toBeLessThan(1000);
    await sleep(100);
    const s = d.stats();
    expect(s.queued).toBeLessThanOrEqual(52);
    expect(s.dropped).toBeGreaterThanOrEqual(10_000 - 52);
  });

  it('counts an unreachable receiver as failed after retries', async () => {
    const rx = await receiver();
    await rx.close();
    const d = new WebhookDispatcher({ urls: [rx.url], secret: 's', baseDelayMs: 5, maxAttempts: 2 });
    cleanups.push(() => d.close());
    d.enqueue(event());
    await d.idle();
    expect(d.stats()).toMatchObject({ failed: 1, retried: 1 });
  });
});

describe('relay with WEBHOOK_URLS', () => {
  it('posts signed room and participant events; a hanging receiver never delays signalling', async () => {
    const ok = await receiver();
    const stuck = await receiver(() => 'hang');
    cleanups.push(ok.close, stuck.close);
    const relay = await startRelay({ webhookUrls: [ok.url, stuck.url], webhookSecret: 'whsec' });
    cleanups.push(() => relay.close());
    const topic = 'T'.repeat(43);
    const a = await TestClient.open(wsUrl(relay, '/yjs'));
    const b = await TestClient.open(wsUrl(relay, '/yjs'));
    cleanups.push(() => a.close(), () => b.close());
    a.send({ type: 'subscribe', topics: [topic] });
    b.send({ type: 'subscribe', topics: [topic] });
    await sleep(30);
    const t0 = Date.now();
    a.send({ type: 'publish', topic, data: 'hello' });
    expect((await b.next()).data).toBe('hello');
    expect(Date.now() - t0).toBeLessThan(500);
    a.close();
    b.close();
    const deadline = Date.now() + 3000;
    while (ok.received.length < 6 && Date.now() < deadline) await sleep(20);
    const events = ok.received.map((r) => JSON.parse(r.body) as WebhookEvent);
    expect(events.map((e) => e.event)).toEqual([
      'room_started',
      'participant_joined',
      'participant_joined',
      'participant_left',
      'participant_left',
      'room_finished',
    ]);
    for (const r of ok.received) {
      expect(verifyWebhook('whsec', r.headers['x-lunar-signature'] as string, r.body)).toBe(true);
      expect(r.body).not.toContain(topic);
      expect(r.body).not.toContain('hello');
    }
    expect(events[0]!.room).toBe(hashRoomForWebhook(topic));
    expect((await (await fetch(`${relay.url}/stats`)).json()).webhooks.delivered).toBe(6);
  });
});
