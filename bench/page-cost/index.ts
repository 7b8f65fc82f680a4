/**
 * What one page of a settled room costs the machine, by Chromium thread: the same six pages
 * (`quality=low`, two cameras, everyone muted) as a mesh and as a large room (relay tree with
 * the control overlay: `meshMax=3&controlMesh=4`). Each page's camera and audio reach every
 * other in both; what differs is the machinery. CPU is read from /proc for every thread of every
 * process of the browser we launched (renderers, GPU process, audio service) over one window
 * after the room settled, and divided by the pages. It says how many pages a machine holds (a
 * browser test above 16 pages needs more than these two cores) and where a page's time goes.
 * Run alone: `BENCH_ONLY=page-cost npm run bench`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { createRelay } from '../../relay/server';
import { REPO_ROOT } from '../../relay/options';
import { createRoom, formatRoomHash } from '../../src/room/room-link';
import { CHROMIUM_ARGS, chromiumExecutable } from '../chromium';
import { printTable } from '../stats';
import { descendantPids, processType, threadCpuMs } from '../tree-hop/process-cpu';

export type PageCostMode = 'mesh' | 'tree';

export interface PageCostRow {
  mode: PageCostMode;
  pages: number;
  /** Per page, % of one core, over the window. */
  cpuPercent: number;
  /** Per page, % of one core, by group of threads (see `group`). */
  byGroup: Record<string, number>;
}

export interface PageCostResult {
  pages: number;
  windowMs: number;
  rows: PageCostRow[];
}

const PAGES = 6;
const CAMERAS = 2;
const WINDOW_MS = 20_000;
const SETTLE_MS = 10_000;

/** Thread names (`comm`, 15 characters) in groups a reader can act on. */
function group(type: string, name: string): string {
  if (name.startsWith('WebRTC_')) return 'WebRTC threads';
  if (name.startsWith('AudioOutputDevi') || name.startsWith('AudioWorkerThre') || (type === 'utility' && name === 'Chrome_ChildIOT')) return 'audio playout';
  if (type === 'renderer' && name === 'chromium') return 'main threads';
  if (name.startsWith('DedicatedWorker')) return 'our workers';
  if (name.startsWith('ThreadPool')) return 'thread pools (decode…)';
  if (type === 'gpu-process' || name.startsWith('VideoFrameCompo') || name.startsWith('Compositor')) return 'compositing';
  if (type === 'renderer' && name === 'Chrome_ChildIOT') return 'renderer IO';
  return 'other';
}

/** Thread CPU (ms) of every process of our browser, keyed by pid/tid, with its group. */
function snapshot(): Map<string, { group: string; cpuMs: number }> {
  const out = new Map<string, { group: string; cpuMs: number }>();
  for (const pid of descendantPids(process.pid)) {
    const type = processType(pid);
    if (type === 'gone') continue;
    for (const [tid, t] of threadCpuMs(pid)) out.set(`${pid}/${tid}`, { group: group(type, t.name), cpuMs: t.cpuMs });
  }
  return out;
}

/** Frames decoded so far from each camera, by name, on `page` (the tree's links or the mesh's). */
async function camerasDecoded(page: Page, mode: PageCostMode, cameraIds: string[]): Promise<number[]> {
  return page.evaluate(
    async ({ mode, cameraIds }) => {
      const lunar = window.__lunar;
      if (!lunar) return cameraIds.map(() => 0);
      if (mode === 'tree') {
        const t = await lunar.tree();
        return cameraIds.map((id) => Math.max(0, ...(t?.upstream ?? []).filter((u) => u.source === id).map((u) => u.framesDecoded)));
      }
      const peers = await lunar.peers();
      return cameraIds.map((id) => peers.find((p) => p.peerId === id)?.cameraFramesDecoded ?? 0);
    },
    { mode, cameraIds },
  );
}

