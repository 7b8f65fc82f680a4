/**
 * Connection figures for one peer, computed from two successive `RTCPeerConnection.getStats()`
 * snapshots given as plain arrays (`[...report.values()]`), so this runs in Node and tests
 * feed it recorded samples. Rates need two snapshots; with only one, rates are undefined.
 *
 * The result holds figures only: no stats ids, SSRCs, addresses or names, so it can be
 * shown or exported (`diagnosticsText`) without leaking who is in the call.
 */

/** The part of an RTCStats object we read; anything else in the entry is ignored. */
export interface StatLike {
  id: string;
  type: string;
  timestamp: number;
  [field: string]: unknown;
}

export type QualityLevel = 'good' | 'fair' | 'poor';
export type NetworkPath = 'direct' | 'relayed' | 'unknown';

export interface VideoFigures {
  width?: number;
  height?: number;
  /** Frames per second. */
  fps?: number;
}

export interface ConnectionStats {
  /** Outgoing media bitrate, kbps (all outbound RTP streams). */
  bitrateUpKbps?: number;
  /** Incoming media bitrate, kbps (all inbound RTP streams). */
  bitrateDownKbps?: number;
  /** Percentage of packets lost on the way to us, over the interval (0–100). */
  lossDownPct?: number;
  /** Percentage of our packets the other side reports lost (remote-inbound-rtp, 0–100). */
  lossUpPct?: number;
  /** Round-trip time, ms. */
  rttMs?: number;
  /** Largest inbound jitter, ms. */
  jitterMs?: number;
  /** The video we receive. */
  videoIn: VideoFigures;
  /** The video we send. */
  videoOut: VideoFigures;
  /** Bandwidth estimate for what we send (candidate-pair availableOutgoingBitrate), kbps. */
  availableOutgoingKbps?: number;
  /** e.g. 'audio/opus'. */
  audioCodec?: string;
  /** e.g. 'video/VP8'. */
  videoCodec?: string;
  path: NetworkPath;
  quality: QualityLevel;
}

/**
 * Thresholds for the colour coding. A figure at or above `poor` is poor, at or above `fair` is fair,
 * otherwise good; the overall level is the worst of loss, RTT and jitter. The values follow the
 * usual VoIP guidance: ITU-T G.114 puts conversational delay trouble past ~150 ms one-way-ish (we
 * use RTT 300/500), Opus with FEC hides up to a few percent loss, and jitter buffers hide ~30 ms.
 */
export const QUALITY_THRESHOLDS = {
  lossPct: { fair: 2, poor: 8 },
  rttMs: { fair: 300, poor: 500 },
  jitterMs: { fair: 30, poor: 60 },
} as const;

export type ThresholdMetric = keyof typeof QUALITY_THRESHOLDS;

/** The level of one figure; undefined figures are 'good' (nothing measured, nothing wrong). */
export function levelOf(metric: ThresholdMetric, value: number | undefined): QualityLevel {
  if (value === undefined || !Number.isFinite(value)) return 'good';
  const t = QUALITY_THRESHOLDS[metric];
  if (value >= t.poor) return 'poor';
  if (value >= t.fair) return 'fair';
  return 'good';
}

const RANK: Record<QualityLevel, number> = { good: 0, fair: 1, poor: 2 };

export function worstLevel(levels: QualityLevel[]): QualityLevel {
  return levels.reduce<QualityLevel>((worst, l) => (RANK[l] > RANK[worst] ? l : worst), 'good');
}

