/**
 * The large-room planner on simulated rooms (mixed uplinks, a tenth that cannot forward, 9 active
 * video sources + 3 speakers): planning time (median / p95), stream depth, per-peer upload and
 * neighbours, and what a repair after 10 % churn keeps. Pure computation in Node, no browser.
 * Run alone: `node --import tsx bench/tree/index.ts` (TREE_BENCH_RUNS=<n> for more timing runs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measurePlan, planStability, planTree, replanTree } from '../../src/tree';
import { standbyLoad } from '../../src/tree/standby-plan';
import { createPrng } from '../../tests/support/prng';
import { churn, randomRoom } from '../../tests/unit/tree/room-sim';
import { median, percentile, printTable } from '../stats';
import { runOverlayBench, type OverlayBenchRow } from './control-overlay';
import type { OverlayTrafficRow } from './overlay-traffic';
import type { PresenceTrafficRow } from './presence-traffic';
import type { EpochTrafficRow } from './rekey-traffic';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const TARGET_PLAN_MS = 50;

export interface TreeBenchRow {
  n: number;
  rooms: number;
  planMedianMs: number;
  planP95Ms: number;
  maxDepth: number;
  maxUploadKbps: number;
  maxNeighbours: number;
  unreached: number;
  repairMedianMs: number;
  repairMaxDepth: number;
  repairUnreached: number;
  /** Surviving connections kept by the repair (worst room). */
  keptFractionMin: number;
  keptFractionMedian: number;
  /** Repairs that fell back to a fresh plan. */
  freshFallbacks: number;
  /**
   * Standby links (src/tree/standby-plan.ts, sizes up to STANDBY_MAX_N): the most one member
   * holds as a child, and answers as a would-be parent; null above that size.
   */
  standbyAsChildMax: number | null;
  standbyAsParentMax: number | null;
  /** Of the (member, source) pairs that would want a standby link, the share that get one (worst room). */
  standbyCoveredMin: number | null;
}

/** Standby load is worked out up to this size: every forwarder's would-be repair is planned once. */
const STANDBY_MAX_N = 256;

export interface TreeBenchResult {
  rows: TreeBenchRow[];
  uploadCapKbps: number;
  targetPlanMs: number;
  /** The control overlay on rooms of the same sizes (bench/tree/control-overlay.ts). */
  overlay: OverlayBenchRow[];
  overlayTraffic: OverlayTrafficRow[];
  /** Presence (awareness) over the overlay (bench/tree/presence-traffic.ts). */
  presenceTraffic: PresenceTrafficRow[];
  /** Epoch hand-outs over the overlay at the most the leader mints (bench/tree/rekey-traffic.ts). */
  epochTraffic: EpochTrafficRow[];
}

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
}