async function measure(browser: Browser, appUrl: string, mode: PageCostMode): Promise<PageCostRow> {
  const { roomId, secret } = createRoom();
  const pages: Page[] = [];
  const ids: string[] = [];
  try {
    for (let i = 0; i < PAGES; i++) {
      const ctx = await browser.newContext({ viewport: { width: 320, height: 240 } });
      const page = await ctx.newPage();
      const hash = formatRoomHash(roomId, secret, {
        prejoin: false,
        name: `P${i}`,
        audio: false,
        video: i < CAMERAS,
        lastN: CAMERAS,
        quality: 'low',
        noiseSuppression: false,
        ...(mode === 'tree' ? { meshMax: 3, controlMesh: 4 } : {}),
      });
      await page.goto(`${appUrl}/${hash}`);
      await page.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 60_000 });
      pages.push(page);
      ids.push(await page.evaluate(() => window.__lunar?.myId ?? ''));
    }
    const cameraIds = ids.slice(0, CAMERAS);
    // Settled: every page shows the room's mode and decodes every camera but its own, rising.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const modes = await Promise.all(pages.map((p) => p.evaluate(() => window.__lunar?.mode() ?? '')));
      const before = await Promise.all(pages.map((p) => camerasDecoded(p, mode, cameraIds)));
      await new Promise((r) => setTimeout(r, 2000));
      const after = await Promise.all(pages.map((p) => camerasDecoded(p, mode, cameraIds)));
      const rising = after.every((frames, i) => frames.every((f, c) => cameraIds[c] === ids[i] || f > (before[i]?.[c] ?? 0)));
      if (rising && modes.every((m) => m === mode)) break;
      if (Date.now() > deadline) throw new Error(`${mode}: the room did not settle (modes ${modes.join(', ')}; frames ${JSON.stringify(after)})`);
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const a = snapshot();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const b = snapshot();
    const seconds = (performance.now() - t0) / 1000;
    const byGroup: Record<string, number> = {};
    for (const [key, t] of b) {
      const used = t.cpuMs - (a.get(key)?.cpuMs ?? t.cpuMs);
      if (used > 0) byGroup[t.group] = (byGroup[t.group] ?? 0) + used;
    }
    let total = 0;
    for (const g of Object.keys(byGroup)) {
      byGroup[g] = (byGroup[g] ?? 0) / 10 / seconds / PAGES;
      total += byGroup[g] ?? 0;
    }
    return { mode, pages: PAGES, cpuPercent: total, byGroup };
  } finally {
    for (const p of pages) await p.context().close().catch(() => undefined);
  }
}

export async function runPageCostBench(): Promise<PageCostResult> {
  const app = await createRelay({ host: '127.0.0.1', port: 0, staticDir: path.join(REPO_ROOT, 'dist/app'), log: () => undefined });
  const exe = chromiumExecutable();
  const rows: PageCostRow[] = [];
  try {
    for (const mode of ['mesh', 'tree'] as const) {
      // A browser per mode: the other's processes and threads are gone before this one counts.
      const browser = await chromium.launch({ ...(exe ? { executablePath: exe } : {}), args: CHROMIUM_ARGS });
      try {
        rows.push(await measure(browser, app.url, mode));
      } finally {
        await browser.close();
      }
    }
  } finally {
    await app.close();
  }
  const result: PageCostResult = { pages: PAGES, windowMs: WINDOW_MS, rows };
  const groups = [...new Set(rows.flatMap((r) => Object.keys(r.byGroup)))].sort((x, y) => (rows[1]?.byGroup[y] ?? 0) - (rows[1]?.byGroup[x] ?? 0));
  const mesh = rows.find((r) => r.mode === 'mesh');
  const tree = rows.find((r) => r.mode === 'tree');
  printTable(
    `CPU per page of a settled room of ${PAGES} (${CAMERAS} cameras at quality=low, everyone muted), % of one core, ${WINDOW_MS / 1000} s window; tree = relay tree on the control overlay`,
    ['threads', 'mesh', 'tree', 'tree / mesh'],
    [
      ...groups.map((g) => [g, (mesh?.byGroup[g] ?? 0).toFixed(2), (tree?.byGroup[g] ?? 0).toFixed(2), mesh?.byGroup[g] ? `${((tree?.byGroup[g] ?? 0) / mesh.byGroup[g]).toFixed(2)}×` : '']),
      ['all', (mesh?.cpuPercent ?? 0).toFixed(1), (tree?.cpuPercent ?? 0).toFixed(1), mesh?.cpuPercent ? `${((tree?.cpuPercent ?? 0) / mesh.cpuPercent).toFixed(2)}×` : ''],
    ],
  );
  const dir = path.join(REPO_ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'page-cost.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await runPageCostBench();
}
