/**
 * `window.__lunar`: read-only diagnostics (per-peer media counters from getStats). Used by
 * the browser tests and the benchmark to see what a person would see (frames decoded,
 * audio arriving) without scraping pixels. It exposes nothing a page script couldn't read.
 */
import type { CallEngine } from '../call/call-engine';
import type { CallSecurity } from '../call/call-security';
import type { LocalMedia } from '../call/local-media';
import type { RoomDocConnection } from '../room-state/room-doc-provider';
import type { TreeDebug } from '../tree/tree-call';

export interface PeerMediaStats {
  peerId: string;
  name: string;
  phase: string;
  framesDecoded: number;
  videoBytesReceived: number;
  audioPacketsReceived: number;
  audioEnergy: number;
  candidateType: string | null;
  trust: string;
  e2ee: string;
  /** Split by receiver: the camera's frames and the screen share's. */
  cameraFramesDecoded: number;
  /** Height of the camera frames we decode from this peer (0 before the first). */
  cameraFrameHeight: number;
  screenFramesDecoded: number;
  /** What our camera sender has sent to this peer (outbound-rtp bytesSent). */
  videoBytesSent: number;
  /** Our camera sender's scale-down asked of the encoder (2 during the warm-up; 1 once lifted). */
  cameraSendScale: number;
  /** What limits our camera encoder now, as Chromium says (outbound-rtp qualityLimitationReason). */
  cameraLimitation: string;
  /** Our local description on this connection (SDP text). */
  localSdp: string;
}

type StatsById = Map<string, Record<string, unknown>>;

async function readStats(pc: RTCPeerConnection): Promise<StatsById> {
  const byId: StatsById = new Map();
  (await pc.getStats()).forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
  return byId;
}

/** The RTP stats of `type` for one transceiver (matched by mid: sender/receiver getStats may report the whole connection). */
function rtpStats(stats: StatsById, pc: RTCPeerConnection, endpoint: RTCRtpSender | RTCRtpReceiver | null, type: string): Record<string, unknown>[] {
  const mid = pc.getTransceivers().find((t) => t.sender === endpoint || t.receiver === endpoint)?.mid;
  if (!endpoint || mid == null) return [];
  return [...stats.values()].filter((s) => s.type === type && s.mid === mid);
}

/** Sums one numeric field over them. */
function sumStat(stats: StatsById, pc: RTCPeerConnection, endpoint: RTCRtpSender | RTCRtpReceiver | null, type: string, field: string): number {
  return rtpStats(stats, pc, endpoint, type).reduce((total, s) => total + Number(s[field] ?? 0), 0);
}

/** The first string value of one field among them, or ''. */
function textStat(stats: StatsById, pc: RTCPeerConnection, endpoint: RTCRtpSender | RTCRtpReceiver | null, type: string, field: string): string {
  const v = rtpStats(stats, pc, endpoint, type)
    .map((s) => s[field])
    .find((x) => typeof x === 'string');
  return typeof v === 'string' ? v : '';
}

export interface LunarDebug {
  myId: string;
  signaling: () => string;
  peers: () => Promise<PeerMediaStats[]>;
  local: () => { micOn: boolean; camOn: boolean };
  epoch: () => number;
  safetyWords: () => string[];
  /** E2EE frame counters per sender id: encrypted, decrypted, rejected by code. */
  e2ee: () => Promise<Record<string, unknown>>;
  /** Removes a participant from this page's call (what a verified moderator action does). */
  remove: (peerId: string) => void;
  /** 'mesh' or 'tree' (large rooms), and the tree's links and forwarding counters. */
  mode: () => string;
  /** Mesh sessions opened and members dropped, by reason. */
  churn: () => Record<string, number>;
  /** Control-overlay messages sent, passed on, delivered, dropped as repeats (null: no large room). */
  overlay: () => Record<string, number> | null;
  /** ICE detail per session: transports and candidate pairs (a stuck connection's story). */
  ice: () => Promise<Record<string, unknown>[]>;
  tree: () => Promise<TreeDebug | null>;
  /** Who this page shows in the call (name, trust, how we reach them). */
  participants: () => { peerId: string; name: string; trust: string; e2ee: string; phase: string }[];
  /** Each mesh connection's states, for diagnosing a call that does not connect. */
  connections: () => { peerId: string; phase: string; signaling: string; ice: string; connection: string; channel: string }[];
  /** The shared room doc, once connected. */
  room?: RoomDebug;
}

export interface RoomDebug {
  /** A read-only copy of this page's room doc (what a peer holds). */
  dump: () => unknown;
  /**
   * Test hook (only with `__lunarTestHooks.rawDocWrites`): writes a raw, unvalidated value
   * into the doc, as a hostile member could. Arrays get `value` pushed; maps get `key` set.
   */
  writeRaw?: (name: string, kind: 'array' | 'map', value: unknown, key?: string) => void;
}

/** Set by tests before the app loads (page.addInitScript); never by the app itself. */
export interface LunarTestHooks {
  /** Our senders pass frames through unencrypted, to prove receivers drop them. */
  bypassEncryption?: boolean;
  /** Expose `__lunar.room.writeRaw` to play a hostile member in tests. */
  rawDocWrites?: boolean;
}

declare global {
  interface Window {
    __lunar?: LunarDebug;
    __lunarTestHooks?: LunarTestHooks;
  }
}

