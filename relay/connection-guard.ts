import type { WebSocket } from 'ws';
import type { Connection, ConnectionHandler, Route } from './connection';
import { RelayError, toRelayError } from './errors';
import type { RelayLimits } from './options';
import type { RelayStats } from './stats';
import { TokenBucket } from './token-bucket';

/** Policy violation: used for sustained flooding. */
export const CLOSE_POLICY = 1008;

export interface GuardedSocket {
  /** Called on every heartbeat tick: pings, or terminates a socket that missed the last pong. */
  heartbeat(): void;
  terminate(): void;
}

export interface GuardDeps {
  limits: RelayLimits;
  stats: RelayStats;
  /** Only bugs reach the log (never client data): an `internal` error means a handler threw unexpectedly. */
  log?: (line: string) => void;
  now?: () => number;
}

/**
 * The one place that touches raw `ws` sockets for both signalling routes. It owns every
 * way a client can hurt the process: socket errors (oversized frames included), binary
 * frames, invalid JSON, floods, clients that stop reading, and dead peers. Routes only
 * ever see parsed JSON and a `Connection` that cannot throw.
 */
export function guardSocket(
  ws: WebSocket,
  route: Route,
  params: URLSearchParams,
  deps: GuardDeps,
  onGone: () => void,
): GuardedSocket {
  const { limits, stats } = deps;
  const now = deps.now ?? Date.now;
  const bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst, now);
  // Rejected messages draw on a second, slower bucket; running it dry is "sustained abuse".
  const strikes = new TokenBucket(limits.ratePerSecond / 10, limits.abuseBurst, now);
  let alive = true;
  let gone = false;

  const conn: Connection = {
    get isOpen() {
      return ws.readyState === ws.OPEN;
    },
    send(message) {
      conn.sendText(JSON.stringify(message));
    },
    sendText(text) {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > limits.maxBufferedBytes) {
        // A client that does not read would make us buffer without bound. A close frame
        // would queue behind the same backlog, so cut the TCP connection instead.
        stats.error('backpressure');
        ws.terminate();
        return;
      }
      try {
        ws.send(text);
        stats.sent(route.name);
      } catch {
        stats.error('socket-error');
        ws.terminate();
      }
    },
    close(code = 1000, reason = '') {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
    },
  };

  const replyError = (err: RelayError): void => {
    stats.error(err.code);
    if (err.code === 'internal') deps.log?.(`relay: internal error on ${route.name}: ${describe(err.cause)}`);
    conn.send(route.formatError(err));
  };

  ws.on('error', (err: Error & { code?: string }) => {
    // ws has already decided to close the socket; we only must not let the error escape.
    stats.error(err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'frame-too-large' : 'socket-error');
  });
  ws.on('pong', () => {
    alive = true;
  });

  stats.connectionOpened(route.name);
  let handler: ConnectionHandler | null = null;
  try {
    handler = route.accept(conn, params);
  } catch (err) {
    const error = toRelayError(err);
    replyError(error);
    conn.close(error.code === 'internal' ? 1011 : CLOSE_POLICY, error.code);
  }

  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    alive = true;
    if (handler === null) return;
    stats.received(route.name);
    if (!bucket.take()) {
      if (!strikes.take()) {
        stats.error('rate-limited');
        conn.close(CLOSE_POLICY, 'rate limit exceeded');
        return;
      }
      replyError(new RelayError('rate-limited', 'too many messages; slow down'));
      return;
    }
    if (isBinary) {
      replyError(new RelayError('binary-not-supported', 'only text frames are accepted'));
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(toText(data));
    } catch (cause) {
      replyError(new RelayError('bad-json', 'message is not valid JSON', { cause }));
      return;
    }
    try {
      handler.onMessage(value);
    } catch (err) {
      replyError(toRelayError(err));
    }
  });

  ws.on('close', () => {
    if (gone) return;
    gone = true;
    stats.connectionClosed(route.name);
    try {
      handler?.onClose();
    } finally {
      onGone();
    }
  });

  return {
    heartbeat() {
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    },
    terminate() {
      ws.terminate();
    },
  };
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : 'non-error thrown';
}

function toText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
