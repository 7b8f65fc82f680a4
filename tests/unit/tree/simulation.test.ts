/**
 * Seeded simulation of the planner: random rooms (mixed uplinks, a tenth that cannot forward,
 * 9 active video sources), 10 % churn, and shuffled copies. Every case names its seed; run one
 * alone with TREE_SEED=<seed>. A seed that ever failed is pinned in PINNED with the reason.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { measurePlan, planStability, planTree, replanTree } from '../../../src/tree';
import { checkPlan } from './check-plan';
import { createPrng } from '../../support/prng';
import { churn, randomRoom, shuffled } from './room-sim';

const LIMITS = { uploadCapKbps: 4 * 1200, maxNeighbours: 8 };

const RANDOM: { n: number; seeds: number }[] = [
  { n: 8, seeds: 60 },
  { n: 32, seeds: 30 },
  { n: 256, seeds: 4 },
  { n: 1000, seeds: 2 },
];

/** Seeds that failed once, kept as explicit cases. */
const PINNED: { n: number; seed: number; why: string }[] = [
  { n: 8, seed: 3, why: 'a bundle with no forwarder of its own took capacity the other bundles needed' },
  { n: 8, seed: 1, why: 'sources uploaded their own stream on top of a full forwarding budget' },
  { n: 8, seed: 8016, why: 'a weak stage source became the root and could feed one child' },
  { n: 8, seed: 8021, why: 'after churn, sources forwarding their own bundle left the stage short of capacity' },
  { n: 8, seed: 8032, why: 'the stage needed the strong peers before the thumbnail bundles took them' },
];

const only = process.env.TREE_SEED ? Number(process.env.TREE_SEED) : null;
const cases = [
  ...PINNED.map(({ n, seed }) => ({ n, seed })),
  ...RANDOM.flatMap(({ n, seeds }) => Array.from({ length: seeds }, (_, i) => ({ n, seed: 1000 * n + i + 1 }))),
].filter((c) => only === null || c.seed === only);

const report: string[][] = [];

describe('tree planner simulation', () => {
  it.each(cases)('N=$n seed=$seed', ({ n, seed }) => {
    const rng = createPrng(seed);
    const state = randomRoom(rng, n);
    const plan = planTree(state);
    const where = `N=${n} seed=${seed} (rerun: TREE_SEED=${seed})`;

    expect(checkPlan(state, plan, LIMITS), where).toEqual([]);
    const m = measurePlan(plan);
    expect(m.unreached, where).toBe(0);
    if (n <= 256) expect(m.maxDepth, where).toBeLessThanOrEqual(5);
    expect(JSON.stringify(planTree(shuffled(rng, state))), `${where}: not deterministic`).toBe(JSON.stringify(plan));

    const after = churn(rng, state, 0.1);
    const repaired = replanTree(plan, after);
    expect(checkPlan(after, repaired, LIMITS), `${where} after churn`).toEqual([]);
    expect(repaired.unreached, `${where} after churn`).toBe(0);
    const stability = planStability(plan, repaired);
    const r = measurePlan(repaired);
    report.push([
      String(n),
      String(seed),
      String(m.maxDepth),
      String(m.maxUploadKbps),
      String(m.maxNeighbours),
      repaired.origin,
      String(r.maxDepth),
      `${(100 * stability.keptFraction).toFixed(1)} %`,
    ]);
  });
});

afterAll(() => {
  if (report.length === 0) return;
  const header = ['N', 'seed', 'depth', 'max up kbps', 'max nbrs', 'after churn', 'depth', 'kept'];
  const rows = [header, ...report];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  console.log(rows.map((r) => r.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')).join('\n'));
});
