/**
 * What control connections cost a page in Chromium: the control mesh (one data-channel
 * connection per other member, a JSON ping on each every 0.4 s) against the control overlay
 * (6 connections, one beat digest of every member on each every 0.4 s: src/protocol/beat-digest.ts).
 * Two pages stand for the two ends: page A holds K connections to page B, and both do what a
 * member of an N-member room does on them. Measured: renderer CPU (from /proc, both pages,
 * halved) and resident memory per page, over a window after the connections are up.
 * Run alone: `node --import tsx bench/control-links/index.ts`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright';
import { CHROMIUM_ARGS, chromiumExecutable } from '../chromium';
import { printTable } from '../stats';
import { cpuMs, rendererPids } from '../tree-hop/process-cpu';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const OVERLAY_LINKS = 6;
const BEAT_MS = 400;

export interface ControlLinksRow {
  n: number;
  mode: 'mesh' | 'overlay';
  connections: number;
  /** Per page, % of one core. */
  cpuPercent: number;
  /** Per page, resident memory of its renderer process. */
  rssMB: number;
  setupMs: number;
}

function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** In the page: K connections' one end, each with a negotiated data channel (id 0). */
async function makeEnds(page: Page, k: number): Promise<void> {
  await page.evaluate((k) => {
    const w = window as unknown as { pcs: RTCPeerConnection[]; chans: RTCDataChannel[]; received: number };
    w.pcs = [];
    w.chans = [];
    w.received = 0;
    for (let i = 0; i < k; i++) {
      const pc = new RTCPeerConnection();
      const ch = pc.createDataChannel('control', { negotiated: true, id: 0 });
      w.pcs.push(pc);
      w.chans.push(ch);
    }
  }, k);
}

async function connect(a: Page, b: Page, k: number): Promise<void> {
  await Promise.all([makeEnds(a, k), makeEnds(b, k)]);
  const offers = await a.evaluate(async () => {
    const w = window as unknown as { pcs: RTCPeerConnection[] };
    return Promise.all(
      w.pcs.map(async (pc) => {
        await pc.setLocalDescription();
        await new Promise<void>((resolve) => {
          if (pc.iceGatheringState === 'complete') resolve();
          else pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
        });
        return pc.localDescription?.sdp ?? '';
      }),
    );
  });
  const answers = await b.evaluate(async (offers) => {
    const w = window as unknown as { pcs: RTCPeerConnection[] };
    return Promise.all(
      w.pcs.map(async (pc, i) => {
        await pc.setRemoteDescription({ type: 'offer', sdp: offers[i] ?? '' });
        await pc.setLocalDescription();
        await new Promise<void>((resolve) => {
          if (pc.iceGatheringState === 'complete') resolve();
          else pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
        });
        return pc.localDescription?.sdp ?? '';
      }),
    );
  }, offers);
  await a.evaluate(async (answers) => {
    const w = window as unknown as { pcs: RTCPeerConnection[] };
    await Promise.all(w.pcs.map((pc, i) => pc.setRemoteDescription({ type: 'answer', sdp: answers[i] ?? '' })));
  }, answers);
  for (const p of [a, b]) {
    await p.waitForFunction(() => (window as unknown as { chans: RTCDataChannel[] }).chans.every((c) => c.readyState === 'open'), null, { timeout: 120_000 });
  }
}

/**
 * In the page: every BEAT_MS, what a member sends on its control connections: a ping on each
 * (mesh), or one digest of `members` entries on each (overlay); what arrives is parsed as the
 * call would (JSON, and the digest's entries checked one by one).
 */
