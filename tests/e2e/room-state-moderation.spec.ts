/**
 * Moderation in real Chromium: the creator's host link signs actions, every client verifies
 * them before acting. A guest's forged "remove" is ignored; the host mutes everyone and
 * removes someone, whose page leaves and decodes nothing more while the rest rekey.
 */
import { expect, test } from '@playwright/test';
import { createHostedRoom, type HostKey } from '../../src/room-state/host-key';
import { signAction } from '../../src/room-state/moderation';
import { formatHostHash } from '../../src/room-state/room-links';
import { formatRoomHash } from '../../src/room/room-link';
import { expectMediaFrom, joinCall, openParticipant, type Participant } from './harness/participant';
import { startRecordingProxy, type RecordingProxy } from './harness/recording-proxy';
import { startRelay, type RelayProcess } from './harness/relay-process';

let relay: RelayProcess;
let proxy: RecordingProxy;
const people: Participant[] = [];
/** What the relay must never receive in clear. */
const secrets: string[] = [];

test.beforeEach(async () => {
  relay = await startRelay();
  proxy = await startRecordingProxy(relay.port);
});

test.afterEach(async () => {
  for (const p of people.splice(0)) await p.close().catch(() => undefined);
  const seen = proxy.received();
  for (const needle of secrets.splice(0)) expect(seen.includes(needle), `relay saw "${needle}"`).toBe(false);
  await proxy.close();
  await relay.stop();
});

const myId = (p: Participant) => p.page.evaluate(() => window.__lunar?.myId ?? '');
const epoch = (p: Participant) => p.page.evaluate(() => window.__lunar?.epoch() ?? 0);

