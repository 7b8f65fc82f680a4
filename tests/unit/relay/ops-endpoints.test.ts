import { afterEach, describe, expect, it } from 'vitest';
import { relayOptionsFromEnv } from '../../../relay/options';
import type { Relay } from '../../../relay/server';
import { sleep, startRelay, TestClient, wsUrl } from './test-client';

const relays: Relay[] = [];
const clients: TestClient[] = [];
async function relayWith(input: Parameters<typeof startRelay>[0] = {}): Promise<Relay> {
  const r = await startRelay(input);
  relays.push(r);
  return r;
}
async function subscriber(relay: Relay, topic: string): Promise<TestClient> {
  const c = await TestClient.open(wsUrl(relay, '/yjs'));
  clients.push(c);
  c.send({ type: 'subscribe', topics: [topic] });
  return c;
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(relays.splice(0).map((r) => r.close()));
});

const report = { v: 1, topology: 'mesh', e2ee: true, peers: 2, rttMs: 40, jitterMs: 4, lossDown: 0.01, videoTracks: 2, audioTracks: 2 };
const post = (relay: Relay, body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${relay.url}/report`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });

describe('GET /stats and /metrics', () => {
  it('reports conferences and participants from pub/sub topics, never the topics', async () => {
    const relay = await relayWith();
    const topicA = 'A'.repeat(43);
    await subscriber(relay, topicA);
    await subscriber(relay, topicA);
    await subscriber(relay, 'B'.repeat(43));
    await sleep(50);
    const res = await fetch(`${relay.url}/stats`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({
      conferences: 2,
      participants: 3,
      largest_conference: 2,
      total_conferences_created: 2,
      total_participants: 3,
      websockets: { pubsub: { connections: 3 } },
    });
    expect(new Date(doc.current_timestamp).toISOString()).toBe(doc.current_timestamp);
    expect(doc.conference_sizes).toHaveLength(15);
    for (const key of ['threads', 'event_loop_lag_ms', 'memory_heap_used_bytes', 'bit_rate_download', 'rtt_aggregate', 'turn_allocations_current']) {
      expect(typeof doc[key]).toBe('number');
    }
    expect(text).not.toContain('AAAA');
    const metrics = await fetch(`${relay.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = await metrics.text();
    expect(m).toContain('lunar_conferences 2');
    expect(m).toContain('lunar_participants 3');
    expect(m).not.toContain('AAAA');
  });

  it('counts a completed conference when the last subscriber leaves', async () => {
    const relay = await relayWith();
    const a = await subscriber(relay, 'room-hash');
    await sleep(30);
    a.send({ type: 'unsubscribe', topics: ['room-hash'] });
    await sleep(50);
    const doc = await (await fetch(`${relay.url}/stats`)).json();
    expect(doc).toMatchObject({ conferences: 0, total_conferences_completed: 1 });
  });

  it('includes TURN counters from the turnStats hook', async () => {
    const relay = await relayWith({ turnStats: () => ({ allocationsCurrent: 3, allocationsTotal: 9, bytesToPeers: 100 }) });
    const doc = await (await fetch(`${relay.url}/stats`)).json();
    expect(doc).toMatchObject({ turn_allocations_current: 3, turn_allocations_total: 9, turn_relayed_bytes_out: 100 });
    expect(await (await fetch(`${relay.url}/metrics`)).text()).toContain('lunar_turn_allocations 3');
  });

  it('STATS_TOKEN requires a bearer token', async () => {
    const relay = await relayWith({ statsToken: 's3cret-token' });
    for (const path of ['/stats', '/metrics']) {
      const none = await fetch(`${relay.url}${path}`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await fetch(`${relay.url}${path}`, { headers: { Authorization: 'Bearer wrong-token!' } })).status).toBe(401);
      expect((await fetch(`${relay.url}${path}`, { headers: { Authorization: 'Bearer s3cret-token' } })).status).toBe(200);
    }
  });

  it('STATS_PORT moves both endpoints to their own listener', async () => {
    const relay = await relayWith({ statsPort: 0 });
    expect(relay.statsUrl).not.toBe(relay.url);
    expect((await fetch(`${relay.url}/stats`)).status).toBe(404);
    expect((await fetch(`${relay.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${relay.statsUrl}/stats`)).status).toBe(200);
    expect((await fetch(`${relay.statsUrl}/metrics`)).status).toBe(200);
    expect((await fetch(`${relay.statsUrl}/config.json`)).status).toBe(404);
  });
});

