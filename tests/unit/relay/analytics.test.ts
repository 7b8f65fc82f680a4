import { describe, expect, it } from 'vitest';
import { CoarseHistogram, suppressSmall } from '../../../relay/analytics/coarse-histogram';
import { ConferenceStats } from '../../../relay/analytics/conference-stats';
import { QUALITY_WINDOW_MS, QualityAggregate } from '../../../relay/analytics/quality-aggregate';
import { RelayAnalytics } from '../../../relay/analytics/relay-analytics';
import { TurnRates } from '../../../relay/analytics/turn-figures';
import { RelayStats } from '../../../relay/stats';
import { parseQualityReport, QualityReportError } from '../../../src/protocol/quality-report';

describe('CoarseHistogram', () => {
  it('merges buckets holding 1 or 2 items into the next bound', () => {
    const h = new CoarseHistogram([10, 20, 30, 40]);
    for (const v of [5, 15, 16, 17, 25, 26, 35, 36, 37, 99]) h.observe(v);
    // Steps: ≤10:1 (merged), ≤20: 1+3=4, ≤30: 2 (merged), ≤40: 2+3=5, +Inf: 1 (always last).
    expect(h.published()).toEqual([
      { le: 20, cumulative: 4 },
      { le: 40, cumulative: 9 },
      { le: Infinity, cumulative: 10 },
    ]);
    expect(h.count).toBe(10);
    expect(h.sum).toBe(5 + 15 + 16 + 17 + 25 + 26 + 35 + 36 + 37 + 99);
  });

  it('publishes empty buckets (zero identifies nobody)', () => {
    const h = new CoarseHistogram([1, 2]);
    expect(h.published()).toEqual([
      { le: 1, cumulative: 0 },
      { le: 2, cumulative: 0 },
      { le: Infinity, cumulative: 0 },
    ]);
  });

  it('suppressSmall zeroes 1 and 2', () => {
    expect(suppressSmall([0, 1, 2, 3, 10])).toEqual([0, 0, 0, 3, 10]);
  });
});

describe('ConferenceStats', () => {
  it('counts conferences from first subscribe to last unsubscribe', () => {
    let t = 0;
    const c = new ConferenceStats(() => t);
    c.joined('a', 1);
    c.joined('a', 2);
    t = 1000;
    c.joined('b', 1);
    expect(c.figures()).toMatchObject({
      conferences: 2,
      participants: 3,
      largest_conference: 2,
      total_conferences_created: 2,
      total_conferences_completed: 0,
      total_participants: 3,
    });
    t = 90_000;
    c.left('a', 1);
    c.left('a', 0);
    const f = c.figures();
    expect(f).toMatchObject({ conferences: 1, participants: 1, total_conferences_completed: 1, total_conference_seconds: 90 });
    expect(c.durations.count).toBe(1);
    expect(c.sizes.sum).toBe(2);
  });

  it('conference_sizes has 15 slots, 14+ in the last, small counts suppressed', () => {
    const c = new ConferenceStats(() => 0);
    for (let room = 0; room < 3; room++) for (let n = 1; n <= 20; n++) c.joined(`big${room}`, n);
    for (let room = 0; room < 2; room++) c.joined(`solo${room}`, 1);
    for (let room = 0; room < 4; room++) {
      c.joined(`pair${room}`, 1);
      c.joined(`pair${room}`, 2);
    }
    const sizes = c.figures().conference_sizes;
    expect(sizes).toHaveLength(15);
    expect(sizes[14]).toBe(3);
    expect(sizes[1]).toBe(0); // two solo rooms: suppressed
    expect(sizes[2]).toBe(4);
  });
});

