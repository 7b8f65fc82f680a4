/**
 * Scale-out: two relay processes share one redis-server. Ana loads the app from node 1 and
 * Bea from node 2, so every presence publish and PeerJS OFFER/ANSWER/CANDIDATE between
 * them crosses Redis; the call must still come up with media both ways.
 */
import { expect, test } from '@playwright/test';
import { expectMediaFrom, joinCall } from './harness/participant';
import { startRedis } from './harness/redis-process';
import { startRelay } from './harness/relay-process';

test('a call between browsers attached to different relay nodes', async ({ browser }) => {
  test.setTimeout(120_000);
  const redis = await startRedis();
  const node1 = await startRelay({ REDIS_URL: redis.url });
  const node2 = await startRelay({ REDIS_URL: redis.url });
  try {
    // Canonical base64url of 16 bytes: the last character's unused low bits are zero.
    const hash = `/#/r/${'s'.repeat(21)}Q/${'o'.repeat(21)}g`;
    const ana = await joinCall(browser, `${node1.url}${hash}`, 'Ana');
    const bea = await joinCall(browser, `${node2.url}${hash}`, 'Bea');
    await expectMediaFrom(ana, ['Bea']);
    await expectMediaFrom(bea, ['Ana']);
    // Each node saw its own participant only: the call really spanned both.
    const s1 = await (await fetch(`${node1.url}/stats`)).json();
    const s2 = await (await fetch(`${node2.url}/stats`)).json();
    expect(s1.peerjs_peers).toBe(1);
    expect(s2.peerjs_peers).toBe(1);
    expect(node1.child.exitCode).toBeNull();
    expect(node2.child.exitCode).toBeNull();
    await ana.close();
    await bea.close();
  } finally {
    await node1.stop();
    await node2.stop();
    await redis.stop();
  }
});