describe('POST /report', () => {
  it('folds a valid report into the aggregates and keeps nothing else', async () => {
    const relay = await relayWith();
    expect((await post(relay, JSON.stringify(report))).status).toBe(204);
    expect((await post(relay, JSON.stringify({ ...report, rttMs: 60 }), { 'Content-Type': 'text/plain' })).status).toBe(204);
    const doc = await (await fetch(`${relay.url}/stats`)).json();
    expect(doc).toMatchObject({ total_quality_reports: 2, rtt_aggregate: 50, jitter_aggregate: 4, loss_rate_download: 0.01 });
  });

  it('refuses invalid, oversized, wrong-type and too-frequent reports', async () => {
    const relay = await relayWith({ reportsPerMinute: 3 });
    const bad = await post(relay, JSON.stringify({ ...report, name: 'Ana' }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid-quality-report' });
    expect((await post(relay, '{nope')).status).toBe(400);
    expect((await post(relay, JSON.stringify({ ...report, pad: 'x'.repeat(5000) }))).status).toBe(413);
    const form = await fetch(`${relay.url}/report`, { method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    // Rate limit: 3 per minute per address, already spent by the requests above.
    expect(form.status).toBe(429);
    expect((await post(relay, JSON.stringify(report))).status).toBe(429);
    expect((await fetch(`${relay.url}/report`)).status).toBe(405);
    const doc = await (await fetch(`${relay.url}/stats`)).json();
    expect(doc.total_quality_reports).toBe(0);
    expect(doc.total_quality_reports_rejected).toBe(2);
  });

  it('is 404 when QUALITY_REPORTS is off', async () => {
    const relay = await relayWith({ qualityReports: false });
    expect((await post(relay, JSON.stringify(report))).status).toBe(404);
  });

  it('answers CORS for allowed origins only', async () => {
    const relay = await relayWith({ allowedOrigins: ['https://app.example'] });
    const pre = await fetch(`${relay.url}/report`, { method: 'OPTIONS', headers: { Origin: 'https://app.example' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(pre.headers.get('access-control-allow-headers')).toBe('Content-Type');
    const ok = await post(relay, JSON.stringify(report), { Origin: 'https://app.example' });
    expect(ok.status).toBe(204);
    const evil = await post(relay, JSON.stringify(report), { Origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('ops environment', () => {
  it('parses STATS_*, REPORTS_PER_MINUTE, WEBHOOK_*, ALLOWED_ORIGINS, REDIS_URL', () => {
    const o = relayOptionsFromEnv({
      STATS_TOKEN: 'tok',
      STATS_PORT: '9100',
      REPORTS_PER_MINUTE: '10',
      WEBHOOK_URLS: 'https://hooks.example/a, http://127.0.0.1:9/b',
      WEBHOOK_SECRET: 'whsec',
      ALLOWED_ORIGINS: 'https://chat.example.org,http://localhost:5173',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(o).toMatchObject({
      statsToken: 'tok',
      statsPort: 9100,
      reportsPerMinute: 10,
      webhookUrls: ['https://hooks.example/a', 'http://127.0.0.1:9/b'],
      webhookSecret: 'whsec',
      allowedOrigins: ['https://chat.example.org', 'http://localhost:5173'],
      redisUrl: 'redis://127.0.0.1:6379',
      auth: null,
    });
  });

  it.each([
    [{ STATS_PORT: 'x' }, 'PORT'],
    [{ WEBHOOK_URLS: 'ftp://x' }, 'WEBHOOK_URLS'],
    [{ WEBHOOK_URLS: 'https://x.example' }, 'WEBHOOK_SECRET'],
    [{ ALLOWED_ORIGINS: 'https://a.example/path' }, 'ALLOWED_ORIGINS'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET'],
    [{ AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----' }, 'not both'],
    [{ AUTH_JWT_PUBLIC_KEY: 'garbage-not-a-file' }, 'AUTH_JWT_PUBLIC_KEY'],
  ])('refuses %j', (env, message) => {
    expect(() => relayOptionsFromEnv(env)).toThrow(message);
  });
});
