import { WebSocket } from 'ws';
import { createRelay } from '../../../relay/server';
import type { Relay } from '../../../relay/server';
import type { RelayOptionsInput } from '../../../relay/options';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/**
 * A real `ws` client that buffers every message from the moment the socket exists (the
 * PeerJS route sends OPEN before a late listener could see it) and hands them out in order.
 */
export class TestClient {
  readonly ws: WebSocket;
  private readonly inbox: Json[] = [];
  private waiter: ((m: Json) => void) | null = null;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('error', () => {});
    this.ws.on('message', (data, isBinary) => {
      const m = isBinary ? data : JSON.parse(data.toString());
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(m);
      } else this.inbox.push(m);
    });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  static async open(url: string): Promise<TestClient> {
    const c = new TestClient(url);
    await new Promise<void>((resolve, reject) => {
      c.ws.once('open', () => resolve());
      c.ws.once('close', () => reject(new Error('closed before open')));
    });
    return c;
  }

  next(timeoutMs = 2000): Promise<Json> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error('timed out waiting for a message'));
      }, timeoutMs);
      this.waiter = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
  }

  /** Skips messages until one satisfies `match` (e.g. past a stream of rate-limit errors). */
  async nextMatching(match: (m: Json) => boolean, timeoutMs = 2000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = await this.next(Math.max(1, deadline - Date.now()));
      if (match(m)) return m;
    }
  }

  /** Resolves with every message that arrives within `ms`. */
  async drain(ms = 100): Promise<Json[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.inbox.splice(0);
  }

  send(value: unknown): void {
    this.ws.send(JSON.stringify(value));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  close(): void {
    this.ws.close();
  }
}

export async function startRelay(input: RelayOptionsInput = {}): Promise<Relay> {
  return createRelay({ port: 0, host: '127.0.0.1', log: () => {}, ...input });
}

export function wsUrl(relay: Relay, path: string): string {
  return relay.url.replace(/^http/, 'ws') + path;
}

export function peerUrl(relay: Relay, id: string, token = 'tok-' + id): string {
  const q = new URLSearchParams({ key: 'peerjs', id, token, version: '1.5.5' });
  return wsUrl(relay, `/peerjs?${q.toString()}`);
}

/** Connects a PeerJS-protocol client and consumes its OPEN. */
export async function openPeer(relay: Relay, id: string, token?: string): Promise<TestClient> {
  const c = await TestClient.open(peerUrl(relay, id, token));
  const first = await c.next();
  if (first.type !== 'OPEN') throw new Error(`expected OPEN, got ${JSON.stringify(first)}`);
  return c;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
