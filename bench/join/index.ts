/**
 * Join time: link opened → first remote video frame decoded, two participants. Ours (the
 * app through our relay, E2EE and all) against a bare page doing the same with a raw
 * RTCPeerConnection and a trivial WebSocket signaller, interleaved in one Chromium run.
 */
import path from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';
import { createRelay } from '../../relay/server';
import { REPO_ROOT } from '../../relay/options';
import { CHROMIUM_ARGS, chromiumExecutable } from '../chromium';
import { median, percentile, printTable } from '../stats';
import { startBareSignaller } from './bare-signaller';
import { FIRST_FRAME_PROBE } from './first-frame-probe';
import { createRoom, formatRoomHash } from '../../src/room/room-link';

export interface JoinBenchResult {
  runs: number;
  oursMs: number[];
  bareMs: number[];
  /** The bare page with its camera sent at half size, as our new connections start. */
  bareHalfMs: number[];
  oursMedianMs: number;
  bareMedianMs: number;
  bareHalfMedianMs: number;
  ratio: number;
  ratioHalf: number;
  /** `BENCH_JOIN_COMPARE=<dir>`: another build of the app (say `npx vite build --outDir /tmp/old` on an older commit), interleaved. */
  compare?: { dir: string; ms: number[]; medianMs: number; shownMs: number[] };
  /**
   * Link opened → first remote frame on screen (requestVideoFrameCallback's presentation time
   * on the page's own <video>), per page; runs where nothing was shown within 5 s are left out.
   */
  shown: { ours: number[]; bare: number[]; bareHalf: number[] };
}

/** Link opened → first remote frame decoded (the target's measure), and → first on screen. */
interface JoinTiming {
  decoded: number;
  shown: number | null;
}

async function timeJoin(browser: Browser, firstUrl: string, secondUrl: string, ready: (p: Page) => Promise<void>): Promise<JoinTiming> {
  const ctxA = await browser.newContext();
  const ctxB = await browser.newContext();
  try {
    const a = await ctxA.newPage();
    await a.goto(firstUrl);
    await ready(a);
    const b = await ctxB.newPage();
    await b.addInitScript(FIRST_FRAME_PROBE);
    await b.goto(secondUrl);
    await b.waitForFunction(() => (window as unknown as { __firstFrameAt: number | null }).__firstFrameAt !== null, undefined, { timeout: 30_000, polling: 50 });
    const at = await b.evaluate(() => (window as unknown as { __firstFrameAt: number }).__firstFrameAt);
    // On screen: a moment later (both pages draw into a <video>); null if never within 5 s.
    const shown = await b
      .waitForFunction(() => (window as unknown as { __firstShownAt: number | null }).__firstShownAt, undefined, { timeout: 5_000, polling: 50 })
      .then((h) => h.jsonValue() as Promise<number>)
      .catch(() => null);
    if (process.env.BENCH_VERBOSE) {
      // Both pages' milestones on the newcomer's clock (ms since it opened the link).
      const readMarks = (p: Page) => p.evaluate(() => ({ origin: performance.timeOrigin, marks: performance.getEntriesByType('mark').map((m) => [m.name.replace('lunar:', ''), m.startTime] as const) }));
      const mb = await readMarks(b);
      const ma = await readMarks(a);
      const line = (r: typeof mb) => r.marks.map(([n, t]) => `${n}=${(t + r.origin - mb.origin).toFixed(0)}`).join(' ');
      console.log(`  B: ${line(mb)} first-frame=${at.toFixed(0)} first-shown=${shown?.toFixed(0) ?? 'never'}\n  A: ${line(ma)}`);
    }
    return { decoded: at, shown };
  } finally {
    await ctxA.close();
    await ctxB.close();
  }
}