export function runTreeBench(opts: { sizes?: number[]; rooms?: number; runs?: number } = {}): TreeBenchResult {
  const sizes = opts.sizes ?? [8, 32, 64, 128, 256, 512, 1000];
  const roomsPerSize = opts.rooms ?? 4;
  const runs = opts.runs ?? 5;
  // Warm the JIT so the first size does not pay for compilation.
  for (let i = 0; i < 5; i++) planTree(randomRoom(createPrng(i), 300));

  const rows = sizes.map((n): TreeBenchRow => {
    const planMs: number[] = [];
    const repairMs: number[] = [];
    const kept: number[] = [];
    const row = { maxDepth: 0, maxUploadKbps: 0, maxNeighbours: 0, unreached: 0, repairMaxDepth: 0, repairUnreached: 0, freshFallbacks: 0 };
    let standbyAsChildMax: number | null = n <= STANDBY_MAX_N ? 0 : null;
    let standbyAsParentMax: number | null = n <= STANDBY_MAX_N ? 0 : null;
    let standbyCoveredMin: number | null = n <= STANDBY_MAX_N ? 1 : null;
    for (let room = 0; room < roomsPerSize; room++) {
      const rng = createPrng(n * 7919 + room);
      const state = randomRoom(rng, n);
      let plan = planTree(state);
      for (let r = 0; r < runs; r++) {
        const [p, ms] = timed(() => planTree(state));
        plan = p;
        planMs.push(ms);
      }
      const m = measurePlan(plan);
      row.maxDepth = Math.max(row.maxDepth, m.maxDepth);
      row.maxUploadKbps = Math.max(row.maxUploadKbps, m.maxUploadKbps);
      row.maxNeighbours = Math.max(row.maxNeighbours, m.maxNeighbours);
      row.unreached += m.unreached;
      if (standbyAsChildMax !== null && standbyAsParentMax !== null) {
        const load = standbyLoad(state, plan);
        standbyAsChildMax = Math.max(standbyAsChildMax, 0, ...load.asChild.values());
        standbyAsParentMax = Math.max(standbyAsParentMax, 0, ...load.asParent.values());
        standbyCoveredMin = Math.min(standbyCoveredMin ?? 1, load.wanted === 0 ? 1 : load.covered / load.wanted);
      }

      const after = churn(rng, state, 0.1);
      const [repaired, ms] = timed(() => replanTree(plan, after));
      repairMs.push(ms);
      const r = measurePlan(repaired);
      row.repairMaxDepth = Math.max(row.repairMaxDepth, r.maxDepth);
      row.repairUnreached += r.unreached;
      if (repaired.origin !== 'repaired' && repaired.mode === 'tree') row.freshFallbacks++;
      kept.push(planStability(plan, repaired).keptFraction);
    }
    return {
      n,
      rooms: roomsPerSize,
      planMedianMs: median(planMs),
      planP95Ms: percentile(planMs, 95),
      ...row,
      repairMedianMs: median(repairMs),
      keptFractionMin: Math.min(...kept),
      keptFractionMedian: median(kept),
      standbyAsChildMax,
      standbyAsParentMax,
      standbyCoveredMin,
    };
  });

  const result: TreeBenchResult = { rows, uploadCapKbps: 4 * 1200, targetPlanMs: TARGET_PLAN_MS, overlay: [], overlayTraffic: [], presenceTraffic: [], epochTraffic: [] };
  const ms = (x: number) => x.toFixed(1);
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  printTable(
    `Tree planner: ${roomsPerSize} rooms per size, ${runs} timed runs each; 9 video (1 stage) + 3 audio; upload cap ${result.uploadCapKbps} kbps`,
    ['N', 'plan ms med', 'p95', 'depth', 'max up kbps', 'max nbrs', 'unreached', 'repair ms', 'depth after', 'unreached after', 'kept (min / med)', 'fresh fallbacks', 'standby: child / parent max, covered'],
    rows.map((r) => [
      String(r.n),
      ms(r.planMedianMs),
      ms(r.planP95Ms),
      String(r.maxDepth),
      String(r.maxUploadKbps),
      String(r.maxNeighbours),
      String(r.unreached),
      ms(r.repairMedianMs),
      String(r.repairMaxDepth),
      String(r.repairUnreached),
      `${pct(r.keptFractionMin)} / ${pct(r.keptFractionMedian)}`,
      String(r.freshFallbacks),
      r.standbyAsChildMax === null ? '-' : `${r.standbyAsChildMax} / ${r.standbyAsParentMax}, ${pct(r.standbyCoveredMin ?? 0)}`,
    ]),
  );
  const overlay = runOverlayBench();
  result.overlay = overlay.rows;
  result.overlayTraffic = overlay.traffic;
  result.presenceTraffic = overlay.presence;
  result.epochTraffic = overlay.epochs;
  mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(REPO_ROOT, 'bench/results/tree.json'), JSON.stringify(result, null, 2));
  return result;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  runTreeBench({ runs: Number(process.env.TREE_BENCH_RUNS ?? 5) });
}
