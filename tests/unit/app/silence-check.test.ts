import { describe, expect, it } from 'vitest';
import { isSilent } from '../../../src/call/silence-check';

const limits = { silenceMs: 8000, goneMs: 25_000 };

describe('isSilent', () => {
  it('keeps a peer heard within the window', () => {
    expect(isSilent({ lastHeardAt: 95_000, lastSeen: 0, transportAlive: false }, { now: 100_000, freshestOther: 100_000 }, limits)).toBe(false);
  });

  it('drops a peer that alone went quiet while others kept talking', () => {
    expect(isSilent({ lastHeardAt: 91_000, lastSeen: 99_000, transportAlive: false }, { now: 100_000, freshestOther: 99_900 }, limits)).toBe(true);
  });

  it('drops our only peer after the window (nothing to compare with)', () => {
    expect(isSilent({ lastHeardAt: 91_000, lastSeen: 99_000, transportAlive: false }, { now: 100_000, freshestOther: null }, limits)).toBe(true);
  });

  it('keeps everyone when all went quiet together (our page, or our network, stalled)', () => {
    expect(isSilent({ lastHeardAt: 91_000, lastSeen: 95_000, transportAlive: false }, { now: 100_000, freshestOther: 91_500 }, limits)).toBe(false);
  });

  it('drops a peer absent from its channel and from the relay for goneMs, whatever else holds', () => {
    const peer = { lastHeardAt: 70_000, lastSeen: 74_000, transportAlive: false };
    expect(isSilent(peer, { now: 100_000, freshestOther: 72_000 }, limits)).toBe(true);
    expect(isSilent({ ...peer, lastSeen: 90_000 }, { now: 100_000, freshestOther: 72_000 }, limits)).toBe(false);
  });

  it('keeps a quiet peer whose connection still receives, until goneMs', () => {
    const peer = { lastHeardAt: 91_000, lastSeen: 99_000, transportAlive: true };
    expect(isSilent(peer, { now: 100_000, freshestOther: 99_900 }, limits)).toBe(false);
    expect(isSilent(peer, { now: 100_000, freshestOther: null }, limits)).toBe(false);
    expect(isSilent(peer, { now: 116_500, freshestOther: 116_000 }, limits)).toBe(true);
  });
});
