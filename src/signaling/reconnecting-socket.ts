/**
 * A JSON WebSocket that reconnects by itself with exponential backoff and jitter. The call
 * engine only depends on the `JsonSocket` interface, so simulations can use a fake.
 */
import { Emitter, type Unsubscribe } from '../util/emitter';

export type SocketStatus = 'connecting' | 'open' | 'closed';

export interface JsonSocket {
  readonly status: SocketStatus;
  /** Sends when open; returns false (message dropped) otherwise. */
  send(message: unknown): boolean;
  onMessage(listener: (message: unknown) => void): Unsubscribe;
  onStatus(listener: (status: SocketStatus) => void): Unsubscribe;
  close(): void;
}

export interface ReconnectOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Opening handshakes that take longer than this are abandoned and retried. */
  connectTimeoutMs?: number;
}

type Events = { message: unknown; status: SocketStatus };

export class ReconnectingSocket implements JsonSocket {
  private ws: WebSocket | null = null;
  private readonly events = new Emitter<Events>();
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closedByUser = false;
  private current: SocketStatus = 'connecting';
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly connectTimeout: number;

  constructor(
    private readonly url: () => string,
    options: ReconnectOptions = {},
  ) {
    this.minDelay = options.minDelayMs ?? 250;
    this.maxDelay = options.maxDelayMs ?? 5000;
    this.connectTimeout = options.connectTimeoutMs ?? 8000;
    this.connect();
  }

  get status(): SocketStatus {
    return this.current;
  }

  send(message: unknown): boolean {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  onMessage(listener: (message: unknown) => void): Unsubscribe {
    return this.events.on('message', listener);
  }

  onStatus(listener: (status: SocketStatus) => void): Unsubscribe {
    return this.events.on('status', listener);
  }

  close(): void {
    this.closedByUser = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ws?.close(1000);
    this.ws = null;
    this.setStatus('closed');
    this.events.clear();
  }

  private setStatus(status: SocketStatus): void {
    if (status === this.current) return;
    this.current = status;
    this.events.emit('status', status);
  }

  private connect(): void {
    if (this.closedByUser) return;
    this.setStatus('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    const openTimer = setTimeout(() => ws.close(), this.connectTimeout);
    ws.onopen = () => {
      clearTimeout(openTimer);
      this.attempt = 0;
      this.setStatus('open');
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      let data: unknown;
      try {
        data = JSON.parse(ev.data);
      } catch {
        return; // The relay only sends JSON; anything else is ignored, not fatal.
      }
      this.events.emit('message', data);
    };
    ws.onclose = () => {
      clearTimeout(openTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      // onclose follows and schedules the retry.
    };
  }

  private scheduleReconnect(): void {
    if (this.closedByUser) return;
    this.setStatus('closed');
    const base = Math.min(this.maxDelay, this.minDelay * 2 ** this.attempt);
    this.attempt++;
    const delay = base / 2 + Math.random() * (base / 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }
}

/** `http(s)://host/path/` + route → `ws(s)://host/path/route`. */
export function wsUrl(relayBase: string, route: string, query?: Record<string, string>): string {
  const u = new URL(route, relayBase.endsWith('/') ? relayBase : `${relayBase}/`);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  if (query) for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}
