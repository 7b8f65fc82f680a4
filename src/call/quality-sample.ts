/**
 * Builds an anonymous quality report from getStats figures. Pure: the inputs are plain
 * numbers per peer; the output carries only aggregates (no ids, names or rooms), and is
 * checked by the same schema the relay uses before it is sent.
 */
import { parseQualityReport, type QualityReport, type QualityTopology } from '../protocol/quality-report';

export interface PeerSample {
  rttMs?: number;
  jitterMs?: number;
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  bytesSent: number;
  framesPerSecond?: number;
  audioTracks: number;
  videoTracks: number;
}

const mean = (xs: number[]): number | undefined => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** `previous` and `current` are cumulative samples `seconds` apart, keyed by an opaque local index. */
export function buildQualityReport(
  topology: QualityTopology,
  e2ee: boolean,
  previous: readonly PeerSample[],
  current: readonly PeerSample[],
  seconds: number,
): QualityReport | null {
  const n = current.length;
  const sum = (xs: readonly PeerSample[], k: 'packetsReceived' | 'packetsLost' | 'bytesReceived' | 'bytesSent') => xs.reduce((a, s) => a + s[k], 0);
  const dRecv = Math.max(0, sum(current, 'packetsReceived') - sum(previous, 'packetsReceived'));
  const dLost = Math.max(0, sum(current, 'packetsLost') - sum(previous, 'packetsLost'));
  const dt = Math.max(1, seconds);
  const report: Record<string, unknown> = { v: 1, topology, e2ee, peers: n };
  const rtt = mean(current.flatMap((s) => (s.rttMs === undefined ? [] : [s.rttMs])));
  const jitter = mean(current.flatMap((s) => (s.jitterMs === undefined ? [] : [s.jitterMs])));
  const fps = mean(current.flatMap((s) => (s.framesPerSecond === undefined ? [] : [s.framesPerSecond])));
  if (rtt !== undefined) report.rttMs = Math.round(clamp(rtt, 0, 60_000));
  if (jitter !== undefined) report.jitterMs = Math.round(clamp(jitter, 0, 60_000));
  if (fps !== undefined) report.frameRate = Math.round(clamp(fps, 0, 240));
  if (dRecv + dLost > 0) report.lossDown = clamp(dLost / (dRecv + dLost), 0, 1);
  report.bitrateDownKbps = Math.round(clamp(((sum(current, 'bytesReceived') - sum(previous, 'bytesReceived')) * 8) / 1000 / dt, 0, 1e6));
  report.bitrateUpKbps = Math.round(clamp(((sum(current, 'bytesSent') - sum(previous, 'bytesSent')) * 8) / 1000 / dt, 0, 1e6));
  report.audioTracks = current.reduce((a, s) => a + s.audioTracks, 0);
  report.videoTracks = current.reduce((a, s) => a + s.videoTracks, 0);
  try {
    return parseQualityReport(report);
  } catch {
    return null; // Never send what our own schema would refuse.
  }
}
