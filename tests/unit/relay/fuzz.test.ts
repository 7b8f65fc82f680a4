import { setFlagsFromString } from 'node:v8';
import { seededRandom } from '../../support/prng';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Relay } from '../../../relay/server';
import { openPeer, sleep, startRelay, TestClient, wsUrl } from './test-client';

/** Seeded so a failure can be replayed: run with FUZZ_SEED=<printed seed>. */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed1234);
const TOTAL_FRAMES = 100_000;
const SOCKETS = 8;
const BATCH = 250;


function gc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** One malformed (or merely hostile) frame. */
function frameGenerator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const str = (max: number): string => {
    const n = Math.floor(rand() * max);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rand() * 0xffff));
    return s;
  };
  const junkValue = (): unknown =>
    pick([null, true, 0, -1, 1e308, 'x', [], {}, str(20), [1, [2, [3]]], { __proto__: { polluted: 1 } }, 'a'.repeat(200)]);
  const types = ['subscribe', 'unsubscribe', 'publish', 'ping', 'OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE', 'HEARTBEAT', 'OPEN', '', '__proto__', 'constructor', 'toString'];
  return (): string | Buffer => {
    switch (Math.floor(rand() * 10)) {
      case 0:
        return pick(['{', '}', '[', 'nul', '{"type":', '"', '\\', '\u0000', '{"type":"publish",}', 'NaN', '1e999', '']);
      case 1:
        return JSON.stringify(junkValue());
      case 2:
        return Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
      case 3:
        return JSON.stringify({ type: pick(types), topics: pick([junkValue(), [str(10)], Array(40).fill('t'), ['x'.repeat(500)]]) });
      case 4:
        return JSON.stringify({ type: pick(types), topic: junkValue(), data: str(100) });
      case 5:
        return JSON.stringify({ type: pick(types), dst: pick([junkValue(), 'ghost', 'a b', '../../x', 'z'.repeat(100)]), payload: junkValue() });
      case 6:
        // Unicode, lone surrogates and control characters inside otherwise valid messages.
        return `{"type":"${pick(types)}","topic":"${str(30).replace(/["\\]/g, '')}"}`;
      case 7:
        return '['.repeat(1 + Math.floor(rand() * 5000)) + ']'.repeat(Math.floor(rand() * 5000));
      case 8:
        return JSON.stringify({ type: 'publish', topic: `fuzz-${Math.floor(rand() * 50)}`, data: str(rand() < 0.01 ? 20_000 : 50) });
      default:
        return JSON.stringify({ type: 'subscribe', topics: [`fuzz-${Math.floor(rand() * 50)}`] });
    }
  };
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', () => {});
    ws.once('open', () => resolve(ws));
    ws.once('close', () => reject(new Error('closed before open')));
  });
}

/** Resolves once the relay has processed everything sent before (pong is ordered after it). */
function barrier(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState !== ws.OPEN) return resolve();
    const done = (): void => {
      ws.off('pong', done);
      ws.off('close', done);
      resolve();
    };
    ws.on('pong', done);
    ws.on('close', done);
    ws.ping();
  });
}

