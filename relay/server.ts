import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { fanOutObserver } from './analytics/conference-stats';
import type { TopicObserver } from './analytics/conference-stats';
import { RelayAnalytics } from './analytics/relay-analytics';
import { createJwtVerifier, JWT_PARAM } from './auth/jwt-verifier';
import type { JwtVerifier } from './auth/jwt-verifier';
import type { ClusterBus } from './cluster/cluster-bus';
import { RedisClusterBus } from './cluster/redis-cluster-bus';
import { ANY_ROOM } from './connection';
import type { AccessGrant, Route } from './connection';
import { guardSocket } from './connection-guard';
import type { GuardDeps, GuardedSocket } from './connection-guard';
import { RelayError } from './errors';
import { createHttpHandler } from './http/http-routes';
import { IpRateLimiter } from './http/ip-rate-limiter';
import { handleStatsRequest } from './http/ops-routes';
import { OriginPolicy } from './http/origin-policy';
import { sendText } from './http/response-headers';
import { resolveRelayOptions } from './options';
import type { RelayOptionsInput } from './options';
import { createPeerjsRoute } from './peerjs/peerjs-route';
import { createPubsubRoute } from './pubsub/pubsub-route';
import { RelayStats } from './stats';
import type { RelayStatsSnapshot } from './stats';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhookEvents } from './webhooks/webhook-events';

export interface Relay {
  /** Base http URL, e.g. `http://127.0.0.1:8080`; WebSocket routes are `/peerjs` and `/yjs`. */
  url: string;
  port: number;
  /** Where `/stats` and `/metrics` are served: `url`, or the `STATS_PORT` listener. */
  statsUrl: string;
  /** Terminates every socket and stops listening. Idempotent. */
  close(): Promise<void>;
  stats(): RelayStatsSnapshot;
  readonly analytics: RelayAnalytics;
  /** Present when webhooks are configured (tests wait on `idle()`). */
  readonly webhooks: WebhookDispatcher | null;
}

/** WebSocket pathnames. The PeerJS client (path '/') appends `peerjs`; y-webrtc takes a full URL. */
export const WS_PATHS = { peerjs: '/peerjs', pubsub: '/yjs' } as const;

