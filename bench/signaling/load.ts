import { WebSocket } from 'ws';

const PAYLOAD = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n'.repeat(8);

export function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Opens `n` sockets, `parallel` at a time. */
export async function openMany(urls: (i: number) => string, n: number, parallel = 200): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = await Promise.all(Array.from({ length: Math.min(parallel, n - i) }, (_, k) => open(urls(i + k))));
    out.push(...batch);
  }
  return out;
}

export function closeAll(sockets: WebSocket[]): Promise<void> {
  return Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.terminate();
        }),
    ),
  ).then(() => undefined);
}

export interface Throughput {
  delivered: number;
  seconds: number;
  perSecond: number;
  /** Server CPU seconds used in the window, and deliveries per server CPU second. */
  serverCpuSeconds: number;
  perCpuSecond: number;
}

/** Reads the server's CPU clock; the load generator shares the machine, so this is the fairer capacity figure. */
export type CpuClock = () => Promise<number>;

function result(count: number, seconds: number, cpuMicros: number): Throughput {
  const cpu = cpuMicros / 1e6;
  return { delivered: count, seconds, perSecond: Math.round(count / seconds), serverCpuSeconds: Math.round(cpu * 100) / 100, perCpuSecond: Math.round(count / cpu) };
}

/**
 * Every frame a load socket sends in one tick leaves in one write. The load generator is a
 * single process sharing two cores with the server; paying a syscall per frame made it the
 * bottleneck, so the wall-clock figures measured the client, not the server. Same for every
 * server under test. `_socket` is ws's net.Socket.
 */
const corked = new WeakSet<WebSocket>();
function sendBatched(ws: WebSocket, frame: string): void {
  if (!corked.has(ws)) {
    const raw = (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (raw) {
      raw.cork();
      corked.add(ws);
      process.nextTick(() => {
        corked.delete(ws);
        raw.uncork();
      });
    }
  }
  ws.send(frame);
}

/** One delivery in `SAMPLE_EVERY` is parsed in full and checked, so a server that mangles messages cannot score. */
const SAMPLE_EVERY = 16;

export class DeliveryCheckError extends Error {}

/**
 * Publish fan-out, closed loop: `topics` rooms of `size` subscribers; one publisher per room
 * keeps `window` publishes in flight, its own echo (both servers echo to the sender) acting
 * as the acknowledgement. Counts every publish delivered to any subscriber.
 */
export async function pubsubFanOut(url: string, cpu: CpuClock, opts = { topics: 20, size: 5, window: 16, seconds: 3 }): Promise<Throughput> {
  const sockets = await openMany(() => url, opts.topics * opts.size);
  let delivered = 0;
  let running = true;
  let bad = 0;
  const marker = Buffer.from('"publish"');
  for (let t = 0; t < opts.topics; t++) {
    const topic = `bench-topic-${t}`;
    // Serialised once: the client's own cost per message must stay small next to the server's.
    const publish = JSON.stringify({ type: 'publish', topic, data: PAYLOAD });
    for (let k = 0; k < opts.size; k++) {
      const ws = sockets[t * opts.size + k]!;
      ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
      const publisher = k === 0;
      ws.on('message', (data: Buffer) => {
        if (data.indexOf(marker) === -1) return;
        delivered += 1;
        if (delivered % SAMPLE_EVERY === 0) {
          const m = JSON.parse(data.toString()) as Record<string, unknown>;
          if (m.type !== 'publish' || m.topic !== topic || m.data !== PAYLOAD || m.clients !== opts.size) bad += 1;
        }
        if (publisher && running) sendBatched(ws, publish);
      });
    }
  }
  await new Promise((r) => setTimeout(r, 300));
  const cpuStart = await cpu();
  const start = performance.now();
  const startCount = delivered;
  for (let t = 0; t < opts.topics; t++) {
    const ws = sockets[t * opts.size]!;
    for (let w = 0; w < opts.window; w++) ws.send(JSON.stringify({ type: 'publish', topic: `bench-topic-${t}`, data: PAYLOAD }));
  }
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  running = false;
  const seconds = (performance.now() - start) / 1000;
  const count = delivered - startCount;
  const cpuUsed = (await cpu()) - cpuStart;
  await closeAll(sockets);
  if (bad > 0) throw new DeliveryCheckError(`pub/sub: ${bad} sampled deliveries were malformed`);
  return result(count, seconds, cpuUsed);
}

/**
 * PeerJS offer routing, closed loop: `pairs` caller/callee pairs; each caller keeps `window`
 * OFFERs in flight and the callee answers every OFFER. Counts OFFERs and ANSWERs delivered;
 * sampled deliveries must carry the server-stamped `src`, the right `dst` and the payload intact.
 */
export async function peerjsOffers(url: (id: string) => string, cpu: CpuClock, opts = { pairs: 50, window: 16, seconds: 3 }): Promise<Throughput> {
  const ids = Array.from({ length: opts.pairs * 2 }, (_, i) => `bench${i.toString().padStart(6, '0')}x${Date.now().toString(36)}`);
  const sockets = await openMany((i) => url(ids[i]!), ids.length);
  let delivered = 0;
  let running = true;
  let bad = 0;
  const offerMark = Buffer.from('"OFFER"');
  const answerMark = Buffer.from('"ANSWER"');
  const check = (data: Buffer, type: string, src: string, dst: string): void => {
    const m = JSON.parse(data.toString()) as { type?: unknown; src?: unknown; dst?: unknown; payload?: { sdp?: unknown } };
    if (m.type !== type || m.src !== src || m.dst !== dst || m.payload?.sdp !== PAYLOAD) bad += 1;
  };
  for (let p = 0; p < opts.pairs; p++) {
    const [callerId, calleeId] = [ids[2 * p]!, ids[2 * p + 1]!];
    const [caller, callee] = [sockets[2 * p]!, sockets[2 * p + 1]!];
    const offer = JSON.stringify({ type: 'OFFER', dst: calleeId, payload: { sdp: PAYLOAD, type: 'offer' } });
    const answer = JSON.stringify({ type: 'ANSWER', dst: callerId, payload: { sdp: PAYLOAD, type: 'answer' } });
    callee.on('message', (data: Buffer) => {
      if (data.indexOf(offerMark) === -1) return;
      delivered += 1;
      if (delivered % SAMPLE_EVERY === 0) check(data, 'OFFER', callerId, calleeId);
      if (running) sendBatched(callee, answer);
    });
    caller.on('message', (data: Buffer) => {
      if (data.indexOf(answerMark) === -1) return;
      delivered += 1;
      if (delivered % SAMPLE_EVERY === 0) check(data, 'ANSWER', calleeId, callerId);
      if (running) sendBatched(caller, offer);
    });
  }
  await new Promise((r) => setTimeout(r, 300));
  const cpuStart = await cpu();
  const start = performance.now();
  const startCount = delivered;
  for (let p = 0; p < opts.pairs; p++) {
    for (let w = 0; w < opts.window; w++) {
      sockets[2 * p]!.send(JSON.stringify({ type: 'OFFER', dst: ids[2 * p + 1], payload: { sdp: PAYLOAD, type: 'offer' } }));
    }
  }
  await new Promise((r) => setTimeout(r, opts.seconds * 1000));
  running = false;
  const seconds = (performance.now() - start) / 1000;
  const count = delivered - startCount;
  const cpuUsed = (await cpu()) - cpuStart;
  await closeAll(sockets);
  if (bad > 0) throw new DeliveryCheckError(`PeerJS: ${bad} sampled deliveries were malformed`);
  return result(count, seconds, cpuUsed);
}
