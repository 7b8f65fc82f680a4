/**
 * When UDP between peers is blocked, calls go through the relay's built-in TURN server:
 * two people with `relay=1` (iceTransportPolicy 'relay') complete a call, the selected
 * candidate pair is relayed, and frames decode.
 */
import { expect, test } from '@playwright/test';
import { expectMediaFrom, joinCall, newRoomUrl } from './harness/participant';
import { startRelay } from './harness/relay-process';

test('two people forced through the built-in TURN server see and hear each other', async ({ browser }) => {
  const relay = await startRelay({
    TURN_ENABLED: '1',
    TURN_PORT: '0',
    TURN_HOST: '127.0.0.1',
    TURN_RELAY_HOST: '127.0.0.1',
    // Tests relay to peers on loopback; production refuses private and loopback peers.
    TURN_ALLOW_PEERS: '127.0.0.1',
  });
  expect(relay.output()).toMatch(/TURN on UDP\/TCP port \d+/);
  const config = (await (await fetch(`${relay.url}/config.json`)).json()) as { iceServers: { urls: string[]; username: string; credential: string }[] };
  expect(config.iceServers[0]?.urls.some((u) => u.startsWith('turn:127.0.0.1:'))).toBe(true);
  expect(config.iceServers[0]?.username).toMatch(/^\d+:/);

  const room = newRoomUrl(relay.url);
  const ana = await joinCall(browser, room, 'Ana', '&relay=1');
  const bea = await joinCall(browser, room, 'Bea', '&relay=1');
  await expectMediaFrom(ana, ['Bea']);
  await expectMediaFrom(bea, ['Ana']);
  for (const p of [ana, bea]) {
    const stats = await p.peers();
    expect(stats[0]?.candidateType).toBe('relay');
  }
  await ana.close();
  await bea.close();
  await relay.stop();
});
