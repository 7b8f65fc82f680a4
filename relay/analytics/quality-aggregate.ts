import type { QualityReport, QualityTopology } from '../../src/protocol/quality-report';
import { QUALITY_TOPOLOGIES } from '../../src/protocol/quality-report';

/** Reports older than this no longer count towards the current figures. */
export const QUALITY_WINDOW_MS = 5 * 60_000;
const SLOTS = 5;

type Field = 'rttMs' | 'jitterMs' | 'lossDown' | 'lossUp' | 'bitrateDownKbps' | 'bitrateUpKbps' | 'frameRate' | 'audioTracks' | 'videoTracks';
const FIELDS: readonly Field[] = ['rttMs', 'jitterMs', 'lossDown', 'lossUp', 'bitrateDownKbps', 'bitrateUpKbps', 'frameRate', 'audioTracks', 'videoTracks'];

interface Slot {
  start: number;
  reports: number;
  e2ee: number;
  sums: Record<Field, number>;
  counts: Record<Field, number>;
}

export interface QualityFigures {
  total_quality_reports: number;
  total_quality_reports_rejected: number;
  /** Reports in the current window. */
  quality_reports_window: number;
  rtt_aggregate: number;
  jitter_aggregate: number;
  loss_rate_download: number;
  loss_rate_upload: number;
  bitrate_download_mean_kbps: number;
  bitrate_upload_mean_kbps: number;
  frame_rate_mean: number;
  /** Estimates: mean tracks per reporting client × current participants. */
  audiochannels: number;
  videochannels: number;
  videostreams: number;
  e2ee_ratio: number;
  topology: Record<QualityTopology, number>;
}

/**
 * Keeps call quality as sums and counts in one-minute slots, never the reports: nothing
 * here can be tied back to a client, and memory is constant whatever clients send.
 */
export class QualityAggregate {
  private readonly slots: Slot[] = [];
  private total = 0;
  private rejected = 0;
  private readonly topology: Record<QualityTopology, number> = Object.fromEntries(QUALITY_TOPOLOGIES.map((t) => [t, 0])) as Record<QualityTopology, number>;

  constructor(private readonly now: () => number = Date.now) {}

  add(report: QualityReport): void {
    const slot = this.currentSlot();
    slot.reports += 1;
    if (report.e2ee) slot.e2ee += 1;
    for (const f of FIELDS) {
      const v = report[f];
      if (v === undefined) continue;
      slot.sums[f] += v;
      slot.counts[f] += 1;
    }
    this.total += 1;
    this.topology[report.topology] += 1;
  }

  reject(): void {
    this.rejected += 1;
  }

  figures(participants: number): QualityFigures {
    this.prune();
    const sums = zero();
    const counts = zero();
    let reports = 0;
    let e2ee = 0;
    for (const s of this.slots) {
      reports += s.reports;
      e2ee += s.e2ee;
      for (const f of FIELDS) {
        sums[f] += s.sums[f];
        counts[f] += s.counts[f];
      }
    }
    const mean = (f: Field): number => (counts[f] === 0 ? 0 : round(sums[f] / counts[f]));
    return {
      total_quality_reports: this.total,
      total_quality_reports_rejected: this.rejected,
      quality_reports_window: reports,
      rtt_aggregate: mean('rttMs'),
      jitter_aggregate: mean('jitterMs'),
      loss_rate_download: mean('lossDown'),
      loss_rate_upload: mean('lossUp'),
      bitrate_download_mean_kbps: mean('bitrateDownKbps'),
      bitrate_upload_mean_kbps: mean('bitrateUpKbps'),
      frame_rate_mean: mean('frameRate'),
      audiochannels: Math.round(mean('audioTracks') * participants),
      videochannels: Math.round(mean('videoTracks') * participants),
      videostreams: Math.round(mean('videoTracks') * participants),
      e2ee_ratio: reports === 0 ? 0 : round(e2ee / reports),
      topology: { ...this.topology },
    };
  }

  private currentSlot(): Slot {
    const t = this.now();
    const start = t - (t % (QUALITY_WINDOW_MS / SLOTS));
    this.prune();
    const last = this.slots[this.slots.length - 1];
    if (last && last.start === start) return last;
    const slot: Slot = { start, reports: 0, e2ee: 0, sums: zero(), counts: zero() };
    this.slots.push(slot);
    return slot;
  }

  private prune(): void {
    const cutoff = this.now() - QUALITY_WINDOW_MS;
    while (this.slots.length > 0 && this.slots[0]!.start <= cutoff) this.slots.shift();
  }
}

function zero(): Record<Field, number> {
  return Object.fromEntries(FIELDS.map((f) => [f, 0])) as Record<Field, number>;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
