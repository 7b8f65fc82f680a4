/**
 * Forwarding in real Chromium (issue 7): added latency per hop on a chain A → B → C → D, and
 * a forwarder's CPU per extra child at 640×480.
 *
 * Latency: every page's forward worker notes when each SFrame ciphertext passes it (the origin
 * after encrypting, the others as their receiver transform reads it), keyed by the frame's SFrame
 * CTR. The CTR sits in the authenticated SFrame header, so the key cannot be confused between
 * frames; the times themselves travel in a side channel (the test reads each page's ledger), on
 * `performance.timeOrigin + performance.now()`, which all pages of one browser share. A hop is
 * one page's time minus its parent's: packetisation, pacing, loopback, frame assembly and (from
 * B on) the copy into the next sender. It excludes the jitter buffer, which a forwarder skips.
 *
 * CPU: the forwarder's renderer process (its main thread, its workers, WebRTC's threads) from
 * /proc, with 1, 2 and 3 children; the slope is the cost per extra child.
 * Run alone: `node --import tsx bench/tree-hop/index.ts` (needs `npm run build` first).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { createRelay } from '../../relay/server';
import { createRoom } from '../../src/room/room-link';
import type { LedgerEntry } from '../../src/tree/forwarding/payload-ledger';
import { linkPages, openChainPage, type ChainPage } from '../../tests/e2e/harness/tree-chain';
import { CHROMIUM_ARGS, chromiumExecutable } from '../chromium';
import { median, percentile, printTable } from '../stats';
import { cpuMs, rendererPids } from './process-cpu';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');

export interface HopRow {
  hop: string;
  kind: 'video' | 'audio';
  frames: number;
  medianMs: number;
  p95Ms: number;
}

export interface CpuRow {
  children: number;
  /** The forwarder's renderer process, percent of one core. */
  cpuPercent: number;
}

export interface TreeHopResult {
  latency: { camera: string; rows: HopRow[]; frameIntervalMs: number };
  cpu: { camera: string; windowMs: number; rows: CpuRow[]; perExtraChildPercent: number };
  method: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitDecoding(p: ChainPage, minFrames: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (((await p.stats()).upstream?.framesDecoded ?? 0) >= minFrames) return;
    await sleep(100);
  }
  throw new Error(`${p.name} did not decode`);
}

function hops(chain: ChainPage[], ledgers: Record<string, Record<number, LedgerEntry>>[], kind: 'video' | 'audio'): HopRow[] {
  const source = chain[0] as ChainPage;
  const id = `${kind}:${source.id}`;
  const rows: HopRow[] = [];
  for (let i = 1; i < chain.length; i++) {
    const parent = ledgers[i - 1]?.[id] ?? {};
    const child = ledgers[i]?.[id] ?? {};
    const delays: number[] = [];
    for (const [ctr, entry] of Object.entries(child)) {
      const from = parent[Number(ctr)];
      if (from !== undefined) delays.push(entry[1] - from[1]);
    }
    rows.push({
      hop: `${chain[i - 1]?.name}→${chain[i]?.name}`,
      kind,
      frames: delays.length,
      medianMs: median(delays),
      p95Ms: percentile(delays, 95),
    });
  }
  return rows;
}

async function measureLatency(browser: Browser, url: string, seconds: number): Promise<TreeHopResult['latency']> {
  const { secret } = createRoom();
  const camera = { width: 320, height: 240, frameRate: 30 };
  const chain: ChainPage[] = [];
  try {
    chain.push(await openChainPage(browser, url, 'A', { secret, camera }));
    for (const name of ['B', 'C', 'D']) chain.push(await openChainPage(browser, url, name, { secret }));
    const source = chain[0] as ChainPage;
    for (let i = 1; i < chain.length; i++) await linkPages(chain[i - 1] as ChainPage, chain[i] as ChainPage, source);
    await waitDecoding(chain[chain.length - 1] as ChainPage, 30);
    // The ledgers keep the last 512 frames: ~17 s of video at 30 fps, ~10 s of audio.
    await sleep(seconds * 1000);
    const ledgers = await Promise.all(chain.map((p) => p.ledgers()));
    return { camera: `${camera.width}x${camera.height}@${camera.frameRate}`, rows: [...hops(chain, ledgers, 'video'), ...hops(chain, ledgers, 'audio')], frameIntervalMs: 1000 / camera.frameRate };
  } finally {
    await Promise.all(chain.map((p) => p.close()));
  }
}