function num(stat: StatLike | undefined, field: string): number | undefined {
  const v = stat?.[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(stat: StatLike | undefined, field: string): string | undefined {
  const v = stat?.[field];
  return typeof v === 'string' ? v : undefined;
}

function ofType(stats: readonly StatLike[], type: string): StatLike[] {
  return stats.filter((s) => s.type === type);
}

function sum(values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? undefined : defined.reduce((a, b) => a + b, 0);
}

/** Rate in kbps between two counters in bytes at two timestamps in ms (bits per ms = kbit/s). */
function kbps(bytesNow: number | undefined, bytesBefore: number | undefined, dtMs: number): number | undefined {
  if (bytesNow === undefined || bytesBefore === undefined || dtMs <= 0 || bytesNow < bytesBefore) return undefined;
  return ((bytesNow - bytesBefore) * 8) / dtMs;
}

/** Matches a stream in the previous snapshot by id (ids are stable across getStats calls). */
function previousOf(prev: readonly StatLike[] | undefined, s: StatLike): StatLike | undefined {
  return prev?.find((p) => p.id === s.id && p.type === s.type);
}

/** Transport's selected pair (Chrome), else a pair flagged `selected` (Firefox), else a nominated, succeeded one. */
function selectedPair(stats: readonly StatLike[]): StatLike | undefined {
  const pairs = ofType(stats, 'candidate-pair');
  for (const t of ofType(stats, 'transport')) {
    const id = str(t, 'selectedCandidatePairId');
    const pair = id === undefined ? undefined : pairs.find((p) => p.id === id);
    if (pair) return pair;
  }
  return pairs.find((p) => p['selected'] === true) ?? pairs.find((p) => p['nominated'] === true && p['state'] === 'succeeded');
}

function pathOf(stats: readonly StatLike[], pair: StatLike | undefined): NetworkPath {
  if (!pair) return 'unknown';
  const localId = str(pair, 'localCandidateId');
  const remoteId = str(pair, 'remoteCandidateId');
  const local = stats.find((s) => s.id === localId);
  const remote = stats.find((s) => s.id === remoteId);
  if (!local) return 'unknown';
  return str(local, 'candidateType') === 'relay' || str(remote, 'candidateType') === 'relay' ? 'relayed' : 'direct';
}

function codecOf(stats: readonly StatLike[], rtp: StatLike[]): string | undefined {
  for (const s of rtp) {
    const codec = stats.find((c) => c.id === str(s, 'codecId') && c.type === 'codec');
    const mime = str(codec, 'mimeType');
    if (mime) return mime;
  }
  return undefined;
}

function round(v: number | undefined, digits = 1): number | undefined {
  if (v === undefined) return undefined;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function videoFigures(s: StatLike | undefined, prev: StatLike | undefined, framesField: string): VideoFigures {
  const out: VideoFigures = {};
  const width = num(s, 'frameWidth');
  const height = num(s, 'frameHeight');
  if (width !== undefined) out.width = width;
  if (height !== undefined) out.height = height;
  let fps = num(s, 'framesPerSecond');
  if (fps === undefined && s && prev) {
    const now = num(s, framesField);
    const before = num(prev, framesField);
    const dt = s.timestamp - prev.timestamp;
    if (now !== undefined && before !== undefined && dt > 0) fps = ((now - before) * 1000) / dt;
  }
  if (fps !== undefined) out.fps = round(fps);
  return out;
}

/** Biggest video stream first, so the figure shown is the one people see. */
function mainVideo(list: StatLike[]): StatLike | undefined {
  return [...list].sort((a, b) => (num(b, 'frameHeight') ?? 0) - (num(a, 'frameHeight') ?? 0))[0];
}

/**
 * Figures for one peer connection. `prev` is the snapshot taken before `curr` (typically 1–2 s
 * earlier); loss then covers that interval, otherwise the whole call so far.
 */
export function computeConnectionStats(prev: readonly StatLike[] | undefined, curr: readonly StatLike[]): ConnectionStats {
  const inbound = ofType(curr, 'inbound-rtp');
  const outbound = ofType(curr, 'outbound-rtp');
  const remoteInbound = ofType(curr, 'remote-inbound-rtp');
  const result: ConnectionStats = { videoIn: {}, videoOut: {}, path: 'unknown', quality: 'good' };

  const pick = (list: StatLike[], field: string, withPrev: boolean) =>
    sum(list.map((s) => (withPrev ? num(previousOf(prev, s), field) : num(s, field))));
  // Streams that appeared since the previous snapshot have no baseline: leave them out of both sides.
  const withBaseline = (list: StatLike[]) => list.filter((s) => previousOf(prev, s) !== undefined);
  const dt = (list: StatLike[]) => {
    const s = list[0];
    const p = s && previousOf(prev, s);
    return s && p ? s.timestamp - p.timestamp : 0;
  };

  if (prev) {
    const outB = withBaseline(outbound);
    const inB = withBaseline(inbound);
    const up = kbps(pick(outB, 'bytesSent', false), pick(outB, 'bytesSent', true), dt(outB));
    const down = kbps(pick(inB, 'bytesReceived', false), pick(inB, 'bytesReceived', true), dt(inB));
    if (up !== undefined) result.bitrateUpKbps = round(up);
    if (down !== undefined) result.bitrateDownKbps = round(down);
  }

  // Down loss: lost / (lost + received) over the interval when we have a baseline.
  const inLoss = prev ? withBaseline(inbound) : inbound;
  const lostNow = pick(inLoss, 'packetsLost', false);
  const recvNow = pick(inLoss, 'packetsReceived', false);
  if (lostNow !== undefined && recvNow !== undefined) {
    const lost = lostNow - (prev ? (pick(inLoss, 'packetsLost', true) ?? 0) : 0);
    const recv = recvNow - (prev ? (pick(inLoss, 'packetsReceived', true) ?? 0) : 0);
    const total = Math.max(0, lost) + Math.max(0, recv);
    if (total > 0) result.lossDownPct = round((Math.max(0, lost) / total) * 100);
  }

  // Up loss: what the other side reports in RTCP receiver reports (fractionLost is per report interval).
  const fractions = remoteInbound.map((s) => num(s, 'fractionLost')).filter((v): v is number => v !== undefined);
  if (fractions.length > 0) result.lossUpPct = round(Math.max(...fractions) * 100);

  const pair = selectedPair(curr);
  const pairRtt = num(pair, 'currentRoundTripTime');
  const rtcpRtts = remoteInbound.map((s) => num(s, 'roundTripTime')).filter((v): v is number => v !== undefined);
  const rttS = pairRtt ?? (rtcpRtts.length > 0 ? Math.max(...rtcpRtts) : undefined);
  if (rttS !== undefined) result.rttMs = round(rttS * 1000, 0);

  const jitters = inbound.map((s) => num(s, 'jitter')).filter((v): v is number => v !== undefined);
  if (jitters.length > 0) result.jitterMs = round(Math.max(...jitters) * 1000);

  const isVideo = (s: StatLike) => s['kind'] === 'video' || s['mediaType'] === 'video';
  const isAudio = (s: StatLike) => s['kind'] === 'audio' || s['mediaType'] === 'audio';
  const vin = mainVideo(inbound.filter(isVideo));
  const vout = mainVideo(outbound.filter(isVideo));
  result.videoIn = videoFigures(vin, vin && previousOf(prev, vin), 'framesDecoded');
  result.videoOut = videoFigures(vout, vout && previousOf(prev, vout), 'framesEncoded');

  const aob = num(pair, 'availableOutgoingBitrate');
  if (aob !== undefined) result.availableOutgoingKbps = round(aob / 1000, 0);

  const audioCodec = codecOf(curr, [...outbound.filter(isAudio), ...inbound.filter(isAudio)]);
  const videoCodec = codecOf(curr, [...outbound.filter(isVideo), ...inbound.filter(isVideo)]);
  if (audioCodec) result.audioCodec = audioCodec;
  if (videoCodec) result.videoCodec = videoCodec;

  result.path = pathOf(curr, pair);
  result.quality = worstLevel([
    levelOf('lossPct', result.lossDownPct),
    levelOf('lossPct', result.lossUpPct),
    levelOf('rttMs', result.rttMs),
    levelOf('jitterMs', result.jitterMs),
  ]);
  return result;
}
