/**
 * Signalling benchmark: messages per second delivered (publish fan-out, PeerJS offer
 * routing) and memory per idle connection at 1k and 10k sockets, ours against y-webrtc's
 * reference server (`bin/server.js`) and the `peer` package, same load, same run, each
 * server in its own child process on 127.0.0.1. Run alone:
 * `node --import tsx bench/signaling/index.ts` (BENCH_SECONDS, BENCH_SOCKETS=1000,10000).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { printTable } from '../stats';
import { closeAll, openMany, peerjsOffers, pubsubFanOut } from './load';
import type { Throughput } from './load';
import type { WebSocket } from 'ws';
import { ROOT, startServer } from './servers';
import type { BenchServer, ServerKind } from './servers';

export interface IdleMemory {
  sockets: number;
  rssBytesPerSocket: number;
  heapBytesPerSocket: number;
}

export interface SignalingBenchResult {
  date: string;
  machine: { cpus: number; node: string; openFilesLimit: number | null };
  throughput: {
    /** `ratio`: delivered per wall second; `cpuRatio`: delivered per server CPU second. */
    pubsub: { ours: Throughput; yWebrtc: Throughput; ratio: number; cpuRatio: number };
    peerjs: { ours: Throughput; peer: Throughput; ratio: number; cpuRatio: number };
  };
  idle: {
    pubsub: Record<string, { ours: IdleMemory; yWebrtc: IdleMemory }>;
    peerjs: Record<string, { ours: IdleMemory; peer: IdleMemory }>;
  };
  notes: string[];
}

export interface SignalingBenchOptions {
  seconds?: number;
  socketCounts?: number[];
}

/** Soft RLIMIT_NOFILE of this process (Linux), or null when unknown. */
function openFilesLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m?.[1]) return null;
    return m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch {
    return null;
  }
}

/** Opens `n` idle sockets the way the measurement does: pub/sub sockets join rooms of five, PeerJS sockets just register. */
async function openIdle(server: BenchServer, route: 'pubsub' | 'peerjs', tag: string, n: number): Promise<WebSocket[]> {
  const sockets = await openMany((i) => (route === 'pubsub' ? server.pubsubUrl! : server.peerjsUrl(`${tag}n${i}`)!), n);
  if (route === 'pubsub') sockets.forEach((ws, i) => ws.send(JSON.stringify({ type: 'subscribe', topics: [`idle-${tag}-${Math.floor(i / 5)}`] })));
  return sockets;
}

export async function idleMemory(server: BenchServer, route: 'pubsub' | 'peerjs', n: number): Promise<IdleMemory> {
  const tag = `${route}${n}x${Date.now().toString(36)}`;
  // Warm-up, the same for every server: one-time costs of the first connections and
  // messages (lazy compilation, inline caches, young-generation sizing) are not per socket.
  const warm = await openIdle(server, route, `${tag}w`, WARM_UP_SOCKETS);
  await new Promise((r) => setTimeout(r, 300));
  await closeAll(warm);
  await new Promise((r) => setTimeout(r, 300));
  const before = await server.memory();
  const sockets = await openIdle(server, route, tag, n);
  await new Promise((r) => setTimeout(r, 1000));
  const after = await server.memory();
  await closeAll(sockets);
  await new Promise((r) => setTimeout(r, 500));
  return {
    sockets: n,
    rssBytesPerSocket: Math.round((after.rss - before.rss) / n),
    heapBytesPerSocket: Math.round((after.heapUsed + after.external - before.heapUsed - before.external) / n),
  };
}

const WARM_UP_SOCKETS = 200;
const IDLE_REPEATS_SMALL = 5;

/** Per-field medians of repeated idle measurements. */
function medianIdle(xs: IdleMemory[]): IdleMemory {
  const mid = (f: (m: IdleMemory) => number) => {
    const s = xs.map(f).sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] ?? Number.NaN;
  };
  return { sockets: xs[0]?.sockets ?? 0, rssBytesPerSocket: mid((m) => m.rssBytesPerSocket), heapBytesPerSocket: mid((m) => m.heapBytesPerSocket) };
}