/** Connection-wide counters from one stats report. */
function peerStats(byId: StatsById): Omit<PeerMediaStats, 'peerId' | 'name' | 'phase' | 'trust' | 'e2ee' | 'cameraFramesDecoded' | 'cameraFrameHeight' | 'screenFramesDecoded' | 'videoBytesSent' | 'cameraSendScale' | 'cameraLimitation' | 'localSdp'> {
  let framesDecoded = 0;
  let videoBytesReceived = 0;
  let audioPacketsReceived = 0;
  let audioEnergy = 0;
  let candidateType: string | null = null;
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

async function iceReport(pc: RTCPeerConnection): Promise<Record<string, unknown>> {
  const byId = await readStats(pc);
  const cand = (id: unknown) => {
    const c = byId.get(id as string);
    return c ? `${String(c.candidateType)} ${String(c.address)}:${String(c.port)}` : '?';
  };
  const transports: string[] = [];
  const pairs: string[] = [];
  let localCandidates = 0;
  let remoteCandidates = 0;
  for (const s of byId.values()) {
    if (s.type === 'transport') transports.push(`${String(s.iceState)}/${String(s.dtlsState)}`);
    if (s.type === 'local-candidate') localCandidates++;
    if (s.type === 'remote-candidate') remoteCandidates++;
    if (s.type === 'candidate-pair') {
      pairs.push(`${cand(s.localCandidateId)} -> ${cand(s.remoteCandidateId)} ${String(s.state)}${s.nominated ? ' nominated' : ''} req ${String(s.requestsSent)}/${String(s.requestsReceived)} resp ${String(s.responsesSent)}/${String(s.responsesReceived)}`);
    }
  }
  const bundle = /a=group:BUNDLE/.test(pc.remoteDescription?.sdp ?? '');
  return { transports, localCandidates, remoteCandidates, bundle, pairs };
}

export function exposeDebug(engine: CallEngine, media: LocalMedia, security: CallSecurity | null): void {
  window.__lunar = {
    myId: engine.myId,
    epoch: () => engine.epoch,
    safetyWords: () => engine.safetyWords(),
    e2ee: async () => (security ? ((await security.counters()) as Record<string, unknown>) : {}),
    remove: (peerId: string) => engine.removeParticipant(peerId),
    signaling: () => engine.signaling,
    mode: () => engine.mode,
    churn: () => ({ ...engine.churn }),
    overlay: () => engine.overlayCounts(),
    tree: () => engine.treeDebug(),
    participants: () => engine.participants().map((p) => ({ peerId: p.peerId, name: p.name, trust: p.trust, e2ee: p.e2ee, phase: p.phase })),
    connections: () =>
      [...engine.sessionsByPeer()].map(([peerId, s]) => ({
        peerId,
        phase: s.phase,
        signaling: s.pc.signalingState,
        ice: s.pc.iceConnectionState,
        connection: s.pc.connectionState,
        channel: s.controlState,
      })),
    ice: async () => {
      const out: Record<string, unknown>[] = [];
      for (const [peerId, s] of engine.sessionsByPeer()) out.push({ peerId: peerId.slice(0, 4), ...(await iceReport(s.pc)) });
      return out;
    },
    local: () => ({ micOn: media.micOn, camOn: media.camOn }),
    peers: async () => {
      const out: PeerMediaStats[] = [];
      const views = new Map(engine.participants().map((p) => [p.peerId, p]));
      // One stats report per connection, read for all of them at once: on a loaded machine each
      // getStats can take tens of milliseconds, and tests poll this.
      const sessions = [...engine.sessionsByPeer()];
      const reports = await Promise.all(sessions.map(([, session]) => readStats(session.pc)));
      sessions.forEach(([peerId, session], i) => {
        const v = views.get(peerId);
        const stats = reports[i] ?? new Map();
        const pc = session.pc;
        out.push({
          peerId,
          name: v?.name ?? '',
          phase: session.phase,
          trust: v?.trust ?? 'pending',
          e2ee: v?.e2ee ?? 'off',
          ...peerStats(stats),
          cameraFramesDecoded: sumStat(stats, pc, session.receiver('video'), 'inbound-rtp', 'framesDecoded'),
          cameraFrameHeight: sumStat(stats, pc, session.receiver('video'), 'inbound-rtp', 'frameHeight'),
          screenFramesDecoded: sumStat(stats, pc, session.receiver('screen-video'), 'inbound-rtp', 'framesDecoded'),
          videoBytesSent: sumStat(stats, pc, session.sender('video'), 'outbound-rtp', 'bytesSent'),
          cameraSendScale: session.sender('video')?.getParameters().encodings[0]?.scaleResolutionDownBy ?? 1,
          cameraLimitation: textStat(stats, pc, session.sender('video'), 'outbound-rtp', 'qualityLimitationReason'),
          localSdp: pc.localDescription?.sdp ?? '',
        });
      });
      return out;
    },
  };
}

export function exposeRoomDebug(conn: RoomDocConnection): void {
  const debug = window.__lunar;
  if (!debug) return;
  const doc = conn.doc;
  debug.room = { dump: () => doc.toJSON() };
  if (window.__lunarTestHooks?.rawDocWrites === true) {
    debug.room.writeRaw = (name, kind, value, key) => {
      if (kind === 'array') doc.getArray<unknown>(name).push([value]);
      else doc.getMap<unknown>(name).set(key ?? 'x', value);
    };
  }
}
