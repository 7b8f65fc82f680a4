import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { Route } from '../../../relay/connection';
import { guardSocket } from '../../../relay/connection-guard';
import { DEFAULT_LIMITS } from '../../../relay/options';
import { RelayStats } from '../../../relay/stats';
import { TestClient } from './test-client';

/** A route with bugs in it: the guard must turn its throws into coded replies. */
function buggyRoute(acceptThrows: boolean): Route {
  return {
    name: 'pubsub',
    formatError: (err) => ({ type: 'error', code: err.code }),
    accept() {
      if (acceptThrows) throw new TypeError('boom in accept');
      return {
        onMessage() {
          throw new TypeError('boom in handler');
        },
        onClose() {},
      };
    },
    dispose() {},
  };
}

describe('guardSocket', () => {
  let wss: WebSocketServer | null = null;
  afterEach(() => {
    for (const c of wss?.clients ?? []) c.terminate();
    wss?.close();
  });

  async function serve(route: Route, logs: string[], stats: RelayStats): Promise<string> {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws) => {
      guardSocket(ws, route, new URLSearchParams(), { limits: DEFAULT_LIMITS, stats, log: (l) => logs.push(l) }, () => {});
    });
    await new Promise<void>((r) => wss!.once('listening', () => r()));
    return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  }

  it('turns an unexpected throw in a handler into an internal error reply and a log line', async () => {
    const logs: string[] = [];
    const stats = new RelayStats();
    const c = await TestClient.open(await serve(buggyRoute(false), logs, stats));
    c.send({ type: 'anything' });
    expect(await c.next()).toEqual({ type: 'error', code: 'internal' });
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    expect(logs).toEqual(['relay: internal error on pubsub: TypeError: boom in handler']);
    expect(stats.snapshot().errors).toEqual({ internal: 1 });
    expect(stats.snapshot().routes.pubsub).toMatchObject({ connectionsOpen: 1, messagesReceived: 1, messagesSent: 1 });
  });

  it('closes with 1011 when accept throws unexpectedly', async () => {
    const c = new TestClient(await serve(buggyRoute(true), [], new RelayStats()));
    expect(await c.next()).toEqual({ type: 'error', code: 'internal' });
    expect((await c.closed).code).toBe(1011);
  });
});
