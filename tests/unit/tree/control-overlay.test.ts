/**
 * The control overlay (src/tree/control-overlay.ts): the mesh while small, rings above; bounded
 * degree, symmetric, deterministic, connected, and a seeded churn simulation. Every case names
 * its seed; run one alone with OVERLAY_SEED=<seed>.
 */
import { describe, expect, it } from 'vitest';
import { controlNeighbours, DEFAULT_CONTROL_OVERLAY, planControlOverlay, ringOrder } from '../../../src/tree/control-overlay';
import { measureOverlay, newLinks, survivingLinks } from '../../../src/tree/overlay-metrics';
import { createPrng, hexId, type Prng } from '../../support/prng';

const room = (rng: Prng, n: number): string[] => Array.from({ length: n }, () => hexId(rng, 16));
const RINGS = DEFAULT_CONTROL_OVERLAY.rings;
const MESH = DEFAULT_CONTROL_OVERLAY.fullMeshUpTo;

describe('control overlay', () => {
  it('is the full mesh up to fullMeshUpTo members', () => {
    const ids = room(createPrng(1), MESH);
    const { mode, neighbours } = planControlOverlay(ids);
    expect(mode).toBe('mesh');
    for (const id of ids) expect(neighbours.get(id)).toEqual(ids.filter((x) => x !== id).sort());
  });

  it('links each member to at most two per ring above it, symmetrically and never to itself', () => {
    const ids = room(createPrng(2), MESH + 1);
    const { mode, neighbours } = planControlOverlay(ids);
    expect(mode).toBe('rings');
    for (const [id, nbrs] of neighbours) {
      expect(nbrs.length).toBeGreaterThanOrEqual(2);
      expect(nbrs.length).toBeLessThanOrEqual(2 * RINGS);
      expect(nbrs).not.toContain(id);
      for (const m of nbrs) expect(neighbours.get(m)).toContain(id);
    }
  });

  it('links ring neighbours: each ring is one cycle through every member', () => {
    const ids = room(createPrng(3), 40);
    const { neighbours } = planControlOverlay(ids);
    for (let r = 0; r < RINGS; r++) {
      const order = ringOrder(r, ids);
      expect(new Set(order).size).toBe(ids.length);
      order.forEach((id, i) => expect(neighbours.get(id)).toContain(order[(i + 1) % order.length]));
    }
  });

  it('does not depend on the order members are listed in, nor on repeats', () => {
    const rng = createPrng(4);
    const ids = room(rng, 100);
    const a = planControlOverlay(ids);
    const b = planControlOverlay([...rng.shuffle(ids), ids[0] as string, ids[5] as string]);
    expect([...b.neighbours.entries()].sort()).toEqual([...a.neighbours.entries()].sort());
  });

  it("gives one member's neighbours as the whole overlay does", () => {
    const rng = createPrng(5);
    for (const n of [1, 2, 3, MESH, MESH + 1, MESH + 2, 64, 300]) {
      const ids = room(rng, n);
      const whole = planControlOverlay(ids);
      for (const id of ids) expect(controlNeighbours(ids, id), `N=${n}`).toEqual(whole.neighbours.get(id));
    }
    expect(controlNeighbours(['a', 'b'], 'c')).toEqual([]);
  });

  it('handles no one and one member', () => {
    expect(planControlOverlay([]).neighbours.size).toBe(0);
    expect(planControlOverlay(['solo']).neighbours.get('solo')).toEqual([]);
  });

  it('changes at most three links per ring when one member joins', () => {
    const rng = createPrng(6);
    const ids = room(rng, 200);
    const before = planControlOverlay(ids).neighbours;
    const joiner = hexId(rng, 16);
    const after = planControlOverlay([...ids, joiner]).neighbours;
    let changedForOthers = 0;
    for (const id of ids) {
      const had = new Set(before.get(id));
      const has = new Set(after.get(id));
      for (const m of has) if (m !== joiner && !had.has(m)) changedForOthers += 1;
      for (const m of had) if (!has.has(m)) changedForOthers += 1;
    }
    // Per ring: the link between the joiner's two ring neighbours goes (counted at both ends),
    // and each of them gains the joiner (not counted above). Rings may share a pair.
    expect(changedForOthers).toBeLessThanOrEqual(2 * RINGS);
    expect(after.get(joiner)?.length).toBeLessThanOrEqual(2 * RINGS);
  });
});

/** Seeded rooms: sizes the issue names, 10 % of members replaced. */
const SIZES: { n: number; seeds: number; maxDiameter: number }[] = [
  { n: 17, seeds: 40, maxDiameter: 4 },
  { n: 32, seeds: 30, maxDiameter: 4 },
  { n: 256, seeds: 6, maxDiameter: 6 },
  { n: 1000, seeds: 2, maxDiameter: 7 },
];
const only = process.env.OVERLAY_SEED ? Number(process.env.OVERLAY_SEED) : null;
const cases = SIZES.flatMap(({ n, seeds, maxDiameter }) =>
  Array.from({ length: seeds }, (_, i) => ({ n, seed: 7000 * n + i + 1, maxDiameter })),
).filter((c) => only === null || c.seed === only);

describe('control overlay simulation', () => {
  it.each(cases)('N=$n seed=$seed', ({ n, seed, maxDiameter }) => {
    const where = `N=${n} seed=${seed} (rerun: OVERLAY_SEED=${seed})`;
    const rng = createPrng(seed);
    const ids = room(rng, n);
    const overlay = planControlOverlay(ids);
    const m = measureOverlay(overlay.neighbours);
    expect(m.maxDegree, where).toBeLessThanOrEqual(2 * RINGS);
    expect(m.connectedShare, where).toBe(1);
    expect(m.diameter, where).toBeLessThanOrEqual(maxDiameter);

    const leaving = new Set(rng.shuffle(ids).slice(0, Math.round(n * 0.1)));
    const stay = ids.filter((id) => !leaving.has(id));
    // Before anyone opens a new link, the old links among those who stayed still carry a
    // flooded message to all of them.
    expect(measureOverlay(survivingLinks(overlay.neighbours, stay)).connectedShare, `${where} before repair`).toBe(1);
    const after = planControlOverlay([...stay, ...room(rng, leaving.size)]);
    const m2 = measureOverlay(after.neighbours);
    expect(m2.connectedShare, `${where} after churn`).toBe(1);
    expect(m2.diameter, `${where} after churn`).toBeLessThanOrEqual(maxDiameter);
    // A join opens at most 2 links per ring of its own and a leave 1 per ring between those beside it.
    expect(newLinks(overlay.neighbours, after.neighbours), where).toBeLessThanOrEqual(leaving.size * 3 * RINGS);
  });
});
