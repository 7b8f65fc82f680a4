/**
 * `npm run bench`: every benchmark, one after another (they share the two cores, so never in
 * parallel). Each prints its table and writes JSON to bench/results/. `BENCH_ONLY=join,e2ee`
 * runs a subset. Every benchmark compares ours with its reference in the same run; read the
 * ratios, not the absolute times.
 */
import { runControlLinksBench } from './control-links/index';
import { runE2eeBench } from './e2ee/index';
import { runJoinBench } from './join/index';
import { runPageCostBench } from './page-cost/index';
import { runSignalingBench } from './signaling/index';
import { runTreeBench } from './tree/index';
import { runTreeHopBench } from './tree-hop/index';
import { runTurnBench } from './turn/index';

const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const want = (name: string) => only.length === 0 || only.includes(name);

const benches: [string, () => Promise<unknown>][] = [
  ['join', () => runJoinBench(Number(process.env.BENCH_RUNS ?? 7))],
  ['e2ee', () => runE2eeBench({ sizes: [100, 1200, 6000, 60000], rounds: 5, budgetMs: 300 })],
  ['turn', () => runTurnBench()],
  ['signaling', () => runSignalingBench()],
  ['tree', async () => runTreeBench()],
  ['tree-hop', () => runTreeHopBench()],
  ['control-links', () => runControlLinksBench()],
  ['page-cost', () => runPageCostBench()],
];

let failed = 0;
for (const [name, run] of benches) {
  if (!want(name)) continue;
  console.log(`\n=== ${name} ===`);
  try {
    await run();
  } catch (err) {
    failed++;
    console.error(`${name} benchmark failed:`, err);
  }
}
process.exitCode = failed ? 1 : 0;
