import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Route } from './connection';
import { guardSocket } from './connection-guard';
import type { GuardedSocket } from './connection-guard';
import { createHttpHandler } from './http/http-routes';
import { resolveRelayOptions } from './options';
import type { RelayOptionsInput } from './options';
import { createPeerjsRoute } from './peerjs/peerjs-route';
import { createPubsubRoute } from './pubsub/pubsub-route';
import { RelayStats } from './stats';
import type { RelayStatsSnapshot } from './stats';

export interface Relay {
  /** Base http URL, e.g. `http://127.0.0.1:8080`; WebSocket routes are `/peerjs` and `/yjs`. */
  url: string;
  port: number;
  /** Terminates every socket and stops listening. Idempotent. */
  close(): Promise<void>;
  stats(): RelayStatsSnapshot;
}

/** WebSocket pathnames. The PeerJS client (path '/') appends `peerjs`; y-webrtc takes a full URL. */
export const WS_PATHS = { peerjs: '/peerjs', pubsub: '/yjs' } as const;

export async function createRelay(input: RelayOptionsInput = {}): Promise<Relay> {
  const options = resolveRelayOptions(input);
  const { limits } = options;
  const stats = new RelayStats();
  const peerjs = createPeerjsRoute({ limits });
  const pubsub = createPubsubRoute(limits);
  stats.setGauges({
    peerjs: () => ({ peers: peerjs.peerCount(), queuedMessages: peerjs.queuedCount() }),
    pubsub: () => pubsub.counts(),
  });
  const routes = new Map<string, Route>([
    [WS_PATHS.peerjs, peerjs],
    [WS_PATHS.pubsub, pubsub],
  ]);

  const server = http.createServer(createHttpHandler(options));
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const sockets = new Set<GuardedSocket>();

  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  wss.on('error', () => stats.error('socket-error'));

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until ws owns the socket, a reset connection must not become an uncaught error.
    socket.on('error', () => socket.destroy());
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
    wss.handleUpgrade(req, socket, head, (ws) => {
      const guarded = guardSocket(ws, route, url.searchParams, { limits, stats, log: options.log }, () => sockets.delete(guarded));
      sockets.add(guarded);
    });
  });

  const heartbeat = setInterval(() => {
    for (const s of [...sockets]) s.heartbeat();
  }, limits.heartbeatIntervalMs);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${displayHost(options.host)}:${port}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearInterval(heartbeat);
      for (const s of [...sockets]) s.terminate();
      sockets.clear();
      peerjs.dispose();
      pubsub.dispose();
      wss.close();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  return { url, port, close, stats: () => stats.snapshot() };
}

/** A wildcard bind is not an address a browser can open. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
