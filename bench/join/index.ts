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
import { FIRST_FRAME_MESSAGE, FIRST_FRAME_PROBE } from './first-frame-probe';
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
  /**
   * The newcomer's milestones (`performance.mark`s: the app's `lunar:*`, the bare page's
   * `bare:*`), median ms since it opened the link, over the runs that reached each one.
   */
  milestones: { ours: Record<string, number>; bare: Record<string, number>; bareHalf: Record<string, number>; other?: Record<string, number> };
}

/** Link opened → first remote frame decoded (the target's measure), and → first on screen. */
interface JoinTiming {
  decoded: number;
  shown: number | null;
  /** The newcomer's marks (prefix dropped), ms since it opened the link. */
  marks: Record<string, number>;
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
    // Nothing is evaluated in the joining page until its first frame (see first-frame-probe.ts).
    const firstFrame = b.waitForEvent('console', { predicate: (m) => m.text() === FIRST_FRAME_MESSAGE, timeout: 30_000 });
    firstFrame.catch(() => undefined); // awaited below; a failed goto must not leave it unhandled
    await b.goto(secondUrl);
    await firstFrame;
    const at = await b.evaluate(() => (window as unknown as { __firstFrameAt: number }).__firstFrameAt);
    // On screen: a moment later (both pages draw into a <video>); null if never within 5 s.
    const shown = await b
      .waitForFunction(() => (window as unknown as { __firstShownAt: number | null }).__firstShownAt, undefined, { timeout: 5_000, polling: 50 })
      .then((h) => h.jsonValue() as Promise<number>)
      .catch(() => null);
    // Both pages' milestones on the newcomer's clock (ms since it opened the link).
    const readMarks = (p: Page) => p.evaluate(() => ({ origin: performance.timeOrigin, marks: performance.getEntriesByType('mark').map((m) => [m.name.replace(/^(lunar|bare):/, ''), m.startTime] as const) }));
    const mb = await readMarks(b);
    if (process.env.BENCH_VERBOSE) {
      const ma = await readMarks(a);
      const line = (r: typeof mb) => r.marks.map(([n, t]) => `${n}=${(t + r.origin - mb.origin).toFixed(0)}`).join(' ');
      console.log(`  B: ${line(mb)} first-frame=${at.toFixed(0)} first-shown=${shown?.toFixed(0) ?? 'never'}\n  A: ${line(ma)}`);
    }
    return { decoded: at, shown, marks: Object.fromEntries(mb.marks) };
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
  const marks = { ours: new Map<string, number[]>(), bare: new Map<string, number[]>(), bareHalf: new Map<string, number[]>(), other: new Map<string, number[]>() };
  const keep = (into: number[], shownInto: number[], marksInto: Map<string, number[]>, t: JoinTiming) => {
    into.push(t.decoded);
    if (t.shown !== null) shownInto.push(t.shown);
    for (const [name, at] of Object.entries({ ...t.marks, 'first-frame': t.decoded, ...(t.shown === null ? {} : { 'first-shown': t.shown }) })) {
      marksInto.set(name, [...(marksInto.get(name) ?? []), at]);
    }
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
        keep(oursMs, shown.ours, marks.ours, ours);
        if (otherBuild !== null) keep(otherMs, shown.other, marks.other, otherBuild);
        keep(bareMs, shown.bare, marks.bare, bare);
        keep(bareHalfMs, shown.bareHalf, marks.bareHalf, bareHalf);
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
  const medians = (m: Map<string, number[]>) => Object.fromEntries([...m].map(([name, at]) => [name, Math.round(median(at))]));
  const milestones = { ours: medians(marks.ours), bare: medians(marks.bare), bareHalf: medians(marks.bareHalf), ...(compareDir ? { other: medians(marks.other) } : {}) };
  const result: JoinBenchResult = { runs, oursMs, bareMs, bareHalfMs, oursMedianMs, bareMedianMs, bareHalfMedianMs, ratio: oursMedianMs / bareMedianMs, ratioHalf: oursMedianMs / bareHalfMedianMs, shown: { ours: shown.ours, bare: shown.bare, bareHalf: shown.bareHalf }, milestones };
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
  // Where the time goes: each page's own milestones, in the order ours reach them.
  const names = [...new Set([...Object.keys(milestones.ours), ...Object.keys(milestones.bare)])].sort((x, y) => (milestones.ours[x] ?? milestones.bare[x] ?? 0) - (milestones.ours[y] ?? milestones.bare[y] ?? 0));
  const cell = (m: Record<string, number>, name: string) => (m[name] === undefined ? '' : String(m[name]));
  // With BENCH_JOIN_COMPARE, the other build's milestones too: where an A/B's difference arises.
  const otherMarks = milestones.other;
  printTable(
    "Join milestones: the newcomer's marks, median ms since it opened the link (runs that reached each)",
    ['milestone', 'Lunar Chat', 'bare 720p', 'bare half size', ...(otherMarks ? ['other build'] : [])],
    names.map((n) => [n, cell(milestones.ours, n), cell(milestones.bare, n), cell(milestones.bareHalf, n), ...(otherMarks ? [cell(otherMarks, n)] : [])]),
  );
  mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'bench/results/join.json'), JSON.stringify(result, null, 2));
  return result;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await runJoinBench(Number(process.env.BENCH_RUNS ?? 7));
}