export async function runJoinBench(runs = 7): Promise<JoinBenchResult> {
  const app = await createRelay({ host: '127.0.0.1', port: 0, staticDir: path.join(REPO_ROOT, 'dist/app'), log: () => undefined });
  const pages = await createRelay({ host: '127.0.0.1', port: 0, staticDir: path.join(REPO_ROOT, 'dist/test-pages'), log: () => undefined });
  // Another build side by side (an A/B of a change), served by a relay of its own.
  const compareDir = process.env.BENCH_JOIN_COMPARE;
  const other = compareDir ? await createRelay({ host: '127.0.0.1', port: 0, staticDir: path.resolve(compareDir), log: () => undefined }) : null;
  const otherMs: number[] = [];
  const exe = chromiumExecutable();
  const browser = await chromium.launch({ ...(exe ? { executablePath: exe } : {}), args: CHROMIUM_ARGS });
  const oursMs: number[] = [];
  const bareMs: number[] = [];
  const bareHalfMs: number[] = [];
  const shown = { ours: [] as number[], bare: [] as number[], bareHalf: [] as number[], other: [] as number[] };
  const keep = (into: number[], shownInto: number[], t: JoinTiming) => {
    into.push(t.decoded);
    if (t.shown !== null) shownInto.push(t.shown);
  };
  const bareReady = async (p: Page) => {
    await p.waitForFunction(() => (window as unknown as { barePc?: unknown }).barePc !== undefined);
    await new Promise((r) => setTimeout(r, 300));
  };
  const timeBare = async (query: string) => {
    const signaller = await startBareSignaller();
    const bareUrl = `${pages.url}/bare-call.html?ws=${encodeURIComponent(signaller.url)}${query}`;
    try {
      return await timeJoin(browser, bareUrl, bareUrl, bareReady);
    } finally {
      await signaller.close();
    }
  };
  const timeApp = async (base: string) => {
    const { roomId, secret } = createRoom();
    const room = `${base}/${formatRoomHash(roomId, secret, { prejoin: false, name: 'Bench' })}`;
    return timeJoin(browser, room, room, async (p) => {
      await p.getByRole('button', { name: 'Leave' }).waitFor();
      await p.waitForFunction(() => window.__lunar?.signaling() === 'online');
    });
  };
  try {
    for (let i = 0; i < runs + 1; i++) {
      // Interleaved, so drift in machine load hits all alike; run 0 warms caches and is dropped.
      const ours = await timeApp(app.url);
      const otherBuild = other ? await timeApp(other.url) : null;
      const bare = await timeBare('');
      const bareHalf = await timeBare('&scale=2');
      if (i > 0) {
        keep(oursMs, shown.ours, ours);
        if (otherBuild !== null) keep(otherMs, shown.other, otherBuild);
        keep(bareMs, shown.bare, bare);
        keep(bareHalfMs, shown.bareHalf, bareHalf);
      }
    }
  } finally {
    await browser.close();
    await app.close();
    await pages.close();
    await other?.close();
  }
  const oursMedianMs = median(oursMs);
  const bareMedianMs = median(bareMs);
  const bareHalfMedianMs = median(bareHalfMs);
  const result: JoinBenchResult = { runs, oursMs, bareMs, bareHalfMs, oursMedianMs, bareMedianMs, bareHalfMedianMs, ratio: oursMedianMs / bareMedianMs, ratioHalf: oursMedianMs / bareHalfMedianMs, shown: { ours: shown.ours, bare: shown.bare, bareHalf: shown.bareHalf } };
  if (compareDir) result.compare = { dir: compareDir, ms: otherMs, medianMs: median(otherMs), shownMs: shown.other };
  printTable('Join: link opened → first remote video frame decoded (2 participants)', ['page', 'median ms', 'p90 ms', 'runs'], [
    ['Lunar Chat (app + relay)', oursMedianMs.toFixed(0), percentile(oursMs, 90).toFixed(0), String(runs)],
    ['bare RTCPeerConnection + WS, 720p', bareMedianMs.toFixed(0), percentile(bareMs, 90).toFixed(0), String(runs)],
    ['bare, camera sent at half size (as ours starts)', bareHalfMedianMs.toFixed(0), percentile(bareHalfMs, 90).toFixed(0), String(runs)],
    ['ratio (ours / bare 720p)', result.ratio.toFixed(2), '', 'target ≤ 1.15'],
    ['ratio (ours / bare at half size)', result.ratioHalf.toFixed(2), '', 'like for like'],
    ...(result.compare ? [[`other build (${result.compare.dir})`, result.compare.medianMs.toFixed(0), percentile(otherMs, 90).toFixed(0), String(runs)], ['ratio (ours / other build)', (oursMedianMs / result.compare.medianMs).toFixed(2), '', '']] : []),
  ]);
  const shownRow = (label: string, ms: number[]) => [label, ms.length ? median(ms).toFixed(0) : '—', ms.length ? percentile(ms, 90).toFixed(0) : '—', String(ms.length)];
  printTable('Join: link opened → first remote frame on screen (the same runs; requestVideoFrameCallback presentation time)', ['page', 'median ms', 'p90 ms', 'runs'], [
    shownRow('Lunar Chat (app + relay)', shown.ours),
    shownRow('bare RTCPeerConnection + WS, 720p', shown.bare),
    shownRow('bare, camera sent at half size', shown.bareHalf),
    ...(compareDir ? [shownRow(`other build (${compareDir})`, shown.other)] : []),
  ]);
  mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'bench/results/join.json'), JSON.stringify(result, null, 2));
  return result;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await runJoinBench(Number(process.env.BENCH_RUNS ?? 7));
}
