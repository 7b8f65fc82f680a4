import { describe, expect, it } from 'vitest';
import { computeConnectionStats, levelOf, QUALITY_THRESHOLDS, type StatLike } from '../../../src/stats/connection-stats';
import { diagnosticsText, statsRows } from '../../../src/stats/diagnostics-text';

/** Shaped like Chrome's getStats() output for a 1:1 call (ids, addresses and names included on purpose). */
function snapshot(t: number, o: { sent: number; recv: number; lost: number; pkts: number; frames: number; relay?: boolean; rtt?: number; jitter?: number; fractionLost?: number }): StatLike[] {
  return [
    { id: 'T01', type: 'transport', timestamp: t, selectedCandidatePairId: 'CPabc123_def456' },
    { id: 'CPabc123_def456', type: 'candidate-pair', timestamp: t, localCandidateId: 'Iabc123', remoteCandidateId: 'Idef456', state: 'succeeded', nominated: true, currentRoundTripTime: o.rtt ?? 0.042, availableOutgoingBitrate: 2_345_000 },
    { id: 'CPother', type: 'candidate-pair', timestamp: t, localCandidateId: 'Ixyz', remoteCandidateId: 'Idef456', state: 'failed', nominated: false },
    { id: 'Iabc123', type: 'local-candidate', timestamp: t, address: '192.168.77.12', port: 51234, candidateType: o.relay ? 'relay' : 'host', protocol: 'udp' },
    { id: 'Ixyz', type: 'local-candidate', timestamp: t, address: '10.9.8.7', candidateType: 'relay' },
    { id: 'Idef456', type: 'remote-candidate', timestamp: t, address: '203.0.113.9', port: 40000, candidateType: 'srflx' },
    { id: 'COT01_111_minptime=10;useinbandfec=1', type: 'codec', timestamp: t, mimeType: 'audio/opus', payloadType: 111 },
    { id: 'COT01_96', type: 'codec', timestamp: t, mimeType: 'video/VP8', payloadType: 96 },
    { id: 'IT01V3141592', type: 'inbound-rtp', timestamp: t, kind: 'video', ssrc: 3141592, codecId: 'COT01_96', bytesReceived: o.recv, packetsReceived: o.pkts, packetsLost: o.lost, jitter: o.jitter ?? 0.012, frameWidth: 1280, frameHeight: 720, framesDecoded: o.frames, trackIdentifier: 'alice-camera-track', mid: '1' },
    { id: 'IT01A2718', type: 'inbound-rtp', timestamp: t, kind: 'audio', ssrc: 2718, codecId: 'COT01_111_minptime=10;useinbandfec=1', bytesReceived: 1000, packetsReceived: 100, packetsLost: 0, jitter: 0.004 },
    { id: 'OT01V1234', type: 'outbound-rtp', timestamp: t, kind: 'video', ssrc: 1234, codecId: 'COT01_96', bytesSent: o.sent, frameWidth: 640, frameHeight: 360, framesPerSecond: 30, framesEncoded: o.frames, rid: 'h', mediaSourceId: 'SV1' },
    { id: 'RIA1234', type: 'remote-inbound-rtp', timestamp: t, kind: 'video', ssrc: 1234, fractionLost: o.fractionLost ?? 0.01, roundTripTime: 0.05, localId: 'OT01V1234' },
    { id: 'PC7f3a', type: 'peer-connection', timestamp: t, dataChannelsOpened: 1 },
  ];
}

