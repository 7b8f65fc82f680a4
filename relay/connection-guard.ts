import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { AccessGrant, Connection, ConnectionHandler, Route } from './connection';
import { RelayError, toRelayError } from './errors';
import type { RelayLimits } from './options';
import type { RelayStats } from './stats';
import { TokenBucket } from './token-bucket';

/** Policy violation: used for sustained flooding. */
export const CLOSE_POLICY = 1008;

export interface GuardedSocket {
  /** Called on every heartbeat tick: pings, or terminates a socket silent since the last ping. */
  heartbeat(): void;
  terminate(): void;
}

export interface GuardDeps {
  limits: RelayLimits;
  stats: RelayStats;
  /** Only bugs reach the log (never client data): an `internal` error means a handler threw unexpectedly. */
  log?: (line: string) => void;
  now?: () => number;
  /** What the upgrade's token allows (default: everything, when auth is off). */
  grant?: AccessGrant;
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
  onGone: (socket: GuardedSocket) => void,
): GuardedSocket {
  return new GuardedConnection(ws, route, params, deps, onGone);
}

/** ws's underlying net.Socket: used to coalesce writes and to see whether anything arrived. */
type RawSocket = Pick<Socket, 'cork' | 'uncork' | 'bytesRead'>;

function rawSocket(ws: WebSocket): RawSocket | undefined {
  return (ws as unknown as { _socket?: RawSocket })._socket;
}

/**
 * A class rather than closures: with 10k idle sockets, per-socket function objects and
 * contexts are most of the relay's own memory, and prototype methods cost nothing per socket.
 * `deps` and `onGone` are shared by all sockets of a relay; rate-limit buckets exist only
 * while a client is sending (created on its first message, dropped by the heartbeat sweep
 * once refilled, when they are indistinguishable from a fresh one).
 */
class GuardedConnection implements Connection, GuardedSocket {
  private bucket: TokenBucket | null = null;
  /** Rejected messages draw on a second, slower bucket; created on first use (most clients never need it). */
  private strikes: TokenBucket | null = null;
  /** Bytes read from the socket when the last ping went out, or -1 before the first ping. */
  private readAtPing = -1;
  private gone = false;
  private corked = false;
  private handler: ConnectionHandler | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly route: Route,
    params: URLSearchParams,
    private readonly deps: GuardDeps,
    private readonly onGone: (socket: GuardedSocket) => void,
  ) {
    ws.on('error', onSocketError);
    ws.on('message', onMessage);
    ws.on('close', onClose);
    guards.set(ws, this);

    deps.stats.connectionOpened(route.name);
    try {
      this.handler = route.accept(this, params, deps.grant);
    } catch (err) {
      const error = toRelayError(err);
      this.replyError(error);
      this.close(error.code === 'internal' ? 1011 : CLOSE_POLICY, error.code);
    }
  }

  get isOpen(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(message: object): void {
    this.sendText(JSON.stringify(message));
  }

  sendText(text: string): void {
    const { ws, deps } = this;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > deps.limits.maxBufferedBytes) {
      // A client that does not read would make us buffer without bound. A close frame
      // would queue behind the same backlog, so cut the TCP connection instead.
      deps.stats.error('backpressure');
      ws.terminate();
      return;
    }
    try {
      this.cork();
      ws.send(text);
      deps.stats.sent(this.route.name);
    } catch {
      deps.stats.error('socket-error');
      ws.terminate();
    }
  }

  close(code = 1000, reason = ''): void {
    const { ws } = this;
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
  }

  /**
   * Coalesces every frame sent to this socket in one tick into one write: under load a
   * client gets bursts (fan-out, candidates), and one syscall per frame was half the CPU.
   * Without the raw socket frames are simply written one by one.
   */
  private cork(): void {
    if (this.corked) return;
    const raw = rawSocket(this.ws);
    if (!raw || typeof raw.cork !== 'function') return;
    raw.cork();
    this.corked = true;
    process.nextTick(uncork, this, raw);
  }

  uncorked(): void {
    this.corked = false;
  }

  /**
   * Pings, or terminates a socket from which nothing at all (no pong, no message) has
   * arrived since the last ping. Reading the socket's byte count instead of listening for
   * 'pong' keeps one listener and one flag off every socket.
   */
  heartbeat(): void {
    const { ws } = this;
    const read = rawSocket(ws)?.bytesRead ?? 0;
    if (this.readAtPing !== -1 && read === this.readAtPing) {
      ws.terminate();
      return;
    }
    this.readAtPing = read;
    const now = this.deps.now ?? Date.now;
    if (this.bucket?.isFull(now())) this.bucket = null;
    if (this.strikes?.isFull(now())) this.strikes = null;
    try {
      ws.ping();
    } catch {
      ws.terminate();
    }
  }

  terminate(): void {
    this.ws.terminate();
  }

  receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    const { handler, deps } = this;
    if (handler === null) return;
    deps.stats.received(this.route.name);
    // A bucket created now starts full, exactly as one created at connect would be by now.
    this.bucket ??= new TokenBucket(deps.limits.ratePerSecond, deps.limits.rateBurst, deps.now ?? Date.now);
    if (!this.bucket.take()) {
      this.strikes ??= new TokenBucket(deps.limits.ratePerSecond / 10, deps.limits.abuseBurst, deps.now ?? Date.now);
      if (!this.strikes.take()) {
        deps.stats.error('rate-limited');
        this.close(CLOSE_POLICY, 'rate limit exceeded');
        return;
      }
      this.replyError(new RelayError('rate-limited', 'too many messages; slow down'));
      return;
    }
    if (isBinary) {
      this.replyError(new RelayError('binary-not-supported', 'only text frames are accepted'));
      return;
    }
    let value: unknown;
    let text: string;
    try {
      text = toText(data);
      value = JSON.parse(text);
    } catch (cause) {
      this.replyError(new RelayError('bad-json', 'message is not valid JSON', { cause }));
      return;
    }
    try {
      handler.onMessage(value, text);
    } catch (err) {
      this.replyError(toRelayError(err));
    }
  }

  closed(): void {
    if (this.gone) return;
    this.gone = true;
    guards.delete(this.ws);
    this.deps.stats.connectionClosed(this.route.name);
    try {
      this.handler?.onClose();
    } finally {
      this.onGone(this);
    }
  }

  socketError(err: Error & { code?: string }): void {
    // ws has already decided to close the socket; we only must not let the error escape.
    this.deps.stats.error(err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'frame-too-large' : 'socket-error');
  }

  private replyError(err: RelayError): void {
    this.deps.stats.error(err.code);
    if (err.code === 'internal') this.deps.log?.(`relay: internal error on ${this.route.name}: ${describe(err.cause)}`);
    this.send(this.route.formatError(err));
  }
}

function uncork(guard: GuardedConnection, raw: RawSocket): void {
  guard.uncorked();
  raw.uncork();
}

/** Shared listeners (one function object for all sockets) find their guard here. */
const guards = new WeakMap<WebSocket, GuardedConnection>();

function onSocketError(this: WebSocket, err: Error & { code?: string }): void {
  guards.get(this)?.socketError(err);
}

function onMessage(this: WebSocket, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
  guards.get(this)?.receive(data, isBinary);
}

function onClose(this: WebSocket): void {
  guards.get(this)?.closed();
}

function describe(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : 'non-error thrown';
}

function toText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