describe(`fuzz: ${TOTAL_FRAMES} malformed frames (seed ${SEED})`, () => {
  let relay: Relay;
  const collect = gc();
  let heapBefore = 0;

  beforeAll(async () => {
    // Generous flood limits so frames reach the parsers instead of all hitting the rate limit.
    relay = await startRelay({ limits: { ratePerSecond: 1e6, rateBurst: 1e6, abuseBurst: 1e6, heartbeatIntervalMs: 60_000 } });
    // Warm up code paths so JIT and module state are not counted as growth.
    const a = await openPeer(relay, 'warmup1');
    const b = await TestClient.open(wsUrl(relay, '/yjs'));
    b.send({ type: 'subscribe', topics: ['warm'] });
    b.send({ type: 'publish', topic: 'warm', data: 1 });
    await b.next();
    a.close();
    b.close();
    await sleep(100);
    collect();
    heapBefore = process.memoryUsage().heapUsed;
  });
  afterAll(async () => {
    await relay?.close();
  });

  it('survives, then still routes a call, with memory back near its start', async () => {
    const rand = seededRandom(SEED);
    const nextFrame = frameGenerator(rand);
    const urls = (i: number): string => {
      if (i % 2 === 0) return wsUrl(relay, '/yjs');
      // Handshakes are fuzzed too: some invalid (refused with an error), most valid.
      const id = rand() < 0.2 ? `bad id ${i}!` : `fuzz${i}x${Math.floor(rand() * 1e9)}`;
      return wsUrl(relay, `/peerjs?key=${rand() < 0.1 ? 'nope' : 'peerjs'}&id=${encodeURIComponent(id)}&token=t${i}`);
    };
    let sent = 0;
    let reconnects = 0;
    const worker = async (i: number): Promise<void> => {
      let ws = await open(urls(i));
      ws.on('message', () => {});
      while (sent < TOTAL_FRAMES) {
        if (ws.readyState !== ws.OPEN) {
          reconnects += 1;
          ws = await open(urls(i));
          ws.on('message', () => {});
        }
        for (let k = 0; k < BATCH && sent < TOTAL_FRAMES && ws.readyState === ws.OPEN; k++) {
          const f = nextFrame();
          ws.send(f, { binary: Buffer.isBuffer(f) });
          sent += 1;
        }
        await barrier(ws);
      }
      ws.terminate();
    };
    await Promise.all(Array.from({ length: SOCKETS }, (_, i) => worker(i)));
    expect(sent).toBe(TOTAL_FRAMES);

    // Oversized frames and a flood at default limits, on a separate relay-side socket each.
    const big = await open(wsUrl(relay, '/yjs'));
    const bigClosed = new Promise<number>((r) => big.once('close', (code) => r(code)));
    big.send('x'.repeat(100 * 1024));
    expect(await bigClosed).toBe(1009);

    const snap = relay.stats();
    const errors = Object.values(snap.errors).reduce((a, b) => a + b, 0);
    expect(errors).toBeGreaterThan(TOTAL_FRAMES / 3);
    expect(snap.errors.internal ?? 0).toBe(0);

    // A normal call through the same relay still works.
    const alice = await openPeer(relay, 'alice0000000000000000000000000001');
    const bob = await openPeer(relay, 'bob00000000000000000000000000002');
    alice.send({ type: 'OFFER', dst: 'bob00000000000000000000000000002', payload: { sdp: 'offer' } });
    expect(await bob.next()).toMatchObject({ type: 'OFFER', src: 'alice0000000000000000000000000001' });
    bob.send({ type: 'ANSWER', dst: 'alice0000000000000000000000000001', payload: { sdp: 'answer' } });
    expect(await alice.next()).toMatchObject({ type: 'ANSWER', src: 'bob00000000000000000000000000002' });
    const p1 = await TestClient.open(wsUrl(relay, '/yjs'));
    const p2 = await TestClient.open(wsUrl(relay, '/yjs'));
    p1.send({ type: 'subscribe', topics: ['after-fuzz'] });
    p2.send({ type: 'subscribe', topics: ['after-fuzz'] });
    await sleep(20);
    p1.send({ type: 'publish', topic: 'after-fuzz', data: 'still here' });
    expect(await p2.next()).toMatchObject({ data: 'still here' });
    for (const c of [alice, bob, p1, p2]) c.close();

    // Everything closed: no sockets, topics or queued messages left behind.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const s = relay.stats();
      if (s.routes.peerjs.connectionsOpen + s.routes.pubsub.connectionsOpen === 0 && s.pubsub.topics === 0) break;
      await sleep(50);
    }
    const after = relay.stats();
    expect(after.routes.peerjs.connectionsOpen + after.routes.pubsub.connectionsOpen).toBe(0);
    expect(after.pubsub.topics).toBe(0);
    expect(after.peerjs.peers).toBe(0);
    await sleep(relay.stats().peerjs.queuedMessages > 0 ? 6000 : 0);
    for (let i = 0; i < 3; i++) {
      collect();
      await sleep(50);
    }
    const growth = process.memoryUsage().heapUsed - heapBefore;
    console.log(`fuzz: seed ${SEED}, ${sent} frames, ${reconnects} reconnects, ${errors} errors counted, heap growth ${(growth / 1e6).toFixed(1)} MB`);
    expect(growth).toBeLessThan(16 * 1024 * 1024);
  }, 120_000);
});