describe('computeConnectionStats', () => {
  const a = snapshot(1000, { sent: 100_000, recv: 200_000, lost: 10, pkts: 990, frames: 30 });
  const b = snapshot(2000, { sent: 225_000, recv: 450_000, lost: 15, pkts: 1_985, frames: 60 });

  it('computes rates, loss, RTT, jitter, resolution, fps, bandwidth, codecs and path', () => {
    const s = computeConnectionStats(a, b);
    expect(s.bitrateUpKbps).toBe(1000); // 125 kB in 1 s
    expect(s.bitrateDownKbps).toBe(2000); // 250 kB in 1 s (audio stream bytes unchanged)
    expect(s.lossDownPct).toBe(0.5); // 5 lost of 1000 in the interval
    expect(s.lossUpPct).toBe(1);
    expect(s.rttMs).toBe(42);
    expect(s.jitterMs).toBe(12);
    expect(s.videoIn).toEqual({ width: 1280, height: 720, fps: 30 }); // from framesDecoded delta
    expect(s.videoOut).toEqual({ width: 640, height: 360, fps: 30 });
    expect(s.availableOutgoingKbps).toBe(2345);
    expect(s.audioCodec).toBe('audio/opus');
    expect(s.videoCodec).toBe('video/VP8');
    expect(s.path).toBe('direct');
    expect(s.quality).toBe('good');
  });

  it('reports relayed when the selected local candidate is a TURN relay', () => {
    const s = computeConnectionStats(undefined, snapshot(1000, { sent: 1, recv: 1, lost: 0, pkts: 1, frames: 1, relay: true }));
    expect(s.path).toBe('relayed');
    expect(s.bitrateUpKbps).toBeUndefined(); // one snapshot: no rates
  });

  it('finds the selected pair without a transport entry (Firefox shape)', () => {
    const curr = snapshot(1000, { sent: 1, recv: 1, lost: 0, pkts: 1, frames: 1, relay: true }).filter((x) => x.type !== 'transport');
    expect(computeConnectionStats(undefined, curr).path).toBe('relayed');
    expect(computeConnectionStats(undefined, []).path).toBe('unknown');
  });

  it('grades quality by the worst of loss, RTT and jitter', () => {
    const bad = snapshot(2000, { sent: 2, recv: 2, lost: 200, pkts: 1000, frames: 2, rtt: 0.2 });
    expect(computeConnectionStats(a, bad).quality).toBe('poor'); // loss ~16 %
    const slow = snapshot(2000, { sent: 2, recv: 2, lost: 10, pkts: 1990, frames: 2, rtt: 0.35 });
    expect(computeConnectionStats(a, slow).quality).toBe('fair');
    const jittery = snapshot(2000, { sent: 2, recv: 2, lost: 10, pkts: 1990, frames: 2, jitter: 0.08 });
    expect(computeConnectionStats(a, jittery).quality).toBe('poor');
  });

  it('ignores counters that went backwards and malformed fields', () => {
    const weird = snapshot(2000, { sent: 5, recv: 5, lost: 0, pkts: 5, frames: 0 }).map((x) => (x.type === 'candidate-pair' ? { ...x, currentRoundTripTime: 'NaN' } : x));
    const s = computeConnectionStats(a, weird);
    expect(s.bitrateUpKbps).toBeUndefined();
    expect(s.rttMs).toBe(50); // falls back to the RTCP round trip
  });

  it('levelOf follows the documented thresholds', () => {
    expect(levelOf('lossPct', QUALITY_THRESHOLDS.lossPct.fair - 0.1)).toBe('good');
    expect(levelOf('lossPct', QUALITY_THRESHOLDS.lossPct.fair)).toBe('fair');
    expect(levelOf('rttMs', QUALITY_THRESHOLDS.rttMs.poor)).toBe('poor');
    expect(levelOf('jitterMs', undefined)).toBe('good');
  });
});

describe('diagnosticsText', () => {
  it('exports the figures and never an id, address, SSRC or name', () => {
    const a = snapshot(1000, { sent: 100_000, recv: 200_000, lost: 10, pkts: 990, frames: 30 });
    const b = snapshot(2000, { sent: 225_000, recv: 450_000, lost: 15, pkts: 1_985, frames: 60, relay: true });
    const text = diagnosticsText([computeConnectionStats(a, b), computeConnectionStats(undefined, b)], { e2ee: ['encrypted', 'off'] });
    expect(text).toContain('Peer 1');
    expect(text).toContain('Bitrate up: 1000 kbps');
    expect(text).toContain('relayed (TURN)');
    expect(text).toContain('1280×720 @ 30 fps');
    expect(text).toContain('E2EE: encrypted');
    const secrets = new Set<string>();
    for (const s of b) {
      secrets.add(s.id);
      for (const k of ['address', 'ssrc', 'trackIdentifier', 'selectedCandidatePairId', 'localCandidateId', 'remoteCandidateId', 'codecId', 'mediaSourceId', 'localId']) {
        if (s[k] !== undefined) secrets.add(String(s[k]));
      }
    }
    for (const secret of secrets) expect(text, secret).not.toContain(secret);
    expect(text).not.toMatch(/alice|\d+\.\d+\.\d+\.\d+/i);
  });

  it('rows carry levels for the colour-coded figures', () => {
    const rows = statsRows({ videoIn: {}, videoOut: {}, path: 'direct', quality: 'fair', rttMs: 400 });
    expect(rows.find((r) => r.label === 'Round trip')).toEqual({ label: 'Round trip', value: '400 ms', level: 'fair' });
    expect(rows.find((r) => r.label === 'Bitrate up')?.value).toBe('–');
  });
});
