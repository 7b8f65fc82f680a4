/**
 * End-to-end encryption as people (and attackers) meet it, in real Chromium: members decode
 * each other; someone with the room id but not the secret decodes nothing and is shown as
 * not verified; a sender that bypasses encryption is rejected frame by frame; the relay
 * never receives the secret or the room id; a removed member decodes nothing new.
 */
import { expect, test } from '@playwright/test';
import { createRoom, formatRoomHash } from '../../src/room/room-link';
import { expectMediaFrom, framesFrom, joinCall, type Participant } from './harness/participant';
import { startRecordingProxy, type RecordingProxy } from './harness/recording-proxy';
import { startRelay, type RelayProcess } from './harness/relay-process';

let relay: RelayProcess;
let proxy: RecordingProxy;
const people: Participant[] = [];

test.beforeEach(async () => {
  relay = await startRelay();
  // Every byte the browsers send to the relay passes through (and is kept by) this proxy.
  proxy = await startRecordingProxy(relay.port);
});

test.afterEach(async () => {
  for (const p of people.splice(0)) await p.close().catch(() => undefined);
  await proxy.close();
  await relay.stop();
});

interface Counters {
  encrypted: number;
  decrypted: number;
  rejected: Record<string, number>;
}

async function e2eeCounters(p: Participant): Promise<Record<string, Counters>> {
  return (await p.page.evaluate(() => window.__lunar?.e2ee() ?? Promise.resolve({}))) as Record<string, Counters>;
}

async function myId(p: Participant): Promise<string> {
  return p.page.evaluate(() => window.__lunar?.myId ?? '');
}

test('members decode each other, and the relay never sees the secret or the room id', async ({ browser }) => {
  const { roomId, secret } = createRoom();
  const room = `${proxy.url}/${formatRoomHash(roomId, secret)}`;
  const ana = await joinCall(browser, room, 'Anastasia');
  const bea = await joinCall(browser, room, 'Beatrixia');
  const cem = await joinCall(browser, room, 'Cemalettin');
  people.push(ana, bea, cem);
  await expectMediaFrom(ana, ['Beatrixia', 'Cemalettin']);
  await expectMediaFrom(bea, ['Anastasia', 'Cemalettin']);
  await expectMediaFrom(cem, ['Anastasia', 'Beatrixia']);

  // What was decoded was decrypted: every sender's frames went through SFrame.
  const ids = { ana: await myId(ana), bea: await myId(bea), cem: await myId(cem) };
  const c = await e2eeCounters(ana);
  expect(c[ids.ana]?.encrypted).toBeGreaterThan(50);
  expect(c[ids.bea]?.decrypted).toBeGreaterThan(50);
  expect(c[ids.cem]?.decrypted).toBeGreaterThan(50);
  await expect(ana.page.getByRole('figure', { name: 'Beatrixia' }).getByRole('img', { name: 'End-to-end encrypted' })).toBeVisible();

  // Everyone sees the same safety words.
  await ana.page.getByRole('button', { name: 'Encryption' }).click();
  await expect(ana.page.getByLabel('Safety words')).toBeVisible();
  const words = await Promise.all([ana, bea, cem].map((p) => p.page.evaluate(() => window.__lunar?.safetyWords().join(' '))));
  expect(words[0]).toMatch(/^\w+( \w+){5}$/);
  expect(new Set(words).size).toBe(1);

  // The relay received neither the secret nor the room id, nor a display name (long names:
  // a three-letter one turns up by chance in megabytes of base64 ciphertext).
  const seen = proxy.received();
  expect(seen.length).toBeGreaterThan(1000);
  expect(seen).toContain('"type":"publish"');
  for (const needle of [secret, roomId, 'Anastasia', 'Beatrixia', 'Cemalettin']) expect(seen.includes(needle), `relay saw ${needle}`).toBe(false);
});