async function measureCpu(browser: Browser, url: string, maxChildren: number, windowMs: number): Promise<TreeHopResult['cpu']> {
  const { secret } = createRoom();
  const camera = { width: 640, height: 480, frameRate: 30 };
  const pages: ChainPage[] = [];
  try {
    const a = await openChainPage(browser, url, 'A', { secret, camera });
    pages.push(a);
    const before = rendererPids(process.pid);
    const b = await openChainPage(browser, url, 'B', { secret });
    pages.push(b);
    const fresh = [...rendererPids(process.pid)].filter((pid) => !before.has(pid));
    await linkPages(a, b, a);
    await waitDecoding(b, 30);
    // Opening a page can start two renderers (about:blank, then the navigation's own): B's is the
    // one still alive and decoding.
    const c0 = fresh.map(cpuMs);
    await sleep(1000);
    const busy = fresh.map((pid, i) => ({ pid, used: cpuMs(pid) - (c0[i] ?? 0) })).filter((x) => Number.isFinite(x.used));
    busy.sort((x, y) => y.used - x.used);
    const pid = busy[0]?.pid;
    if (pid === undefined) throw new Error('could not find the forwarder page\'s renderer process');
    const rows: CpuRow[] = [];
    for (let k = 1; k <= maxChildren; k++) {
      const leaf = await openChainPage(browser, url, `L${k}`, { secret });
      pages.push(leaf);
      await linkPages(b, leaf, a);
      await waitDecoding(leaf, 30);
      await sleep(1000);
      const t0 = performance.now();
      const c0 = cpuMs(pid);
      await sleep(windowMs);
      const cpuPercent = ((cpuMs(pid) - c0) / (performance.now() - t0)) * 100;
      rows.push({ children: k, cpuPercent });
    }
    // Least-squares slope of CPU over the number of children.
    const n = rows.length;
    const mx = rows.reduce((s, r) => s + r.children, 0) / n;
    const my = rows.reduce((s, r) => s + r.cpuPercent, 0) / n;
    const num = rows.reduce((s, r) => s + (r.children - mx) * (r.cpuPercent - my), 0);
    const den = rows.reduce((s, r) => s + (r.children - mx) ** 2, 0);
    return { camera: `${camera.width}x${camera.height}@${camera.frameRate}`, windowMs, rows, perExtraChildPercent: den === 0 ? NaN : num / den };
  } finally {
    await Promise.all(pages.map((p) => p.close()));
  }
}

export async function runTreeHopBench(opts: { seconds?: number; maxChildren?: number; cpuWindowMs?: number } = {}): Promise<TreeHopResult> {
  const pages = await createRelay({ host: '127.0.0.1', port: 0, staticDir: path.join(REPO_ROOT, 'dist/test-pages'), log: () => undefined });
  const exe = chromiumExecutable();
  const args = CHROMIUM_ARGS;
  const browser = await chromium.launch({ ...(exe ? { executablePath: exe } : {}), args });
  let result: TreeHopResult;
  try {
    const latency = await measureLatency(browser, pages.url, opts.seconds ?? 8);
    const cpu = await measureCpu(browser, pages.url, opts.maxChildren ?? 3, opts.cpuWindowMs ?? 8000);
    result = {
      latency,
      cpu,
      method:
        'latency: per-page time (performance.timeOrigin + now) when each SFrame ciphertext passes its forward worker, keyed by the SFrame CTR (authenticated header), read over a side channel; cpu: forwarder renderer process utime+stime from /proc',
    };
  } finally {
    await browser.close();
    await pages.close();
  }
  printTable(`Added latency per hop, chain A→B→C→D, ${result.latency.camera} (frame interval ${result.latency.frameIntervalMs.toFixed(1)} ms)`, ['hop', 'kind', 'frames', 'median ms', 'p95 ms'], result.latency.rows.map((r) => [r.hop, r.kind, String(r.frames), r.medianMs.toFixed(1), r.p95Ms.toFixed(1)]));
  printTable(`Forwarder CPU (renderer process), ${result.cpu.camera}, ${result.cpu.windowMs} ms windows`, ['children', '% of a core'], [
    ...result.cpu.rows.map((r) => [String(r.children), r.cpuPercent.toFixed(1)]),
    ['per extra child', result.cpu.perExtraChildPercent.toFixed(2)],
  ]);
  mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'bench/results/tree-hop.json'), JSON.stringify(result, null, 2));
  return result;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await runTreeHopBench();
}
