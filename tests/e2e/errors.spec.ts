/** What a person sees when something outside the call goes wrong. */
import { expect, test } from '@playwright/test';
import { newRoomUrl } from './harness/participant';
import { startRelay } from './harness/relay-process';

test('an unreachable relay gets a clear message and a way to retry', async ({ browser }) => {
  // Serve the app from a relay, then stop it: config and signalling are both unreachable.
  const relay = await startRelay();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${relay.url}/`);
  await expect(page.getByRole('button', { name: 'Start a meeting' })).toBeVisible();
  await relay.stop();
  await page.getByRole('button', { name: 'Start a meeting' }).click();
  // The config came with the home page, so pre-join still shows; joining finds no relay.
  await page.getByRole('button', { name: 'Join meeting' }).click();
  await expect(page.getByRole('alert')).toContainText("Can't reach the meeting server");
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  await context.close();
});

test('a damaged link says what to do', async ({ browser }) => {
  const relay = await startRelay();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${relay.url}/#/r/short`);
  await expect(page.getByRole('alert')).toContainText('incomplete');
  await context.close();
  await relay.stop();
});

test('leaving while the camera is still opening closes it when it opens', async ({ browser }) => {
  // A permission prompt can stay up as long as the person likes; they leave the room meanwhile
  // (here: back to the home page). When the devices open after all, they must not stay on.
  const relay = await startRelay();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // getUserMedia answers only when the test says so; every track it gave is kept to look at.
    await page.addInitScript(() => {
      const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      const w = window as unknown as { __gumTracks: MediaStreamTrack[]; __releaseGum: () => void };
      w.__gumTracks = [];
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      w.__releaseGum = release;
      navigator.mediaDevices.getUserMedia = async (c) => {
        const s = await real(c);
        w.__gumTracks.push(...s.getTracks());
        await released;
        return s;
      };
    });
    await page.goto(newRoomUrl(relay.url));
    await expect(page.getByRole('button', { name: 'Join meeting' })).toBeVisible();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __gumTracks: MediaStreamTrack[] }).__gumTracks.length)).toBeGreaterThan(0);
    await page.evaluate(() => (location.hash = '#/'));
    await expect(page.getByRole('button', { name: 'Start a meeting' })).toBeVisible();
    await page.evaluate(() => (window as unknown as { __releaseGum: () => void }).__releaseGum());
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __gumTracks: MediaStreamTrack[] }).__gumTracks.map((t) => `${t.kind} ${t.readyState}`).sort()), {
        message: 'the devices opened after leaving should be closed',
      })
      .toEqual(['audio ended', 'video ended']);
  } finally {
    await context.close();
    await relay.stop();
  }
});