test('a page with the room id but another secret decodes nothing and is shown as not verified', async ({ browser }) => {
  const { roomId, secret } = createRoom();
  const other = createRoom().secret;
  const room = `${proxy.url}/${formatRoomHash(roomId, secret)}`;
  const ana = await joinCall(browser, room, 'Ana');
  const bea = await joinCall(browser, room, 'Bea');
  people.push(ana, bea);
  await expectMediaFrom(ana, ['Bea']);
  const mallory = await joinCall(browser, `${proxy.url}/${formatRoomHash(roomId, other)}`, 'Mallory');
  people.push(mallory);
  // It reaches the others (same topic) but cannot prove the room key.
  for (const p of [ana, bea]) {
    await expect(p.page.getByRole('figure', { name: 'Unverified participant' }).getByRole('img', { name: 'Not verified' })).toBeVisible({ timeout: 20_000 });
    await expect(p.page.getByRole('figure', { name: 'Unverified participant' }).locator('video')).toHaveCount(0);
  }
  await expect(mallory.page.getByRole('img', { name: 'Not verified' })).toHaveCount(2);
  await mallory.page.waitForTimeout(3000);
  const seenByMallory = await mallory.peers();
  expect(seenByMallory.length).toBe(2);
  for (const s of seenByMallory) {
    expect(s.framesDecoded).toBe(0);
    // The members' cameras and mics run from the moment the connection exists, but their
    // workers hold every frame for an unverified peer: not even ciphertext reaches Mallory.
    expect(s.videoBytesReceived).toBe(0);
    expect(s.audioPacketsReceived).toBe(0);
  }
  const malloryId = await myId(mallory);
  for (const p of [ana, bea]) {
    const s = (await p.peers()).find((x) => x.peerId === malloryId);
    expect(s?.framesDecoded ?? 0).toBe(0);
  }
  // The members' own call is unaffected.
  await expectMediaFrom(bea, ['Ana']);
});

test('a sender that bypasses encryption has every frame rejected', async ({ browser }) => {
  const room = `${proxy.url}/${formatRoomHash(createRoom().roomId, createRoom().secret)}`;
  const ana = await joinCall(browser, room, 'Ana');
  people.push(ana);
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__lunarTestHooks = { bypassEncryption: true };
  });
  const page = await context.newPage();
  await page.goto(`${room}?prejoin=0&name=Plain`);
  const plain: Participant = { name: 'Plain', context, page, peers: () => page.evaluate(() => window.__lunar?.peers() ?? Promise.resolve([])), close: () => context.close() };
  people.push(plain);
  const plainId = await page.waitForFunction(() => window.__lunar?.myId).then((h) => h.jsonValue() as Promise<string>);
  // Plain holds the secret (so it is verified) but sends its frames in the clear.
  await expect
    .poll(async () => (await e2eeCounters(ana))[plainId]?.rejected.unencrypted ?? 0, { timeout: 20_000, message: 'receiver rejects plaintext frames' })
    .toBeGreaterThan(20);
  expect((await e2eeCounters(ana))[plainId]?.decrypted ?? 0).toBe(0);
  expect(await framesFrom(ana, 'Plain')).toBe(0);
  await expect(ana.page.getByRole('figure', { name: 'Plain' }).getByRole('img', { name: 'Decrypt errors' })).toBeVisible({ timeout: 15_000 });
  // Plain itself still decodes Ana (its receivers decrypt normally).
  await expectMediaFrom(plain, ['Ana']);
});

test('after a member is removed, the rest move to a new epoch and it decodes nothing new', async ({ browser }) => {
  const room = `${proxy.url}/${formatRoomHash(createRoom().roomId, createRoom().secret)}`;
  const ana = await joinCall(browser, room, 'Ana');
  const bea = await joinCall(browser, room, 'Bea');
  const cem = await joinCall(browser, room, 'Cem');
  people.push(ana, bea, cem);
  await expectMediaFrom(cem, ['Ana', 'Bea']);
  const epochBefore = await ana.page.evaluate(() => window.__lunar?.epoch() ?? 0);
  const cemId = await myId(cem);
  for (const p of [ana, bea]) await p.page.evaluate((id) => window.__lunar?.remove(id), cemId);
  await expect.poll(() => ana.page.evaluate(() => window.__lunar?.epoch() ?? 0)).toBeGreaterThan(epochBefore);
  await expect.poll(() => bea.page.evaluate(() => window.__lunar?.epoch() ?? 0)).toBe(await ana.page.evaluate(() => window.__lunar?.epoch() ?? 0));
  await expectMediaFrom(ana, ['Bea']);
  await expectMediaFrom(bea, ['Ana']);
  // Cem's decoders get nothing from here on.
  await cem.page.waitForTimeout(1500);
  const frozen = (await cem.peers()).reduce((n, s) => n + s.framesDecoded, 0);
  await cem.page.waitForTimeout(3000);
  const later = (await cem.peers()).reduce((n, s) => n + s.framesDecoded, 0);
  expect(later).toBe(frozen);
  // And the others refuse it: it does not come back.
  await expect(ana.page.getByTestId('tile')).toHaveCount(2);
});
