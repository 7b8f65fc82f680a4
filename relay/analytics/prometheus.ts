import type { CoarseHistogram } from './coarse-histogram';
import type { ConferenceStats } from './conference-stats';
import type { StatsDocument } from './relay-analytics';

type Kind = 'gauge' | 'counter' | 'histogram';

/**
 * Prometheus text exposition (format 0.0.4) of the same figures as `/stats`, prefixed
 * `lunar_`. Labels are only ever route names, error codes, topologies and bucket bounds:
 * never anything per room or per user.
 */
export function renderPrometheus(doc: StatsDocument, conferences: ConferenceStats): string {
  const out: string[] = [];
  const metric = (name: string, kind: Kind, help: string, samples: [labels: string, value: number][]): void => {
    out.push(`# HELP lunar_${name} ${help}`, `# TYPE lunar_${name} ${kind}`);
    for (const [labels, value] of samples) out.push(`lunar_${name}${labels} ${formatValue(value)}`);
  };
  const one = (name: string, kind: Kind, help: string, value: number): void => metric(name, kind, help, [['', value]]);

  one('uptime_seconds', 'gauge', 'Seconds since the relay started.', doc.uptime_seconds);
  one('conferences', 'gauge', 'Pub/sub topics with at least one subscriber.', doc.conferences);
  one('participants', 'gauge', 'Subscribers across all conferences.', doc.participants);
  one('largest_conference', 'gauge', 'Subscribers of the largest conference.', doc.largest_conference);
  metric(
    'conference_sizes',
    'gauge',
    'Current conferences by size (14 = 14 or more); counts below 3 are published as 0.',
    doc.conference_sizes.map((n, i) => [`{size="${i}"}`, n]),
  );
  one('conferences_created_total', 'counter', 'Conferences started.', doc.total_conferences_created);
  one('conferences_completed_total', 'counter', 'Conferences whose last participant left.', doc.total_conferences_completed);
  one('conference_seconds_total', 'counter', 'Summed duration of completed conferences.', doc.total_conference_seconds);
  one('participants_total', 'counter', 'Subscriptions ever made.', doc.total_participants);
  histogram(out, 'conference_duration_seconds', 'Duration of completed conferences (sparse buckets merged).', conferences.durations);
  histogram(out, 'conference_size', 'Peak participants of completed conferences (sparse buckets merged).', conferences.sizes);
  one('peerjs_peers', 'gauge', 'Connected PeerJS clients.', doc.peerjs_peers);
  one('peerjs_queued_messages', 'gauge', 'Messages waiting for a PeerJS client to connect.', doc.peerjs_queued_messages);

  const routes = Object.entries(doc.websockets);
  metric('websocket_connections', 'gauge', 'Open WebSocket connections.', routes.map(([r, f]) => [`{route="${r}"}`, f.connections]));
  metric('websocket_connections_total', 'counter', 'WebSocket connections accepted.', routes.map(([r, f]) => [`{route="${r}"}`, f.connections_total]));
  metric('websocket_messages_received_total', 'counter', 'Signalling messages received.', routes.map(([r, f]) => [`{route="${r}"}`, f.messages_received]));
  metric('websocket_messages_sent_total', 'counter', 'Signalling messages sent.', routes.map(([r, f]) => [`{route="${r}"}`, f.messages_sent]));
  metric(
    'signalling_errors_total',
    'counter',
    'Signalling errors by code.',
    Object.entries(doc.signalling_errors).map(([code, n]) => [`{code="${escapeLabel(code)}"}`, n]),
  );

  one('turn_allocations', 'gauge', 'Current TURN allocations.', doc.turn_allocations_current);
  one('turn_allocations_total', 'counter', 'TURN allocations ever made.', doc.turn_allocations_total);
  one('turn_relayed_bytes_in_total', 'counter', 'Bytes received from peers on relayed addresses.', doc.turn_relayed_bytes_in);
  one('turn_relayed_bytes_out_total', 'counter', 'Bytes sent to peers from relayed addresses.', doc.turn_relayed_bytes_out);
  one('turn_relayed_packets_in_total', 'counter', 'Packets received from peers on relayed addresses.', doc.turn_relayed_packets_in);
  one('turn_relayed_packets_out_total', 'counter', 'Packets sent to peers from relayed addresses.', doc.turn_relayed_packets_out);
  one('bit_rate_download_kbps', 'gauge', 'TURN receive bitrate.', doc.bit_rate_download);
  one('bit_rate_upload_kbps', 'gauge', 'TURN send bitrate.', doc.bit_rate_upload);
  one('packet_rate_download', 'gauge', 'TURN receive packets per second.', doc.packet_rate_download);
  one('packet_rate_upload', 'gauge', 'TURN send packets per second.', doc.packet_rate_upload);

  one('threads', 'gauge', 'OS threads of the relay process.', doc.threads);
  one('event_loop_lag_ms', 'gauge', 'Mean event-loop delay since the previous scrape.', doc.event_loop_lag_ms);
  one('event_loop_lag_p99_ms', 'gauge', '99th percentile event-loop delay since the previous scrape.', doc.event_loop_lag_p99_ms);
  one('memory_rss_bytes', 'gauge', 'Resident set size.', doc.memory_rss_bytes);
  one('memory_heap_used_bytes', 'gauge', 'V8 heap in use.', doc.memory_heap_used_bytes);

  one('quality_reports_total', 'counter', 'Client quality reports accepted.', doc.total_quality_reports);
  one('quality_reports_rejected_total', 'counter', 'Client quality reports that did not validate.', doc.total_quality_reports_rejected);
  one('quality_reports_window', 'gauge', 'Reports in the 5-minute aggregation window.', doc.quality_reports_window);
  one('rtt_aggregate_ms', 'gauge', 'Mean reported RTT (5-minute window).', doc.rtt_aggregate);
  one('jitter_aggregate_ms', 'gauge', 'Mean reported jitter (5-minute window).', doc.jitter_aggregate);
  one('loss_rate_download', 'gauge', 'Mean reported inbound loss fraction.', doc.loss_rate_download);
  one('loss_rate_upload', 'gauge', 'Mean reported outbound loss fraction.', doc.loss_rate_upload);
  one('frame_rate_mean', 'gauge', 'Mean reported received frame rate.', doc.frame_rate_mean);
  one('audiochannels', 'gauge', 'Estimated audio channels (mean per client x participants).', doc.audiochannels);
  one('videochannels', 'gauge', 'Estimated video channels (mean per client x participants).', doc.videochannels);
  one('e2ee_ratio', 'gauge', 'Fraction of reports with E2EE on.', doc.e2ee_ratio);
  metric(
    'quality_reports_by_topology_total',
    'counter',
    'Accepted reports by media topology.',
    Object.entries(doc.topology).map(([t, n]) => [`{topology="${t}"}`, n]),
  );

  const w = doc.webhooks;
  one('webhooks_delivered_total', 'counter', 'Webhook POSTs answered 2xx.', w.delivered);
  one('webhooks_failed_total', 'counter', 'Webhook deliveries given up after retries.', w.failed);
  one('webhooks_retried_total', 'counter', 'Webhook delivery retries.', w.retried);
  one('webhooks_dropped_total', 'counter', 'Webhook events dropped because the queue was full.', w.dropped);
  one('webhooks_queued', 'gauge', 'Webhook deliveries waiting.', w.queued);
  return out.join('\n') + '\n';
}

function histogram(out: string[], name: string, help: string, h: CoarseHistogram): void {
  out.push(`# HELP lunar_${name} ${help}`, `# TYPE lunar_${name} histogram`);
  for (const b of h.published()) out.push(`lunar_${name}_bucket{le="${b.le === Infinity ? '+Inf' : b.le}"} ${b.cumulative}`);
  out.push(`lunar_${name}_sum ${formatValue(Math.round(h.sum))}`, `lunar_${name}_count ${h.count}`);
}

function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

function escapeLabel(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
