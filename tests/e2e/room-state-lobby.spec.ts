/**
 * Lobby and passcode in real Chromium. A lobby link has no secret: the guest knocks with a
 * sealed name, the host admits (the secret arrives sealed) or denies. A passcode is mixed
 * into the key: a wrong one is refused before joining, the right one joins. The relay,
 * behind the recording proxy, never receives a name, the secret or the passcode.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createHostedRoom } from '../../src/room-state/host-key';
import { derivePasscodeKeys } from '../../src/room-state/passcode';
import { formatHostHash, formatLobbyHash } from '../../src/room-state/room-links';
import { formatRoomHash } from '../../src/room/room-link';
import { expectMediaFrom, joinCall, openParticipant, type Participant } from './harness/participant';
import { startRecordingProxy, type RecordingProxy } from './harness/recording-proxy';
import { startRelay, type RelayProcess } from './harness/relay-process';

let relay: RelayProcess;
let proxy: RecordingProxy;
const people: Participant[] = [];
const secrets: string[] = [];

test.beforeEach(async () => {
  relay = await startRelay();
  proxy = await startRecordingProxy(relay.port);
  secrets.length = 0;
});

test.afterEach(async () => {
  for (const p of people.splice(0)) await p.close().catch(() => undefined);
  const seen = proxy.received();
  await proxy.close();
  await relay.stop();
  for (const needle of secrets) expect(seen.includes(needle), `relay saw "${needle}"`).toBe(false);
});

async function open(browser: Browser, url: string, name: string): Promise<Participant> {
  const p = await openParticipant(browser, url, name);
  people.push(p);
  return p;
}

async function knock(page: Page, name: string): Promise<void> {
  await page.getByLabel('Display name').fill(name);
  await page.getByRole('button', { name: 'Ask to join' }).click();
  await expect(page.getByRole('status')).toContainText('Waiting for a moderator');
}

test('lobby: a knock is admitted (the secret arrives sealed), another is denied', async ({ browser }) => {
  const { roomId, secret, hostKey } = createHostedRoom();
  secrets.push(roomId, secret, 'Anakin', 'Lobbyguest', 'Turnedaway');
  const host = await joinCall(browser, `${proxy.url}/${formatHostHash(roomId, secret, hostKey)}`, 'Anakin');
  people.push(host);
  const lobbyUrl = `${proxy.url}/${formatLobbyHash(roomId, hostKey.publicKey)}`;
  expect(lobbyUrl).not.toContain(secret);

  const guest = await open(browser, lobbyUrl, 'Lobbyguest');
  await knock(guest.page, 'Lobbyguest');
  const request = host.page.getByTestId('lobby-request').filter({ hasText: 'Lobbyguest wants to join' });
  await expect(request).toBeVisible();
  await request.getByRole('button', { name: 'Admit', exact: true }).click();
  await expect(guest.page.getByRole('button', { name: 'Leave' })).toBeVisible();
  await expectMediaFrom(host, ['Lobbyguest']);
  await expectMediaFrom(guest, ['Anakin']);
  await expect(host.page.getByTestId('lobby-request')).toHaveCount(0);

  const other = await open(browser, lobbyUrl, 'Turnedaway');
  await knock(other.page, 'Turnedaway');
  const second = host.page.getByTestId('lobby-request').filter({ hasText: 'Turnedaway wants to join' });
  await second.getByRole('button', { name: 'Deny', exact: true }).click();
  await expect(other.page.getByRole('alert')).toContainText('declined');
  await expect(other.page.getByRole('button', { name: 'Leave' })).toHaveCount(0);
  await expect(host.page.getByTestId('tile')).toHaveCount(2);
});

test('passcode: a wrong one is refused before joining, the right one joins', async ({ browser }) => {
  const { roomId, secret, hostKey } = createHostedRoom();
  const passcode = 'moon-42-passcode';
  const { check } = await derivePasscodeKeys(roomId, secret, passcode);
  secrets.push(roomId, secret, passcode, 'Anakin', 'Beatrice');
  const hostUrl = `${proxy.url}/${formatHostHash(roomId, secret, hostKey)}&pc=${check}&prejoin=0&name=Anakin`;
  const guestUrl = `${proxy.url}/${formatRoomHash(roomId, secret)}?pc=${check}&prejoin=0&name=Beatrice`;

  const host = await open(browser, hostUrl, 'Anakin');
  await host.page.getByLabel('Passcode').fill(passcode);
  await host.page.getByRole('button', { name: 'Continue' }).click();
  await expect(host.page.getByRole('button', { name: 'Leave' })).toBeVisible();

  const guest = await open(browser, guestUrl, 'Beatrice');
  await guest.page.getByLabel('Passcode').fill('not-the-passcode');
  await guest.page.getByRole('button', { name: 'Continue' }).click();
  await expect(guest.page.getByRole('alert')).toContainText(/wrong passcode/i);
  await expect(guest.page.getByRole('button', { name: 'Leave' })).toHaveCount(0);
  await host.page.waitForTimeout(1500);
  await expect(host.page.getByTestId('tile')).toHaveCount(1);

  await guest.page.getByLabel('Passcode').fill(passcode);
  await guest.page.getByRole('button', { name: 'Continue' }).click();
  await expect(guest.page.getByRole('button', { name: 'Leave' })).toBeVisible();
  await expectMediaFrom(host, ['Beatrice']);
  await expectMediaFrom(guest, ['Anakin']);
  // Both hold the effective secret: the E2EE proof verifies, the shared doc syncs.
  await expect(host.page.getByRole('figure', { name: 'Beatrice', exact: true }).getByRole('img', { name: 'End-to-end encrypted' })).toBeVisible();
});
