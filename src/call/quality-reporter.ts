/**
 * Sends one anonymous quality report a minute to the relay (`POST /report`), unless the
 * person opted out (Settings → "Send anonymous quality reports") or the deployment turned
 * reports off. `sendBeacon` with text/plain: no preflight, no cookies, nothing to wait for.
 */
import type { CallEngine } from './call-engine';
import { buildQualityReport, type PeerSample } from './quality-sample';

const OPT_OUT_KEY = 'lunar.qualityReports';
const EVERY_MS = 60_000;

export function qualityReportsAllowed(): boolean {
  try {
    return localStorage.getItem(OPT_OUT_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setQualityReportsAllowed(on: boolean): void {
  try {
    localStorage.setItem(OPT_OUT_KEY, on ? 'on' : 'off');
  } catch {
    // No storage: the choice lasts for this page only.
  }
}

async function sample(pc: RTCPeerConnection): Promise<PeerSample> {
  const s: PeerSample = { packetsReceived: 0, packetsLost: 0, bytesReceived: 0, bytesSent: 0, audioTracks: 0, videoTracks: 0 };
  const jitters: number[] = [];
  (await pc.getStats()).forEach((r: Record<string, unknown>) => {
    if (r.type === 'inbound-rtp') {
      s.packetsReceived += Number(r.packetsReceived ?? 0);
      s.packetsLost += Math.max(0, Number(r.packetsLost ?? 0));
      s.bytesReceived += Number(r.bytesReceived ?? 0);
      if (typeof r.jitter === 'number') jitters.push(r.jitter * 1000);
      if (r.kind === 'audio') s.audioTracks++;
      if (r.kind === 'video') {
        s.videoTracks++;
        if (typeof r.framesPerSecond === 'number') s.framesPerSecond = r.framesPerSecond;
      }
    } else if (r.type === 'outbound-rtp') {
      s.bytesSent += Number(r.bytesSent ?? 0);
    } else if (r.type === 'candidate-pair' && r.nominated && typeof r.currentRoundTripTime === 'number') {
      s.rttMs = r.currentRoundTripTime * 1000;
    }
  });
  if (jitters.length) s.jitterMs = jitters.reduce((a, b) => a + b, 0) / jitters.length;
  return s;
}

/** Starts reporting; returns the disposer. */
export function startQualityReports(engine: CallEngine, relayBase: string, relayOnly: boolean): () => void {
  let previous: PeerSample[] = [];
  let last = Date.now();
  const timer = setInterval(async () => {
    if (!qualityReportsAllowed()) return;
    const sessions = [...engine.sessionsByPeer().values()].filter((s) => s.phase === 'connected');
    const current = await Promise.all(sessions.map((s) => sample(s.pc)));
    const now = Date.now();
    const report = buildQualityReport(relayOnly ? 'relay' : 'mesh', engine.encrypted, previous.length === current.length ? previous : current.map(() => ({ ...emptySample })), current, (now - last) / 1000);
    previous = current;
    last = now;
    if (!report || current.length === 0) return;
    try {
      navigator.sendBeacon(new URL('report', relayBase).href, new Blob([JSON.stringify(report)], { type: 'text/plain' }));
    } catch {
      // Reports are best effort.
    }
  }, EVERY_MS);
  return () => clearInterval(timer);
}

const emptySample: PeerSample = { packetsReceived: 0, packetsLost: 0, bytesReceived: 0, bytesSent: 0, audioTracks: 0, videoTracks: 0 };
