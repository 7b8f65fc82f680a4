import type { RelayStats, RouteName } from '../stats';
import { ROUTE_NAMES } from '../stats';
import { ConferenceStats } from './conference-stats';
import type { ConferenceFigures } from './conference-stats';
import { ProcessStats } from './process-stats';
import type { ProcessFigures } from './process-stats';
import { renderPrometheus } from './prometheus';
import { QualityAggregate } from './quality-aggregate';
import type { QualityFigures } from './quality-aggregate';
import { TurnRates } from './turn-figures';
import type { TurnCounters, TurnFigures } from './turn-figures';

export interface WebsocketFigures {
  connections: number;
  connections_total: number;
  messages_received: number;
  messages_sent: number;
}

/** Delivery counters of the webhook dispatcher (all zero when webhooks are off). */
export interface WebhookFigures {
  delivered: number;
  failed: number;
  retried: number;
  dropped: number;
  queued: number;
}

export interface StatsDocument extends ConferenceFigures, TurnFigures, ProcessFigures, QualityFigures {
  current_timestamp: string;
  uptime_seconds: number;
  peerjs_peers: number;
  peerjs_queued_messages: number;
  websockets: Record<RouteName, WebsocketFigures>;
  /** Count per RelayError code. */
  signalling_errors: Record<string, number>;
  webhooks: WebhookFigures;
}

export interface AnalyticsDeps {
  stats: RelayStats;
  turnStats?: () => TurnCounters;
  webhookStats?: () => WebhookFigures;
  now?: () => number;
}

/**
 * Everything `/stats` and `/metrics` publish, computed only from what the relay already
 * sees: subscriber counts per (hashed) topic, socket counters, TURN counters and
 * aggregated client reports. No field can hold a topic, id, name or address.
 */
export class RelayAnalytics {
  readonly conferences: ConferenceStats;
  readonly quality: QualityAggregate;
  private readonly process = new ProcessStats();
  private readonly turn: TurnRates;
  private readonly now: () => number;

  constructor(private readonly deps: AnalyticsDeps) {
    this.now = deps.now ?? Date.now;
    this.conferences = new ConferenceStats(this.now);
    this.quality = new QualityAggregate(this.now);
    this.turn = new TurnRates(deps.turnStats, this.now);
  }

  document(): StatsDocument {
    const snap = this.deps.stats.snapshot();
    const conf = this.conferences.figures();
    const websockets = Object.fromEntries(
      ROUTE_NAMES.map((r) => {
        const s = snap.routes[r];
        const figures: WebsocketFigures = {
          connections: s.connectionsOpen,
          connections_total: s.connectionsTotal,
          messages_received: s.messagesReceived,
          messages_sent: s.messagesSent,
        };
        return [r, figures];
      }),
    ) as Record<RouteName, WebsocketFigures>;
    return {
      current_timestamp: new Date(this.now()).toISOString(),
      uptime_seconds: Math.round(snap.uptimeMs / 1000),
      ...conf,
      peerjs_peers: snap.peerjs.peers,
      peerjs_queued_messages: snap.peerjs.queuedMessages,
      websockets,
      signalling_errors: snap.errors,
      ...this.turn.figures(),
      ...this.process.figures(),
      ...this.quality.figures(conf.participants),
      webhooks: this.deps.webhookStats?.() ?? { delivered: 0, failed: 0, retried: 0, dropped: 0, queued: 0 },
    };
  }

  metrics(): string {
    return renderPrometheus(this.document(), this.conferences);
  }

  dispose(): void {
    this.process.dispose();
  }
}
