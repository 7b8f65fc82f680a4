import { describe, expect, it } from 'vitest';
import { buildQualityReport, type PeerSample } from '../../../src/call/quality-sample';
import { parseJoinParams } from '../../../src/room/room-link';

const s = (o: Partial<PeerSample>): PeerSample => ({ packetsReceived: 0, packetsLost: 0, bytesReceived: 0, bytesSent: 0, audioTracks: 1, videoTracks: 1, ...o });

describe('anonymous quality reports', () => {
  it('aggregates figures over the interval and validates against the relay schema', () => {
    const before = [s({ packetsReceived: 100, packetsLost: 0, bytesReceived: 10_000, bytesSent: 10_000 })];
    const after = [s({ packetsReceived: 190, packetsLost: 10, bytesReceived: 135_000, bytesSent: 260_000, rttMs: 42.4, jitterMs: 3.3, framesPerSecond: 29.6 })];
    const r = buildQualityReport('mesh', true, before, after, 10);
    expect(r).toEqual({ v: 1, topology: 'mesh', e2ee: true, peers: 1, rttMs: 42, jitterMs: 3, frameRate: 30, lossDown: 0.1, bitrateDownKbps: 100, bitrateUpKbps: 200, audioTracks: 1, videoTracks: 1 });
    // Only numbers, an enum and a boolean: nothing that could name a person or a room.
    expect(Object.values(r ?? {}).every((v) => typeof v === 'number' || typeof v === 'boolean' || v === 'mesh')).toBe(true);
  });

  it('reads an access token from the link only when it looks like a JWT', () => {
    expect(parseJoinParams('jwt=aaa.bbb.ccc').jwt).toBe('aaa.bbb.ccc');
    expect(parseJoinParams('jwt=<script>').jwt).toBeUndefined();
  });
});
