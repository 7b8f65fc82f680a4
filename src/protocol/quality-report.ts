/**
 * Anonymous call-quality reports, sent by clients that have not opted out.
 *
 * Endpoint: `POST <relay>/report` with a JSON body of `QualityReport`
 * (`Content-Type: application/json`, or `text/plain` so `navigator.sendBeacon` needs no
 * CORS preflight). The relay answers `204` when the report was counted, `400` when it does
 * not validate, `413` over `MAX_QUALITY_REPORT_BYTES`, `429` when the client's address sends
 * more than a few per minute, `403` for an origin outside `ALLOWED_ORIGINS`, and `404` when
 * the deployment turned reports off. Send at most one report per call per minute.
 *
 * The schema is closed on purpose: only numbers, a topology enum and a boolean, so a report
 * can never carry a name, an id or a room. Unknown keys make the whole report invalid. The
 * relay keeps only aggregates (sums and counts) and never the report itself.
 * Pure code, shared by the relay (validates) and the app (builds).
 */
import { LunarError } from '../util/lunar-error';

export const QUALITY_REPORT_VERSION = 1;
export const MAX_QUALITY_REPORT_BYTES = 2048;
export const QUALITY_TOPOLOGIES = ['mesh', 'tree', 'relay'] as const;
export type QualityTopology = (typeof QUALITY_TOPOLOGIES)[number];

export interface QualityReport {
  v: typeof QUALITY_REPORT_VERSION;
  /** How this client's media flowed: full mesh, tree, or forced through TURN. */
  topology: QualityTopology;
  /** Media end-to-end encryption was on. */
  e2ee: boolean;
  /** Remote participants connected at report time. */
  peers: number;
  /** Mean round-trip time to the peers, milliseconds. */
  rttMs?: number;
  /** Mean inbound jitter, milliseconds. */
  jitterMs?: number;
  /** Fraction of inbound packets lost, 0..1. */
  lossDown?: number;
  /** Fraction of outbound packets reported lost by the peers, 0..1. */
  lossUp?: number;
  /** Total receive/send bitrate, kbit/s. */
  bitrateDownKbps?: number;
  bitrateUpKbps?: number;
  /** Mean decoded frame rate of the received video. */
  frameRate?: number;
  /** Tracks this client is receiving. */
  audioTracks?: number;
  videoTracks?: number;
}

export class QualityReportError extends LunarError<'invalid-quality-report'> {
  constructor(message: string) {
    super('invalid-quality-report', message);
    this.name = 'QualityReportError';
  }
}

type NumericKey = Exclude<{ [K in keyof QualityReport]-?: QualityReport[K] extends number | undefined ? K : never }[keyof QualityReport], 'v'>;

/** Inclusive bounds; anything outside is a broken or hostile client, not a bad network. */
export const QUALITY_BOUNDS: Readonly<Record<NumericKey, { min: number; max: number; integer?: boolean }>> = {
  peers: { min: 0, max: 1000, integer: true },
  rttMs: { min: 0, max: 60_000 },
  jitterMs: { min: 0, max: 60_000 },
  lossDown: { min: 0, max: 1 },
  lossUp: { min: 0, max: 1 },
  bitrateDownKbps: { min: 0, max: 1_000_000 },
  bitrateUpKbps: { min: 0, max: 1_000_000 },
  frameRate: { min: 0, max: 240 },
  audioTracks: { min: 0, max: 1000, integer: true },
  videoTracks: { min: 0, max: 1000, integer: true },
};

const REQUIRED = new Set(['v', 'topology', 'e2ee', 'peers']);
const KNOWN = new Set<string>(['v', 'topology', 'e2ee', ...Object.keys(QUALITY_BOUNDS)]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Throws QualityReportError unless `value` is exactly a QualityReport. */
export function parseQualityReport(value: unknown): QualityReport {
  if (!isRecord(value)) throw new QualityReportError('report must be a JSON object');
  for (const key of Object.keys(value)) {
    if (!KNOWN.has(key)) throw new QualityReportError('report has an unknown field');
  }
  for (const key of REQUIRED) {
    if (!(key in value)) throw new QualityReportError(`report.${key} is required`);
  }
  if (value.v !== QUALITY_REPORT_VERSION) throw new QualityReportError(`report.v must be ${QUALITY_REPORT_VERSION}`);
  if (typeof value.topology !== 'string' || !(QUALITY_TOPOLOGIES as readonly string[]).includes(value.topology)) {
    throw new QualityReportError(`report.topology must be one of ${QUALITY_TOPOLOGIES.join(', ')}`);
  }
  if (typeof value.e2ee !== 'boolean') throw new QualityReportError('report.e2ee must be a boolean');
  const report: QualityReport = { v: QUALITY_REPORT_VERSION, topology: value.topology as QualityTopology, e2ee: value.e2ee, peers: 0 };
  for (const [key, bound] of Object.entries(QUALITY_BOUNDS) as [NumericKey, (typeof QUALITY_BOUNDS)[NumericKey]][]) {
    const n = value[key];
    if (n === undefined) continue;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < bound.min || n > bound.max || (bound.integer && !Number.isInteger(n))) {
      throw new QualityReportError(`report.${key} must be a number in ${bound.min}..${bound.max}`);
    }
    report[key] = n;
  }
  return report;
}
