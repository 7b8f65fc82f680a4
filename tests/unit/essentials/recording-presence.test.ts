import { describe, expect, it } from 'vitest';
import { parsePresence, readPresences } from '../../../src/room-state/presence';

describe('presence: recording flag', () => {
  const base = { v: 1, peerId: 'p1', name: 'Ann', mic: true, cam: false, hand: null, speaking: 0, role: 'guest', e2ee: 'verified' };

  it('carries recording true or false', () => {
    expect(parsePresence({ ...base, recording: true })?.recording).toBe(true);
    expect(parsePresence({ ...base, recording: false })?.recording).toBe(false);
  });

  it('reads a presence without the field (older client) as not recording', () => {
    const p = parsePresence(base);
    expect(p).not.toBeNull();
    expect(p?.recording ?? false).toBe(false);
  });

  it('rejects a presence whose recording flag is not a boolean', () => {
    for (const recording of ['yes', 1, null, {}]) expect(parsePresence({ ...base, recording })).toBeNull();
  });

  it('a peer with an invalid flag is left out of the presences, the others stay', () => {
    const states = new Map<number, unknown>([
      [2, { ...base, peerId: 'p2', recording: true }],
      [3, { ...base, peerId: 'p3', recording: 'true' }],
    ]);
    const peers = readPresences(states, 1);
    expect([...peers.values()].map((p) => [p.peerId, p.recording])).toEqual([['p2', true]]);
  });
});
