/**
 * `window.__lunar`: read-only diagnostics (per-peer media counters from getStats). Used by
 * the browser tests and the benchmark to see what a person would see (frames decoded,
 * audio arriving) without scraping pixels. It exposes nothing a page script couldn't read.
 */
import type { CallEngine } from '../call/call-engine';
import type { LocalMedia } from '../call/local-media';

export interface PeerMediaStats {
  peerId: string;
  name: string;
  phase: string;
  framesDecoded: number;
  videoBytesReceived: number;
  audioPacketsReceived: number;
  audioEnergy: number;
  candidateType: string | null;
}

export interface LunarDebug {
  myId: string;
  signaling: () => string;
  peers: () => Promise<PeerMediaStats[]>;
  local: () => { micOn: boolean; camOn: boolean };
}

declare global {
  interface Window {
    __lunar?: LunarDebug;
  }
}

export async function peerStats(pc: RTCPeerConnection): Promise<Omit<PeerMediaStats, 'peerId' | 'name' | 'phase'>> {
  const report = await pc.getStats();
  let framesDecoded = 0;
  let videoBytesReceived = 0;
  let audioPacketsReceived = 0;
  let audioEnergy = 0;
  let candidateType: string | null = null;
  const byId = new Map<string, Record<string, unknown>>();
  report.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
  for (const s of byId.values()) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      framesDecoded += Number(s.framesDecoded ?? 0);
      videoBytesReceived += Number(s.bytesReceived ?? 0);
    }
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      audioPacketsReceived += Number(s.packetsReceived ?? 0);
      audioEnergy += Number(s.totalAudioEnergy ?? 0);
    }
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
      const pair = byId.get(s.selectedCandidatePairId);
      const local = pair ? byId.get(pair.localCandidateId as string) : undefined;
      if (local && typeof local.candidateType === 'string') candidateType = local.candidateType;
    }
  }
  return { framesDecoded, videoBytesReceived, audioPacketsReceived, audioEnergy, candidateType };
}

export function exposeDebug(engine: CallEngine, media: LocalMedia): void {
  window.__lunar = {
    myId: engine.myId,
    signaling: () => engine.signaling,
    local: () => ({ micOn: media.micOn, camOn: media.camOn }),
    peers: async () => {
      const out: PeerMediaStats[] = [];
      const views = new Map(engine.participants().map((p) => [p.peerId, p]));
      for (const [peerId, session] of engine.sessionsByPeer()) {
        const v = views.get(peerId);
        out.push({ peerId, name: v?.name ?? '', phase: session.phase, ...(await peerStats(session.pc)) });
      }
      return out;
    },
  };
}
