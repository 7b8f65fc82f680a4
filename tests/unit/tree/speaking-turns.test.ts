import { describe, expect, it } from 'vitest';
import { activeSources, isTurn, keepTurns, TurnTaker } from '../../../src/tree/speaking-turns';
import { treeStateFor, upstreamOf, videoTo, diffUpstream, type CallMember, type HeldLink } from '../../../src/tree/call-plan';
import { planTree } from '../../../src/tree';

const id = (n: number) => n.toString(16).padStart(32, '0');

describe('activeSources', () => {
  it('ranks the most recent speakers first, then join order, and returns the set in join order', () => {
    const members = [
      { id: 'a', joinedAt: 1 },
      { id: 'b', joinedAt: 2, turn: 5 },
      { id: 'c', joinedAt: 3 },
      { id: 'd', joinedAt: 4, turn: 7 },
    ];
    expect(activeSources(members, 1)).toEqual(['d']);
    expect(activeSources(members, 2)).toEqual(['b', 'd']);
    expect(activeSources(members, 3)).toEqual(['a', 'b', 'd']);
    // The same set whatever order the members come in: every page plans alike.
    expect(activeSources([...members].reverse(), 3)).toEqual(['a', 'b', 'd']);
  });

  it('accepts only small positive integers as turns', () => {
    expect([1, 42, 1e9].every(isTurn)).toBe(true);
    expect([0, -1, 1.5, 1e10, '3', null].some(isTurn)).toBe(false);
  });
});

describe('TurnTaker', () => {
  it('takes a turn after 300 ms of speech, through short pauses, and only if someone spoke since', () => {
    const t = new TurnTaker();
    expect(t.update(0.5, 0, 0)).toBeNull();
    expect(t.update(0, 200, 0)).toBeNull(); // a pause between words
    expect(t.update(0.5, 400, 0)).toBe(1);
    expect(t.turn).toBe(1);
    expect(t.update(0.5, 800, 1)).toBeNull(); // still the most recent speaker: no new turn
    expect(t.update(0.5, 1100, 4)).toBe(5); // someone else spoke (turn 4): we take 5
  });

  it('a cough does not take a turn, and a long silence starts over', () => {
    const t = new TurnTaker();
    expect(t.update(0.9, 0, 3)).toBeNull();
    expect(t.update(0, 1000, 3)).toBeNull();
    expect(t.update(0.9, 1200, 3)).toBeNull(); // a fresh stretch of speech
    expect(t.update(0.9, 1600, 3)).toBe(4);
  });
});

describe('last N in the plan', () => {
  const member = (n: number, turn?: number): CallMember => ({ id: id(n), joinedAt: 1000 + n, uplinkKbps: 4000, canForward: true, ...(turn ? { turn } : {}) });
  const params = { meshMax: 2, lastN: 1, quality: 'low' as const };

  it('sends video only from the most recent speaker; the others reach each member as audio', () => {
    const members = [member(1), member(2, 3), member(3), member(4)];
    const plan = planTree(treeStateFor(members, params));
    expect(plan.mode).toBe('tree');
    for (const m of members) {
      const video = videoTo(plan, m.id);
      expect([...video]).toEqual(m.id === id(2) ? [] : [id(2)]);
    }
  });

  it('reopens a link audio-only or with video when the source moves out of or into the last N', () => {
    const held = new Map<string, HeldLink>([
      ['l1', { source: 'A', parent: 'A', video: true }],
      ['l2', { source: 'B', parent: 'B', video: false }],
      ['l3', { source: 'C', parent: 'C', video: false }],
    ]);
    const wanted = new Map([
      ['A', 'A'],
      ['B', 'B'],
      ['C', 'C'],
    ]);
    const diff = diffUpstream(held, wanted, new Set(['B']));
    expect(diff.close.sort()).toEqual(['l1', 'l2']);
    expect(diff.open).toEqual([
      { source: 'A', parent: 'A', video: false },
      { source: 'B', parent: 'B', video: true },
    ]);
  });
});

describe('keepTurns', () => {
  it('keeps the turn of a member whose presence blinked, and never lowers one', () => {
    const previous = new Map([
      ['bea', 1],
      ['cem', 2],
    ]);
    // Bea's presence is missing for a moment (her doc link re-made); Cem's shows an older turn.
    expect(keepTurns(previous, new Map([['cem', 1]]), new Set(['ana', 'bea', 'cem']))).toEqual(
      new Map([
        ['cem', 2],
        ['bea', 1],
      ]),
    );
  });

  it('takes new and higher turns, and forgets members who left', () => {
    const previous = new Map([
      ['bea', 1],
      ['dan', 4],
    ]);
    const out = keepTurns(previous, new Map([['bea', 5], ['cem', 6]]), new Set(['ana', 'bea', 'cem']));
    expect(out).toEqual(
      new Map([
        ['bea', 5],
        ['cem', 6],
      ]),
    );
  });

  it("holds the plan still through a blink: a member's link keeps its video and its parent", () => {
    // Three members, last N = 2: Bea spoke, then Cem. Read as "never spoke", a blink of Bea's
    // presence would take her out of the last N, so Ana would take her audio alone (a new link).
    const params = { meshMax: 2, lastN: 2, quality: 'normal' as const };
    const present = new Set(['ana', 'bea', 'cem']);
    const members = (turns: ReadonlyMap<string, number>): CallMember[] =>
      ['ana', 'bea', 'cem'].map((who, i) => ({ id: who, joinedAt: i, uplinkKbps: 4000, canForward: true, ...(turns.has(who) ? { turn: turns.get(who) } : {}) }));
    const before = new Map([
      ['bea', 1],
      ['cem', 2],
    ]);
    const blink = new Map([['cem', 2]]);
    const planAt = (turns: ReadonlyMap<string, number>) => planTree(treeStateFor(members(turns), params));
    expect(videoTo(planAt(blink), 'ana').has('bea')).toBe(false);
    const kept = planAt(keepTurns(before, blink, present));
    expect([...videoTo(kept, 'ana')].sort()).toEqual(['bea', 'cem']);
    expect(upstreamOf(kept, 'ana')).toEqual(upstreamOf(planAt(before), 'ana'));
  });
});
