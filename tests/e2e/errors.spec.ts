/** What a person sees when something outside the call goes wrong. */
import { expect, test } from '@playwright/test';
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
