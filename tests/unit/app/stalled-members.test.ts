import { describe, expect, it } from 'vitest';
import { sameMembers, stalledMembers } from '../../../src/call/stalled-members';

describe('stalledMembers', () => {
  it('flags connected members silent past the limit, never ones still connecting', () => {
    const peers = [
      { peerId: 'quiet', everConnected: true, lastHeardAt: 0 },
      { peerId: 'talking', everConnected: true, lastHeardAt: 1900 },
      { peerId: 'connecting', everConnected: false, lastHeardAt: 0 },
      { peerId: 'edge', everConnected: true, lastHeardAt: 800 },
    ];
    expect([...stalledMembers(peers, 2000, 1200)]).toEqual(['quiet']);
  });

  it('compares sets by members', () => {
    expect(sameMembers(new Set(['a', 'b']), new Set(['b', 'a']))).toBe(true);
    expect(sameMembers(new Set(['a']), new Set(['a', 'b']))).toBe(false);
    expect(sameMembers(new Set(), new Set())).toBe(true);
  });
});
