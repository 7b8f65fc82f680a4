import { describe, expect, it } from 'vitest';
import { firstPicturePeer } from '../../../src/ui/first-picture';
import type { ParticipantView } from '../../../src/call/call-engine';

type Person = Parameters<typeof firstPicturePeer>[0][number];

const stream = (...states: MediaStreamTrackState[]) => ({ getVideoTracks: () => states.map((readyState) => ({ readyState })) }) as unknown as MediaStream;
const person = (peerId: string, patch: Partial<Person> = {}): Person => ({
  peerId,
  name: peerId.toUpperCase(),
  phase: 'connected' as ParticipantView['phase'],
  trust: 'verified' as ParticipantView['trust'],
  camOn: true,
  stream: stream('live'),
  ...patch,
});

describe('firstPicturePeer', () => {
  it('picks the first person (in join order) who is connected, verified and sending a live camera', () => {
    const chosen = firstPicturePeer([person('a', { camOn: false }), person('b'), person('c')]);
    expect(chosen?.peerId).toBe('b');
    expect(chosen?.name).toBe('B');
  });

  it('passes over people still connecting, not verified, or whose video track has ended', () => {
    expect(firstPicturePeer([person('a', { phase: 'connecting' }), person('b', { trust: 'pending' as ParticipantView['trust'] }), person('c', { stream: stream('ended') })])).toBeNull();
  });

  it('is null with no one, or no stream (the call then renders at once)', () => {
    expect(firstPicturePeer([])).toBeNull();
    expect(firstPicturePeer([person('a', { stream: null as unknown as MediaStream })])).toBeNull();
  });
});