async function startTraffic(page: Page, mode: 'mesh' | 'overlay', members: number): Promise<void> {
  await page.evaluate(
    ({ mode, members, beatMs }) => {
      const w = window as unknown as { chans: RTCDataChannel[]; received: number };
      const entry = /^([0-9a-f]{12})\.([0-9a-z]{1,8})$/;
      for (const ch of w.chans) {
        ch.onmessage = (e: MessageEvent<string>) => {
          const msg = JSON.parse(e.data) as { t: string; e?: string };
          if (msg.t === 'beats' && msg.e) for (const part of msg.e.split(',')) if (entry.exec(part)) w.received++;
          w.received++;
        };
      }
      const ids = Array.from({ length: members }, (_, i) => (i * 2654435761).toString(16).padStart(12, '0').slice(-12));
      let beat = 0;
      setInterval(() => {
        beat++;
        if (mode === 'mesh') {
          for (const ch of w.chans) ch.send(JSON.stringify({ t: 'ping', at: Date.now() }));
        } else {
          const msg = JSON.stringify({ t: 'beats', e: ids.map((id) => `${id}.${(beat * 7).toString(36)}`).join(',') });
          for (const ch of w.chans) ch.send(msg);
        }
      }, beatMs);
    },
    { mode, members, beatMs: BEAT_MS },
  );
}

async function measure(n: number, mode: 'mesh' | 'overlay', windowMs: number): Promise<ControlLinksRow> {
  const exe = chromiumExecutable();
  const browser = await chromium.launch({ ...(exe ? { executablePath: exe } : {}), args: CHROMIUM_ARGS });
  try {
    const before = rendererPids(process.pid);
    const a = await (await browser.newContext()).newPage();
    const b = await (await browser.newContext()).newPage();
    const k = mode === 'mesh' ? n - 1 : OVERLAY_LINKS;
    const t0 = performance.now();
    await connect(a, b, k);
    const setupMs = performance.now() - t0;
    await startTraffic(a, mode, n);
    await startTraffic(b, mode, n);
    await sleep(2000);
    const pids = [...rendererPids(process.pid)].filter((pid) => !before.has(pid));
    const c0 = pids.map(cpuMs);
    const w0 = performance.now();
    await sleep(windowMs);
    const used = pids.reduce((s, pid, i) => s + (cpuMs(pid) - (c0[i] ?? 0)), 0);
    const cpuPercent = (used / (performance.now() - w0)) * 100 / 2;
    // The two busiest renderers are the two pages (a context may leave an idle one behind).
    const rss = pids.map(rssMB).filter(Number.isFinite).sort((x, y) => y - x).slice(0, 2);
    return { n, mode, connections: k, cpuPercent, rssMB: rss.reduce((s, x) => s + x, 0) / Math.max(1, rss.length), setupMs };
  } finally {
    await browser.close();
  }
}

export async function runControlLinksBench(opts: { sizes?: number[]; windowMs?: number } = {}): Promise<ControlLinksRow[]> {
  const sizes = opts.sizes ?? [32, 64, 128];
  const windowMs = opts.windowMs ?? 10_000;
  const rows: ControlLinksRow[] = [];
  for (const n of sizes) for (const mode of ['mesh', 'overlay'] as const) rows.push(await measure(n, mode, windowMs));
  printTable(
    `Control connections per page, ${windowMs / 1000} s windows (two pages stand for the ends; per page): control mesh (a ping per connection every 0.4 s) against the overlay (${OVERLAY_LINKS} connections, a beat digest of every member on each every 0.4 s)`,
    ['N', 'mode', 'connections', '% of a core', 'renderer RSS MB', 'set-up ms'],
    rows.map((r) => [String(r.n), r.mode, String(r.connections), r.cpuPercent.toFixed(1), r.rssMB.toFixed(0), r.setupMs.toFixed(0)]),
  );
  mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'bench/results/control-links.json'), JSON.stringify({ rows, windowMs, overlayLinks: OVERLAY_LINKS, beatMs: BEAT_MS }, null, 2));
  return rows;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await runControlLinksBench({ sizes: (process.env.CONTROL_LINKS_SIZES ?? '32,64,128').split(',').map(Number) });
}
