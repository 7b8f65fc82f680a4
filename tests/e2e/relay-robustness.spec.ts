/**
 * Malformed, oversized and out-of-order frames at both signalling routes, then a normal
 * call through the same relay process: one bad client cannot break anyone else's call.
 */
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { expectMediaFrom, joinCall, newRoomUrl } from './harness/participant';
import { startRelay } from './harness/relay-process';

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

async function abuse(ws: WebSocket): Promise<void> {
  const frames: (string | Buffer)[] = [
    '{', 'null', '[]', '42', '"str"', '{"type":123}', '{"type":"OFFER"}', '{"type":"OFFER","dst":{"x":1}}',
    '{"type":"publish"}', '{"type":"subscribe","topics":"nope"}', '{"type":"subscribe","topics":[1,2,3]}',
    `{"type":"publish","topic":"${'t'.repeat(5000)}"}`, '{"type":"ANSWER","dst":"nobody-here","payload":{}}',
    '{"type":"__proto__","constructor":{"prototype":{"polluted":true}}}', '\u0000\uffff\ud800', Buffer.from([0, 1, 2, 255]),
  ];
  for (const f of frames) ws.send(f);
  // Oversized: over the 64 KiB frame limit.
  ws.send('x'.repeat(70 * 1024));
  await new Promise((r) => setTimeout(r, 300));
}

test('garbage at both routes does not stop a call through the same relay', async ({ browser }) => {
  const relay = await startRelay();
  const ws = relay.url.replace('http', 'ws');
  const sockets = await Promise.all([
    open(`${ws}/peerjs?key=peerjs&id=abuser1&token=t1&version=1`),
    open(`${ws}/peerjs?key=peerjs&id=abuser2&token=t2&version=1`),
    open(`${ws}/yjs`),
    open(`${ws}/yjs`),
  ]);
  // Out of order: publishing to a topic never subscribed, relaying to ids never seen.
  sockets[2]?.send(JSON.stringify({ type: 'publish', topic: 'never-subscribed', data: 1 }));
  sockets[0]?.send(JSON.stringify({ type: 'CANDIDATE', dst: 'ghost', payload: { candidate: 'x' } }));
  await Promise.all(sockets.map(abuse));
  // A flood far over the rate limit.
  for (let i = 0; i < 2000; i++) if (sockets[1]?.readyState === WebSocket.OPEN) sockets[1].send('{"type":"HEARTBEAT"}');
  for (const s of sockets) s.terminate();
  // Unknown routes are refused without harm.
  await expect(open(`${ws}/nope`)).rejects.toThrow();

  const health = await fetch(`${relay.url}/healthz`);
  expect(health.status).toBe(200);
  const room = newRoomUrl(relay.url);
  const ana = await joinCall(browser, room, 'Ana');
  const bea = await joinCall(browser, room, 'Bea');
  await expectMediaFrom(ana, ['Bea']);
  await expectMediaFrom(bea, ['Ana']);
  expect(relay.child.exitCode).toBeNull();
  await ana.close();
  await bea.close();
  await relay.stop();
});
