import { describe, expect, it } from 'vitest';
import { diffUpstream, joinOrder, layerEncoding, spareStalledSources, stageOf, TREE_LAYERS, treeStateFor, upstreamOf, type CallMember, type HeldLink } from '../../../src/tree/call-plan';
import { planTree } from '../../../src/tree';

const id = (n: number) => n.toString(16).padStart(32, '0');
const member = (n: number, canForward = true): CallMember => ({ id: id(n), joinedAt: 1000 + n, uplinkKbps: 4000, canForward });
const params = { meshMax: 3, lastN: 9, quality: 'low' as const };

describe('treeStateFor + upstreamOf', () => {
  it('stays a mesh up to meshMax, with no upstream links', () => {
    const plan = planTree(treeStateFor([member(1), member(2), member(3)], params));
    expect(plan.mode).toBe('mesh');
    expect(upstreamOf(plan, id(1)).size).toBe(0);
  });

  it('above meshMax every member gets every other source from exactly one parent', () => {
    for (const n of [4, 5, 6, 8]) {
      const members = Array.from({ length: n }, (_, i) => member(i + 1, i !== 1));
      const plan = planTree(treeStateFor(members, params));
      expect(plan.mode).toBe('tree');
      expect(plan.unreached).toBe(0);
      for (const m of members) {
        const up = upstreamOf(plan, m.id);
        expect([...up.keys()].sort()).toEqual(members.filter((o) => o.id !== m.id).map((o) => o.id).sort());
        for (const [source, parent] of up) {
          expect(parent).not.toBe(m.id);
          // The parent is the source itself or receives it too (it forwards what it has).
          if (parent !== source) expect(upstreamOf(plan, parent).has(source)).toBe(true);
        }
      }
    }
  });

  it('is the same plan whatever order the members arrive in', () => {
    const members = Array.from({ length: 6 }, (_, i) => member(i + 1));
    const a = planTree(treeStateFor(members, params));
    const b = planTree(treeStateFor([...members].reverse(), params));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('cuts video sources to lastN by join order', () => {
    const members = Array.from({ length: 6 }, (_, i) => member(6 - i));
    const state = treeStateFor(members, { ...params, lastN: 2 });
    expect(state.videoSources).toEqual([id(1), id(2)]);
    const up = upstreamOf(planTree(state), id(5));
    expect([...up.keys()].sort()).toEqual([id(1), id(2), id(3)].sort()); // 3 audio sources
  });

  it('gives no place in the last N to a camera that is off; its owner is still heard', () => {
    const members = Array.from({ length: 6 }, (_, i) => ({ ...member(i + 1), camOn: i !== 0 && i !== 2 }));
    const state = treeStateFor(members, { ...params, lastN: 2 });
    expect(state.videoSources).toEqual([id(2), id(4)]);
    expect(state.audioSources).toEqual([id(1), id(2), id(3), id(4)]);
    const plan = planTree(state);
    const videos = plan.streams.filter((st) => st.kind === 'video').map((st) => st.source);
    expect(videos.sort()).toEqual([id(2), id(4)]);
    // A speaker with the camera off is heard (an audio source) and takes no video place.
    const speaking = members.map((m) => (m.id === id(3) ? { ...m, turn: 9 } : m));
    expect(treeStateFor(speaking, { ...params, lastN: 2 }).videoSources).toEqual([id(2), id(4)]);
    // The camera comes on: as the most recent speaker it takes a place.
    const on = speaking.map((m) => (m.id === id(3) ? { ...m, camOn: true } : m));
    expect(treeStateFor(on, { ...params, lastN: 2 }).videoSources).toEqual([id(2), id(3)]);
  });

  it('counts a member whose camera state is unknown as on, as before', () => {
    const members = Array.from({ length: 4 }, (_, i) => member(i + 1));
    expect(treeStateFor(members, { ...params, lastN: 2 }).videoSources).toEqual([id(1), id(2)]);
  });

  it('orders ties in join time by id', () => {
    const a = { ...member(2), joinedAt: 5 };
    const b = { ...member(1), joinedAt: 5 };
    expect(joinOrder([a, b]).map((m) => m.id)).toEqual([id(1), id(2)]);
  });
});

describe('diffUpstream', () => {
  it('keeps matching links, closes moved or stale ones, opens the missing', () => {
    const held = new Map<string, HeldLink>([
      ['l1', { source: 'A', parent: 'A' }],
      ['l2', { source: 'B', parent: 'C' }],
      ['l3', { source: 'Z', parent: 'A' }],
      ['l4', { source: 'A', parent: 'A' }],
    ]);
    const wanted = new Map([
      ['A', 'A'],
      ['B', 'D'],
      ['E', 'A'],
    ]);
    const d = diffUpstream(held, wanted);
    expect(d.close.sort()).toEqual(['l2', 'l3', 'l4']);
    expect(d.open).toEqual([
      { source: 'B', parent: 'D' },
      { source: 'E', parent: 'A' },
    ]);
  });

  it('closes everything when the room is back to a mesh', () => {
    const held = new Map<number, HeldLink>([[1, { source: 'A', parent: 'B' }]]);
    expect(diffUpstream(held, new Map())).toEqual({ close: [1], open: [] });
  });
});

describe('stageOf', () => {
  const turn = (n: number, t?: number): CallMember => ({ ...member(n), ...(t === undefined ? {} : { turn: t }) });

  it('is nobody until someone has spoken', () => {
    expect(stageOf([turn(1), turn(2), turn(3)])).toBeNull();
  });

  it('is the most recent speaker, whatever order the members come in', () => {
    const members = [turn(1, 4), turn(2, 9), turn(3), turn(4, 7)];
    expect(stageOf(members)).toBe(id(2));
    expect(stageOf([...members].reverse())).toBe(id(2));
  });

  it('gives an equal turn to the earlier joiner, on every page alike', () => {
    expect(stageOf([turn(5, 3), turn(2, 3)])).toBe(id(2));
    expect(stageOf([turn(2, 3), turn(5, 3)])).toBe(id(2));
  });

  it('only picks among the video sources it is given', () => {
    const members = [turn(1, 4), turn(2, 9), turn(3, 6)];
    expect(stageOf(members, new Set([id(1), id(3)]))).toBe(id(3));
    expect(stageOf(members, new Set())).toBeNull();
  });
});

describe('layerEncoding', () => {
  it('sends a 720p camera at 180 lines and 15 fps as a thumbnail, whole on stage', () => {
    expect(layerEncoding('normal', 'thumb', 720)).toEqual({ scaleResolutionDownBy: 4, maxFramerate: 15, maxBitrate: 200_000, scalabilityMode: 'L1T3' });
    expect(layerEncoding('normal', 'stage', 720)).toEqual({ scaleResolutionDownBy: 1, maxFramerate: 30, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' });
  });

  it('never scales up, and scales a larger camera down to the layer', () => {
    expect(layerEncoding('normal', 'thumb', 120).scaleResolutionDownBy).toBe(1);
    expect(layerEncoding('normal', 'stage', 1080).scaleResolutionDownBy).toBe(1.5);
    expect(layerEncoding('normal', 'thumb').scaleResolutionDownBy).toBe(1);
  });

  it('has one small layer with quality=low', () => {
    expect(layerEncoding('low', 'stage', 480)).toEqual(layerEncoding('low', 'thumb', 480));
    expect(layerEncoding('low', 'stage', 480)).toEqual({ scaleResolutionDownBy: 4, maxFramerate: 10, maxBitrate: 150_000, scalabilityMode: 'L1T3' });
  });

  it('budgets the planner with the rates the senders use', () => {
    const state = treeStateFor([member(1), member(2), member(3), member(4)], { ...params, quality: 'normal' });
    expect(state.bitrates).toEqual({ thumbKbps: TREE_LAYERS.normal.thumb.kbps, stageKbps: TREE_LAYERS.normal.stage.kbps, audioKbps: 40 });
  });
});

describe('speaking turns and the plan', () => {
  it('keeps the plan while turns rotate among the video sources (crosstalk re-made links before)', () => {
    const base = [member(1), member(2), member(3), member(4), member(5)];
    const plans = [[1, 2, 3, 4, 5], [5, 1, 3, 2, 4], [2, 3, 4, 5, 1], [4, 4, 1, 2, 3]].map((turns) =>
      planTree(treeStateFor(base.map((m, i) => ({ ...m, turn: turns[i]! })), { ...params, meshMax: 3, lastN: 9 })),
    );
    for (const plan of plans.slice(1)) expect(plan.streams).toEqual(plans[0]!.streams);
  });

  it('hears every video source, plus the top three speakers when lastN is below three', () => {
    const members = [member(1), { ...member(2), turn: 3 }, { ...member(3), turn: 1 }, { ...member(4), turn: 2 }];
    expect(treeStateFor(members, { ...params, lastN: 9 }).audioSources).toEqual([id(1), id(2), id(3), id(4)]);
    const one = treeStateFor(members, { ...params, lastN: 1 });
    expect(one.videoSources).toEqual([id(2)]);
    expect(one.audioSources).toEqual([id(2), id(3), id(4)]);
  });
});

describe('spareStalledSources', () => {
  const wanted = new Map([
    ['A', 'P'],
    ['B', 'Q'],
    ['C', 'Q'],
  ]);
  const video = new Set(['A', 'B', 'C']);

  it('opens no link for a stalled source we hold none for (a crashed source has no media to ask for)', () => {
    const out = spareStalledSources(wanted, video, [], new Set(['A']));
    expect([...out.wanted]).toEqual([['B', 'Q'], ['C', 'Q']]);
    expect([...out.video]).toEqual(['B', 'C']);
    expect(diffUpstream(new Map(), out.wanted, out.video).open.map((l) => l.source)).toEqual(['B', 'C']);
  });

  it('keeps the link we hold for a stalled source where it is, video or not', () => {
    const held = new Map([
      ['l1', { source: 'A', parent: 'R', video: false }],
      ['l2', { source: 'B', parent: 'Q', video: true }],
    ]);
    const out = spareStalledSources(wanted, video, held.values(), new Set(['A']));
    expect(diffUpstream(held, out.wanted, out.video)).toEqual({ close: [], open: [{ source: 'C', parent: 'Q', video: true }] });
  });

  it('changes nothing when nobody is stalled', () => {
    const out = spareStalledSources(wanted, video, [], new Set());
    expect(out).toEqual({ wanted, video });
  });
});