async function withServer<T>(kind: ServerKind, run: (s: BenchServer) => Promise<T>): Promise<T> {
  const server = await startServer(kind);
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
const kb = (bytes: number): string => (bytes / 1024).toFixed(1);

export async function runSignalingBench(options: SignalingBenchOptions = {}): Promise<SignalingBenchResult> {
  const seconds = options.seconds ?? Number(process.env.BENCH_SECONDS ?? 3);
  const notes: string[] = [];
  const limit = openFilesLimit();
  let counts = options.socketCounts ?? (process.env.BENCH_SOCKETS ?? '1000,10000').split(',').map(Number);
  if (limit !== null && limit !== Infinity) {
    // The client holds every socket; leave headroom for the runtime's own descriptors.
    const max = limit - 512;
    if (counts.some((c) => c > max)) {
      notes.push(`open-files limit ${limit}: socket counts capped at ${max} (raise with ulimit -n)`);
      counts = counts.map((c) => Math.min(c, max));
    }
  }
  notes.push(
    'Our per-connection rate limit (an abuse guard, 100 msg/s per client) is lifted for the throughput runs; the references have none.',
    'Load generator and server share the machine; figures are relative, compare the ratios.',
    `Idle memory: each server first opens and closes ${WARM_UP_SOCKETS} sockets (warm-up), then the RSS delta after GC is divided by the sockets opened; at 1k, the median of ${IDLE_REPEATS_SMALL} fresh servers per side.`,
    'The load generator sends each tick\'s frames in one write per socket and checks one delivery in 16 in full (type, src/dst or topic, payload).',
  );

  const fanOut = async (s: BenchServer): Promise<Throughput> => pubsubFanOut(s.pubsubUrl!, () => s.cpuMicros(), { topics: 20, size: 5, window: 16, seconds });
  const offers = async (s: BenchServer): Promise<Throughput> => peerjsOffers((id) => s.peerjsUrl(id)!, () => s.cpuMicros(), { pairs: 50, window: 16, seconds });

  // Interleaved so a noisy neighbour on the machine hits both sides alike.
  const oursPub = await withServer('ours', fanOut);
  const yPub = await withServer('y-webrtc', fanOut);
  const oursPeer = await withServer('ours', offers);
  const peerPeer = await withServer('peer', offers);

  const idle: SignalingBenchResult['idle'] = { pubsub: {}, peerjs: {} };
  for (const n of counts) {
    // An RSS delta over 1k sockets is a few MB, the size of allocator noise: take the median
    // of several fresh servers (interleaved ours/reference), not one shot.
    const repeats = n <= 2000 ? IDLE_REPEATS_SMALL : 1;
    const samples = { ours: [] as IdleMemory[], yWebrtc: [] as IdleMemory[], oursPeer: [] as IdleMemory[], peer: [] as IdleMemory[] };
    for (let r = 0; r < repeats; r++) {
      samples.ours.push(await withServer('ours', (s) => idleMemory(s, 'pubsub', n)));
      samples.yWebrtc.push(await withServer('y-webrtc', (s) => idleMemory(s, 'pubsub', n)));
      samples.oursPeer.push(await withServer('ours', (s) => idleMemory(s, 'peerjs', n)));
      samples.peer.push(await withServer('peer', (s) => idleMemory(s, 'peerjs', n)));
    }
    idle.pubsub[n] = { ours: medianIdle(samples.ours), yWebrtc: medianIdle(samples.yWebrtc) };
    idle.peerjs[n] = { ours: medianIdle(samples.oursPeer), peer: medianIdle(samples.peer) };
  }

  const result: SignalingBenchResult = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, openFilesLimit: limit === Infinity ? null : limit },
    throughput: {
      pubsub: { ours: oursPub, yWebrtc: yPub, ratio: ratio(oursPub.perSecond, yPub.perSecond), cpuRatio: ratio(oursPub.perCpuSecond, yPub.perCpuSecond) },
      peerjs: {
        ours: oursPeer,
        peer: peerPeer,
        ratio: ratio(oursPeer.perSecond, peerPeer.perSecond),
        cpuRatio: ratio(oursPeer.perCpuSecond, peerPeer.perCpuSecond),
      },
    },
    idle,
    notes,
  };

  const tp = result.throughput;
  printTable(
    'Signalling throughput (messages delivered per wall second, and per server CPU second; higher is better)',
    ['workload', 'ours /s', 'reference /s', 'ratio', 'ours /cpu-s', 'reference /cpu-s', 'cpu ratio'],
    [
      ['publish fan-out (20 rooms x 5)', String(oursPub.perSecond), `${yPub.perSecond} (y-webrtc)`, `${tp.pubsub.ratio}x`, String(oursPub.perCpuSecond), String(yPub.perCpuSecond), `${tp.pubsub.cpuRatio}x`],
      ['PeerJS OFFER/ANSWER (50 pairs)', String(oursPeer.perSecond), `${peerPeer.perSecond} (peer)`, `${tp.peerjs.ratio}x`, String(oursPeer.perCpuSecond), String(peerPeer.perCpuSecond), `${tp.peerjs.cpuRatio}x`],
    ],
  );
  const rows: string[][] = [];
  for (const n of counts) {
    const p = idle.pubsub[n]!;
    const q = idle.peerjs[n]!;
    const row = (name: string, o: IdleMemory, r: IdleMemory, ref: string): string[] => [
      name,
      kb(o.rssBytesPerSocket),
      `${kb(r.rssBytesPerSocket)} (${ref})`,
      `${ratio(o.rssBytesPerSocket, r.rssBytesPerSocket)}x`,
      kb(o.heapBytesPerSocket),
      kb(r.heapBytesPerSocket),
      `${ratio(o.heapBytesPerSocket, r.heapBytesPerSocket)}x`,
    ];
    rows.push(row(`pub/sub, ${n} sockets`, p.ours, p.yWebrtc, 'y-webrtc'));
    rows.push(row(`PeerJS, ${n} sockets`, q.ours, q.peer, 'peer'));
  }
  printTable(
    'Memory per idle connection (KB after GC, lower is better): RSS delta, and V8 heapUsed+external delta',
    ['workload', 'ours rss', 'reference rss', 'rss ratio', 'ours heap', 'reference heap', 'heap ratio'],
    rows,
  );
  for (const n of notes) console.log(`note: ${n}`);

  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'signaling.json'), JSON.stringify(result, null, 2) + '\n');
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSignalingBench();
}