describe('QualityAggregate', () => {
  it('averages over a 5-minute window and forgets older reports', () => {
    let t = 0;
    const q = new QualityAggregate(() => t);
    q.add(parseQualityReport({ v: 1, topology: 'mesh', e2ee: true, peers: 2, rttMs: 100, lossDown: 0.1, videoTracks: 2 }));
    q.add(parseQualityReport({ v: 1, topology: 'relay', e2ee: false, peers: 2, rttMs: 200, lossDown: 0.3 }));
    q.reject();
    const f = q.figures(3);
    expect(f).toMatchObject({
      total_quality_reports: 2,
      total_quality_reports_rejected: 1,
      rtt_aggregate: 150,
      loss_rate_download: 0.2,
      videochannels: 6,
      e2ee_ratio: 0.5,
      topology: { mesh: 1, tree: 0, relay: 1 },
    });
    t = QUALITY_WINDOW_MS + 60_000;
    expect(q.figures(3)).toMatchObject({ quality_reports_window: 0, rtt_aggregate: 0, total_quality_reports: 2 });
  });
});

describe('parseQualityReport', () => {
  const ok = { v: 1, topology: 'mesh', e2ee: true, peers: 1, rttMs: 35.5, jitterMs: 3, lossUp: 0, frameRate: 30 };
  it('accepts a full report', () => {
    expect(parseQualityReport(ok)).toEqual(ok);
  });
  it.each([
    ['not an object', 'x'],
    ['extra field (could carry a name)', { ...ok, name: 'Ana' }],
    ['missing peers', { v: 1, topology: 'mesh', e2ee: true }],
    ['wrong version', { ...ok, v: 2 }],
    ['unknown topology', { ...ok, topology: 'sfu' }],
    ['non-boolean e2ee', { ...ok, e2ee: 'yes' }],
    ['loss above 1', { ...ok, lossUp: 1.5 }],
    ['negative rtt', { ...ok, rttMs: -1 }],
    ['string number', { ...ok, rttMs: '3' }],
    ['fractional peers', { ...ok, peers: 1.5 }],
    ['NaN-like', { ...ok, frameRate: null }],
  ])('rejects %s', (_label, value) => {
    expect(() => parseQualityReport(value)).toThrow(QualityReportError);
  });
});

describe('TurnRates', () => {
  it('maps TURN counters and derives rates over ≥5 s', () => {
    let t = 0;
    const counters = { allocationsCurrent: 2, allocationsTotal: 5, bytesFromPeers: 0, bytesToPeers: 0, packetsFromPeers: 0, packetsToPeers: 0 };
    const r = new TurnRates(() => ({ ...counters }), () => t);
    expect(r.figures()).toMatchObject({ turn_allocations_current: 2, total_ice_succeeded_relayed: 5, bit_rate_download: 0 });
    t = 10_000;
    Object.assign(counters, { bytesFromPeers: 1_250_000, bytesToPeers: 125_000, packetsFromPeers: 1000, packetsToPeers: 100 });
    expect(r.figures()).toMatchObject({ bit_rate_download: 1000, bit_rate_upload: 100, packet_rate_download: 100, packet_rate_upload: 10 });
  });

  it('reads zeros without a TURN server', () => {
    expect(new TurnRates(undefined).figures().turn_allocations_current).toBe(0);
  });
});

describe('RelayAnalytics / Prometheus', () => {
  it('renders valid exposition lines with the lunar_ prefix and no per-room labels', () => {
    const stats = new RelayStats();
    stats.connectionOpened('pubsub');
    stats.error('bad-json');
    const a = new RelayAnalytics({ stats });
    for (let i = 0; i < 4; i++) {
      a.conferences.joined(`room-${i}`, 1);
      a.conferences.left(`room-${i}`, 0);
    }
    const text = a.metrics();
    a.dispose();
    for (const line of text.trim().split('\n')) {
      if (line.startsWith('#')) expect(line).toMatch(/^# (HELP|TYPE) lunar_[a-z0-9_]+ /);
      else expect(line).toMatch(/^lunar_[a-z0-9_]+(\{[a-z]+="[^"]*"\})? (-?[0-9.e+]+|\+Inf|NaN)$/);
    }
    expect(text).toContain('lunar_websocket_connections{route="pubsub"} 1');
    expect(text).toContain('lunar_signalling_errors_total{code="bad-json"} 1');
    expect(text).toContain('lunar_conference_duration_seconds_bucket{le="60"} 4');
    expect(text).toContain('lunar_conference_duration_seconds_count 4');
    expect(text).not.toContain('room-');
  });
});
