/**
 * In-memory counters for operators. Holds numbers only: no peer ids, topics, tokens or
 * addresses ever reach this module, so exposing a snapshot cannot leak who talks to whom.
 */
export type RouteName = 'peerjs' | 'pubsub';

export const ROUTE_NAMES: readonly RouteName[] = ['peerjs', 'pubsub'];

export interface RouteStats {
  connectionsOpen: number;
  connectionsTotal: number;
  messagesReceived: number;
  messagesSent: number;
}

export interface RelayStatsSnapshot {
  startedAt: number;
  uptimeMs: number;
  routes: Record<RouteName, RouteStats>;
  /** Count per RelayError code (plus ws-level failures mapped onto codes). */
  errors: Record<string, number>;
  pubsub: { topics: number; subscriptions: number; largestTopic: number };
  peerjs: { peers: number; queuedMessages: number };
}

/** Live values owned by the route handlers, read only when a snapshot is taken. */
export interface StatsGauges {
  pubsub(): RelayStatsSnapshot['pubsub'];
  peerjs(): RelayStatsSnapshot['peerjs'];
}

export class RelayStats {
  private readonly routes: Record<RouteName, RouteStats> = {
    peerjs: emptyRoute(),
    pubsub: emptyRoute(),
  };
  private readonly errors = new Map<string, number>();
  private gauges: StatsGauges | null = null;

  constructor(
    private readonly now: () => number = Date.now,
    readonly startedAt: number = now(),
  ) {}

  setGauges(gauges: StatsGauges): void {
    this.gauges = gauges;
  }

  connectionOpened(route: RouteName): void {
    this.routes[route].connectionsOpen += 1;
    this.routes[route].connectionsTotal += 1;
  }

  connectionClosed(route: RouteName): void {
    this.routes[route].connectionsOpen -= 1;
  }

  received(route: RouteName): void {
    this.routes[route].messagesReceived += 1;
  }

  sent(route: RouteName): void {
    this.routes[route].messagesSent += 1;
  }

  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  snapshot(): RelayStatsSnapshot {
    return {
      startedAt: this.startedAt,
      uptimeMs: this.now() - this.startedAt,
      routes: { peerjs: { ...this.routes.peerjs }, pubsub: { ...this.routes.pubsub } },
      errors: Object.fromEntries(this.errors),
      pubsub: this.gauges?.pubsub() ?? { topics: 0, subscriptions: 0, largestTopic: 0 },
      peerjs: this.gauges?.peerjs() ?? { peers: 0, queuedMessages: 0 },
    };
  }
}

function emptyRoute(): RouteStats {
  return { connectionsOpen: 0, connectionsTotal: 0, messagesReceived: 0, messagesSent: 0 };
}
