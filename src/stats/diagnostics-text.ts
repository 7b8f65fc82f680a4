/**
 * Human-readable rows for the connection panel and the "Copy diagnostics" export. Built only
 * from `ConnectionStats` figures, which carry no ids or names; peers are numbered, never named.
 */
import { levelOf, type ConnectionStats, type QualityLevel, type VideoFigures } from './connection-stats';

/** Same states as the tile badge; a closed set so free text (a name) cannot slip into the export. */
export type E2eeState = 'encrypted' | 'not-verified' | 'decrypt-errors' | 'off';

export interface StatsRow {
  label: string;
  value: string;
  /** Set for figures that have thresholds (colour-coded). */
  level?: QualityLevel;
}

const dash = '–';

function fmt(v: number | undefined, unit: string): string {
  return v === undefined ? dash : `${v} ${unit}`;
}

function video(v: VideoFigures): string {
  const res = v.width !== undefined && v.height !== undefined ? `${v.width}×${v.height}` : dash;
  return v.fps === undefined ? res : `${res} @ ${v.fps} fps`;
}

export function statsRows(s: ConnectionStats, e2ee?: E2eeState): StatsRow[] {
  const rows: StatsRow[] = [
    { label: 'Quality', value: s.quality, level: s.quality },
    { label: 'Bitrate up', value: fmt(s.bitrateUpKbps, 'kbps') },
    { label: 'Bitrate down', value: fmt(s.bitrateDownKbps, 'kbps') },
    { label: 'Packet loss down', value: fmt(s.lossDownPct, '%'), level: levelOf('lossPct', s.lossDownPct) },
    { label: 'Packet loss up', value: fmt(s.lossUpPct, '%'), level: levelOf('lossPct', s.lossUpPct) },
    { label: 'Round trip', value: fmt(s.rttMs, 'ms'), level: levelOf('rttMs', s.rttMs) },
    { label: 'Jitter', value: fmt(s.jitterMs, 'ms'), level: levelOf('jitterMs', s.jitterMs) },
    { label: 'Video in', value: video(s.videoIn) },
    { label: 'Video out', value: video(s.videoOut) },
    { label: 'Estimated bandwidth', value: fmt(s.availableOutgoingKbps, 'kbps') },
    { label: 'Audio codec', value: s.audioCodec ?? dash },
    { label: 'Video codec', value: s.videoCodec ?? dash },
    { label: 'Path', value: s.path === 'relayed' ? 'relayed (TURN)' : s.path },
  ];
  if (e2ee !== undefined) rows.push({ label: 'E2EE', value: e2ee });
  return rows;
}

/** What the diagnostics export says about the browser, without a fingerprintable user agent. */
export interface DiagnosticsContext {
  /** e.g. new Date().toISOString(); omitted when not given so tests are deterministic. */
  at?: string;
  /** E2EE state per peer, same order as the stats. */
  e2ee?: (E2eeState | undefined)[];
}

/**
 * Plain-text export of the figures for every peer, numbered "Peer 1", "Peer 2"… in the order
 * given. Contains no stats ids, names, addresses or room identifiers: only the figures.
 */
export function diagnosticsText(stats: readonly ConnectionStats[], ctx: DiagnosticsContext = {}): string {
  const lines = ['Lunar Chat connection diagnostics'];
  if (ctx.at) lines.push(`Taken: ${ctx.at}`);
  lines.push(`Peers: ${stats.length}`);
  stats.forEach((s, i) => {
    lines.push('', `Peer ${i + 1}`);
    for (const row of statsRows(s, ctx.e2ee?.[i])) lines.push(`  ${row.label}: ${row.value}`);
  });
  return `${lines.join('\n')}\n`;
}