test("a guest's forged remove is ignored; the host mutes everyone and removes someone", async ({ browser }) => {
  const { roomId, secret, hostKey } = createHostedRoom();
  const hostUrl = `${proxy.url}/${formatHostHash(roomId, secret, hostKey)}`;
  const guestUrl = `${proxy.url}/${formatRoomHash(roomId, secret)}`;
  secrets.push(roomId, secret, 'Anakin', 'Beatrice', 'Cemile', 'Dandelion', 'Evelyn');
  const ana = await joinCall(browser, hostUrl, 'Anakin');
  people.push(ana);
  const bea = await joinCall(browser, guestUrl, 'Beatrice');
  people.push(bea);
  // Cem is the would-be forger: the test hook lets him write raw entries into the doc.
  const cemContext = await browser.newContext({ viewport: { width: 800, height: 600 } });
  await cemContext.addInitScript(() => {
    window.__lunarTestHooks = { rawDocWrites: true };
  });
  const cemPage = await cemContext.newPage();
  await cemPage.goto(`${guestUrl}?prejoin=0&name=Cemile`);
  const cem: Participant = { name: 'Cemile', context: cemContext, page: cemPage, peers: () => cemPage.evaluate(() => window.__lunar?.peers() ?? Promise.resolve([])), close: () => cemContext.close() };
  people.push(cem);
  await expectMediaFrom(ana, ['Beatrice', 'Cemile']);
  await expectMediaFrom(bea, ['Anakin', 'Cemile']);
  await expectMediaFrom(cem, ['Anakin', 'Beatrice']);

  // Only the host gets moderator controls.
  await expect(ana.page.getByRole('button', { name: 'Mute everyone' })).toBeVisible();
  await expect(bea.page.getByRole('button', { name: 'Mute everyone' })).toHaveCount(0);
  await expect(cem.page.getByRole('button', { name: 'Mute everyone' })).toHaveCount(0);

  // Forgeries: signed by a key that is not the room's, and a bare unsigned body.
  const beaId = await myId(bea);
  const cemId = await myId(cem);
  const fake: HostKey = createHostedRoom().hostKey;
  const forged = signAction(roomId, fake, { kind: 'remove', target: beaId }, { by: cemId, epoch: await epoch(cem) });
  await cem.page.evaluate(
    ({ forged, beaId }) => {
      const w = window.__lunar?.room?.writeRaw;
      if (!w) throw new Error('no raw write hook');
      w('modlog', 'array', forged);
      w('modlog', 'array', { auth: 'ed25519', body: JSON.stringify({ v: 1, id: 'x1', at: Date.now(), epoch: 0, by: 'x', kind: 'remove', target: beaId }), sig: 'A'.repeat(86) });
      w('modlog', 'array', { auth: 'hmac', body: JSON.stringify({ v: 1, id: 'x2', at: Date.now(), epoch: 0, by: 'x', kind: 'mute-everyone', media: 'audio' }), sig: 'A'.repeat(43) });
    },
    { forged, beaId },
  );
  await expect.poll(() => ana.page.evaluate(() => JSON.stringify(window.__lunar?.room?.dump() ?? {})), { timeout: 15_000 }).toContain('x2');
  await ana.page.waitForTimeout(2000);
  await expect(bea.page.getByRole('button', { name: 'Leave' })).toBeVisible();
  await expect(bea.page.getByRole('button', { name: 'Mute microphone' })).toBeVisible();
  await expect(ana.page.getByRole('figure', { name: 'Beatrice', exact: true })).toBeVisible();
  await expectMediaFrom(ana, ['Beatrice']);

  // The host mutes everyone: both guests' microphones go off (their own pages and the host's view).
  await ana.page.getByRole('button', { name: 'Mute everyone' }).click();
  for (const p of [bea, cem]) await expect(p.page.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
  for (const name of ['Beatrice', 'Cemile']) await expect(ana.page.getByRole('figure', { name, exact: true }).getByRole('img', { name: 'Microphone muted' })).toBeVisible();
  await expect(ana.page.getByRole('button', { name: 'Mute microphone' })).toBeVisible();

  // The host removes Cem: his page leaves; the others move to a new epoch without him.
  const before = await epoch(ana);
  await ana.page.getByRole('button', { name: 'Participants' }).click();
  await ana.page.getByRole('listitem').filter({ hasText: 'Cemile' }).getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(cem.page.getByRole('heading', { name: 'You were removed from the meeting' })).toBeVisible();
  await expect.poll(() => epoch(ana)).toBeGreaterThan(before);
  await expect.poll(() => epoch(bea)).toBe(await epoch(ana));
  for (const p of [ana, bea]) await expect(p.page.getByRole('figure', { name: 'Cemile', exact: true })).toHaveCount(0);
  expect(await cem.peers()).toEqual([]);
  await expectMediaFrom(ana, ['Beatrice']);
  await expectMediaFrom(bea, ['Anakin']);
  expect(cemId).not.toBe('');

  // The host locks the meeting: a newcomer is turned away; unlocked, the next one gets in.
  await ana.page.getByRole('button', { name: 'Lock meeting' }).click();
  await expect(bea.page.getByRole('img', { name: 'Meeting locked' })).toBeVisible();
  const dan = await openParticipant(browser, `${guestUrl}?prejoin=0&name=Dandelion`, 'Dandelion');
  people.push(dan);
  await expect(dan.page.getByRole('heading', { name: 'This meeting is locked' })).toBeVisible({ timeout: 30_000 });
  await expect(ana.page.getByRole('figure', { name: 'Dandelion', exact: true })).toHaveCount(0, { timeout: 10_000 });
  await ana.page.getByRole('button', { name: 'Unlock meeting' }).click();
  await expect(bea.page.getByRole('img', { name: 'Meeting locked' })).toHaveCount(0);
  const eve = await joinCall(browser, guestUrl, 'Evelyn');
  people.push(eve);
  await expectMediaFrom(eve, ['Anakin', 'Beatrice']);
});

test('controller mode lets a guest mute; a moderator asks everyone to follow their layout', async ({ browser }) => {
  const { roomId, secret, hostKey } = createHostedRoom();
  const hostUrl = `${proxy.url}/${formatHostHash(roomId, secret, hostKey)}`;
  const guestUrl = `${proxy.url}/${formatRoomHash(roomId, secret)}`;
  secrets.push(roomId, secret, 'Hostess', 'Guestina', 'Visitor');
  const host = await joinCall(browser, hostUrl, 'Hostess');
  people.push(host);
  const bea = await joinCall(browser, guestUrl, 'Guestina');
  people.push(bea);
  const cem = await joinCall(browser, guestUrl, 'Visitor');
  people.push(cem);
  await expectMediaFrom(host, ['Guestina', 'Visitor']);
  await expectMediaFrom(bea, ['Hostess', 'Visitor']);

  // A guest has no moderator controls until the host lets everyone moderate.
  await expect(bea.page.getByRole('button', { name: 'Mute everyone' })).toHaveCount(0);
  await host.page.getByRole('button', { name: 'Everyone is a moderator' }).click();
  await expect(host.page.getByRole('button', { name: 'Everyone is a moderator' })).toHaveAttribute('aria-pressed', 'true');
  await expect(bea.page.getByRole('button', { name: 'Mute everyone' })).toBeVisible();

  // Bea (a guest, MAC-signed with the current epoch key) mutes Cem: every page sees it.
  await bea.page.getByRole('button', { name: 'Participants' }).click();
  await bea.page.getByRole('listitem').filter({ hasText: 'Visitor' }).getByRole('button', { name: 'Mute', exact: true }).click();
  await expect(cem.page.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
  await expect(host.page.getByRole('figure', { name: 'Visitor', exact: true }).getByRole('img', { name: 'Microphone muted' })).toBeVisible();
  await expect(host.page.getByRole('button', { name: 'Mute microphone' })).toBeVisible();

  // Switched off again, the guest's controls go away.
  await host.page.getByRole('button', { name: 'Everyone is a moderator' }).click();
  await expect(bea.page.getByRole('button', { name: 'Mute everyone' })).toHaveCount(0);

  // Follow my layout: the host's stage view with Visitor pinned shows on the guests' pages.
  const grid = (p: Participant) => p.page.getByRole('region', { name: 'Participants' });
  await expect(grid(bea)).toHaveAttribute('data-layout', 'tile');
  await host.page.getByRole('button', { name: 'Stage view' }).click();
  await host.page.getByRole('button', { name: 'Ask everyone to follow my layout' }).click();
  for (const p of [bea, cem]) {
    await expect(grid(p)).toHaveAttribute('data-layout', 'stage');
    await expect(p.page.getByRole('status').filter({ hasText: "Following Hostess's layout" })).toBeVisible();
    await expect(p.page.getByRole('button', { name: 'Tile view' })).toBeDisabled();
  }
  // Changes while leading go out too; stopping gives everyone their own layout back.
  await host.page.getByRole('button', { name: 'Tile view' }).click();
  await expect(grid(bea)).toHaveAttribute('data-layout', 'tile');
  await host.page.getByRole('button', { name: 'Stop asking to follow me' }).click();
  await expect(bea.page.getByRole('button', { name: 'Tile view' })).toBeEnabled();
  await bea.page.getByRole('button', { name: 'Stage view' }).click();
  await expect(grid(bea)).toHaveAttribute('data-layout', 'stage');
  await expect(grid(cem)).toHaveAttribute('data-layout', 'tile');
});