export async function createRelay(input: RelayOptionsInput = {}): Promise<Relay> {
  const options = resolveRelayOptions(input);
  const { limits } = options;
  const verifier: JwtVerifier | null = options.auth ? await createJwtVerifier(options.auth) : null;
  const bus: ClusterBus | null = options.redisUrl ? await RedisClusterBus.connect(options.redisUrl) : null;
  const stats = new RelayStats();
  const webhooks =
    options.webhookUrls.length > 0 && options.webhookSecret !== null
      ? new WebhookDispatcher({ urls: options.webhookUrls, secret: options.webhookSecret })
      : null;
  const analytics = new RelayAnalytics({ stats, turnStats: options.turnStats, webhookStats: webhooks ? () => webhooks.stats() : undefined });
  const observers: TopicObserver[] = [analytics.conferences];
  if (webhooks) observers.push(new WebhookEvents((e) => webhooks.enqueue(e)));

  const peerjs = createPeerjsRoute({ limits, bus: bus ?? undefined });
  const pubsub = createPubsubRoute(limits, { observer: fanOutObserver(observers), bus: bus ?? undefined });
  stats.setGauges({
    peerjs: () => ({ peers: peerjs.peerCount(), queuedMessages: peerjs.queuedCount() }),
    pubsub: () => pubsub.counts(),
  });
  const routes = new Map<string, Route>([
    [WS_PATHS.peerjs, peerjs],
    [WS_PATHS.pubsub, pubsub],
  ]);
  const origins = new OriginPolicy(options.allowedOrigins);
  const reportLimiter = new IpRateLimiter(options.reportsPerMinute, options.reportsPerMinute);

  const server = http.createServer(
    createHttpHandler(options, { analytics, origins, reportLimiter, serveStats: options.statsPort === null, statsToken: options.statsToken }),
  );
  // No client tracking (ws would add a closure and a listener per socket): `sockets` is ours.
  // Compression stays off: signalling messages are small, and zlib contexts cost per socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, clientTracking: false, perMessageDeflate: false });
  const sockets = new Set<GuardedSocket>();

  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  wss.on('error', () => stats.error('socket-error'));

  const refuse = (socket: Duplex, status: string, code: string): void => {
    stats.error(code);
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  };

  /**
   * Outside the upgrade handler on purpose: a socket's lifetime closures must not capture
   * the upgrade request (headers, URL, head buffer), or every idle socket would keep them.
   */
  const guardDeps: GuardDeps = { limits, stats, log: options.log, grant: ANY_ROOM };
  const forget = (s: GuardedSocket): void => {
    sockets.delete(s);
  };
  const adopt = (ws: WebSocket, route: Route, params: URLSearchParams, grant: AccessGrant): void => {
    // Shared by every socket unless a token narrowed the grant.
    const deps = grant === ANY_ROOM ? guardDeps : { ...guardDeps, grant };
    sockets.add(guardSocket(ws, route, params, deps, forget));
  };

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until ws owns the socket, a reset connection must not become an uncaught error. A
    // module-level listener, removed at hand-off: a closure here would keep this request's
    // headers and URL alive for the socket's whole life.
    socket.on('error', destroyOnError);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://relay.invalid');
    } catch {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    const route = routes.get(url.pathname);
    if (!route) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!origins.allows(req)) {
      refuse(socket, '403 Forbidden', 'forbidden-origin');
      return;
    }
    const upgrade = (grant: AccessGrant): void => {
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('error', destroyOnError);
        adopt(ws, route, url.searchParams, grant);
      });
    };
    if (!verifier) {
      upgrade(ANY_ROOM);
      return;
    }
    verifier.verify(url.searchParams.get(JWT_PARAM)).then(upgrade, (err: unknown) => {
      refuse(socket, '401 Unauthorized', err instanceof RelayError ? err.code : 'unauthorized');
    });
  });

  const heartbeat = setInterval(() => {
    for (const s of [...sockets]) s.heartbeat();
  }, limits.heartbeatIntervalMs);
  heartbeat.unref();

  const port = await listen(server, options.port, options.host);
  const url = `http://${displayHost(options.host)}:${port}`;

  let statsServer: http.Server | null = null;
  let statsUrl = url;
  if (options.statsPort !== null) {
    const deps = { analytics, token: options.statsToken };
    statsServer = http.createServer((req, res) => {
      let pathname = '/';
      try {
        pathname = new URL(req.url ?? '/', 'http://relay.invalid').pathname;
      } catch {
        // Falls through to 404.
      }
      if (!handleStatsRequest(deps, req, res, pathname)) sendText(res, 404, 'text/plain; charset=utf-8', 'not found');
    });
    const host = options.statsHost ?? options.host;
    statsUrl = `http://${displayHost(host)}:${await listen(statsServer, options.statsPort, host)}`;
  }

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(heartbeat);
      for (const s of [...sockets]) s.terminate();
      sockets.clear();
      peerjs.dispose();
      pubsub.dispose();
      webhooks?.close();
      analytics.dispose();
      reportLimiter.clear();
      wss.close();
      const closed = [new Promise<void>((resolve) => server.close(() => resolve()))];
      server.closeAllConnections();
      if (statsServer) {
        const s = statsServer;
        closed.push(new Promise<void>((resolve) => s.close(() => resolve())));
        s.closeAllConnections();
      }
      await Promise.all(closed);
      await bus?.close();
    })();
    return closing;
  };

  return { url, port, statsUrl, close, stats: () => stats.snapshot(), analytics, webhooks };
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** A wildcard bind is not an address a browser can open. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
