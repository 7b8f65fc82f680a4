import { describe, expect, it } from 'vitest';
import { TreeError, planTree, replanTree } from '../../../src/tree';
import type { TreeMemberInput, TreeState } from '../../../src/tree';
import { checkPlan } from './check-plan';

const LIMITS = { uploadCapKbps: 4 * 1200, maxNeighbours: 8 };

function room(n: number, opts: { forward?: (i: number) => boolean; uplink?: number } = {}): TreeState {
  const members: TreeMemberInput[] = Array.from({ length: n }, (_, i) => ({
    id: `m${String(i).padStart(3, '0')}`,
    joinOrder: i,
    uplinkKbps: opts.uplink ?? 20_000,
    canForward: opts.forward ? opts.forward(i) : true,
  }));
  const ids = members.map((m) => m.id);
  return { members, videoSources: ids.slice(0, 9), audioSources: ids.slice(0, 3) };
}

describe('planTree: mesh', () => {
  it('uses a full mesh up to meshMax members', () => {
    const plan = planTree(room(6));
    expect(plan.mode).toBe('mesh');
    for (const p of plan.peers) expect(p.links.map((l) => l.peer)).toEqual(plan.members.filter((id) => id !== p.id));
    for (const s of plan.streams) expect(s.edges.every(([from]) => from === s.source)).toBe(true);
    // The upload cap is what the tree is for; a mesh sends one copy per peer by definition.
    expect(checkPlan(room(6), plan, { ...LIMITS, uploadCapKbps: Infinity })).toEqual([]);
  });

  it('switches to a tree above the threshold, and the threshold is configurable', () => {
    expect(planTree(room(7)).mode).toBe('tree');
    expect(planTree({ ...room(7), limits: { meshMax: 7 } }).mode).toBe('mesh');
    expect(planTree({ ...room(12), limits: { meshMax: 4 } }).mode).toBe('tree');
  });
});

describe('planTree: tree', () => {
  it('delivers every active stream within the limits', () => {
    const state = room(40);
    const plan = planTree(state);
    expect(plan.streams.map((s) => s.id)).toEqual([
      'video:m000',
      ...Array.from({ length: 8 }, (_, i) => `video:m00${i + 1}`),
      'audio:m000',
      'audio:m001',
      'audio:m002',
    ]);
    expect(plan.streams[0]?.layer).toBe('stage');
    expect(plan.streams[1]?.layer).toBe('thumb');
    expect(checkPlan(state, plan, LIMITS)).toEqual([]);
    expect(plan.unreached).toBe(0);
  });

  it('keeps peers that cannot forward as leaves', () => {
    const state = room(60, { forward: (i) => i % 3 !== 0 });
    const plan = planTree(state);
    expect(checkPlan(state, plan, LIMITS)).toEqual([]);
    for (const p of plan.peers.filter((x) => !x.canForward)) {
      for (const l of p.links) for (const id of l.send) expect(id.endsWith(`:${p.id}`)).toBe(true);
    }
  });

  it('honours lastN, an explicit stage, and ignores unknown sources', () => {
    const base = room(30);
    const plan = planTree({
      ...base,
      videoSources: ['ghost', ...base.members.map((m) => m.id)],
      stage: 'm004',
      limits: { lastN: 4 },
    });
    const video = plan.streams.filter((s) => s.kind === 'video');
    expect(video.map((s) => [s.id, s.layer])).toEqual([
      ['video:m004', 'stage'],
      ['video:m000', 'thumb'],
      ['video:m001', 'thumb'],
      ['video:m002', 'thumb'],
    ]);
    expect(planTree({ ...base, stage: null }).streams.every((s) => s.layer !== 'stage')).toBe(true);
  });

  it('reports members it cannot reach instead of breaking the limits', () => {
    const state = room(30, { forward: (i) => i < 2 });
    const plan = planTree(state);
    expect(plan.unreached).toBeGreaterThan(0);
    const problems = checkPlan(state, plan, LIMITS).filter((p) => !p.includes('not reached'));
    expect(problems).toEqual([]);
  });

  it('is byte-identical for any order of the members', () => {
    const state = room(50, { forward: (i) => i % 4 !== 1 });
    const reversed = { ...state, members: [...state.members].reverse() };
    expect(JSON.stringify(planTree(reversed))).toBe(JSON.stringify(planTree(state)));
  });
});

describe('replanTree', () => {
  it('changes nothing when nothing changed', () => {
    const state = room(80);
    const plan = planTree(state);
    const again = replanTree(plan, state);
    expect(again.origin).toBe('repaired');
    expect(JSON.stringify(again.bundles)).toBe(JSON.stringify(plan.bundles));
  });

  it('re-attaches the children of a departed forwarder and leaves the rest alone', () => {
    const state = room(80);
    const plan = planTree(state);
    const tree = plan.bundles[1]?.tree ?? [];
    const parents = new Set(tree.map(([, p]) => p));
    const gone = tree.map(([c]) => c).find((c) => parents.has(c) && !plan.streams.some((s) => s.source === c)) as string;
    const smaller = { ...state, members: state.members.filter((m) => m.id !== gone) };
    const next = replanTree(plan, smaller);
    expect(checkPlan(smaller, next, LIMITS)).toEqual([]);
    const before = new Map(tree);
    const after = new Map(next.bundles[1]?.tree ?? []);
    const moved = [...after].filter(([c, p]) => before.get(c) !== p).map(([c]) => c);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((c) => before.get(c) === gone)).toBe(true);
  });

  it('goes back to mesh when the room shrinks', () => {
    const plan = planTree(room(20));
    expect(replanTree(plan, room(5)).mode).toBe('mesh');
  });
});

describe('validation', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof TreeError ? e.code : 'not a TreeError';
    }
    return 'no error';
  };

  it('rejects malformed shared state with a typed error', () => {
    expect(code(() => planTree(null))).toBe('invalid-state');
    expect(code(() => planTree({ members: [{ id: 'a' }], videoSources: [], audioSources: [] }))).toBe('invalid-state');
    const dup = { id: 'a', joinOrder: 0, uplinkKbps: 1, canForward: true };
    expect(code(() => planTree({ members: [dup, dup], videoSources: [], audioSources: [] }))).toBe('invalid-state');
    expect(code(() => planTree({ members: [], videoSources: [3], audioSources: [] }))).toBe('invalid-state');
    expect(code(() => planTree({ ...room(3), limits: { bundles: 8 } }))).toBe('invalid-limits');
    expect(code(() => planTree({ ...room(3), bitrates: { stageKbps: -1 } }))).toBe('invalid-limits');
  });
});
