/**
 * RNNoise in its AudioWorklet, in real Chromium: a noisy fixture (white noise + 440 Hz tone)
 * loses most of its energy when suppression is on, and keeps it when toggled off.
 * Needs `vite build -c vite.test-pages.config.ts` (part of `npm run build`).
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startRelay, type RelayProcess } from './harness/relay-process';

let relay: RelayProcess;

test.beforeEach(async () => {
  relay = await startRelay({ STATIC_DIR: path.resolve('dist/test-pages') });
});
test.afterEach(async () => {
  await relay.stop();
});

test('noise suppression changes the energy of a noisy signal, and the toggle turns it off', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${relay.url}/noise-suppression.html`);
  await page.evaluate(() => window.noiseTest.setup());
  await page.waitForTimeout(500); // let RNNoise's state settle on the noise
  const on = await page.evaluate(() => window.noiseTest.measure(1500));
  console.log('suppression on', on);
  expect(on.raw).toBeGreaterThan(0.1);
  expect(on.processed).toBeLessThan(on.raw * 0.5);

  await page.evaluate(() => window.noiseTest.setEnabled(false));
  await page.waitForTimeout(300);
  const off = await page.evaluate(() => window.noiseTest.measure(1500));
  console.log('suppression off', off);
  expect(off.processed).toBeGreaterThan(off.raw * 0.8);
  expect(off.processed).toBeLessThan(off.raw * 1.2);

  await page.evaluate(() => window.noiseTest.dispose());
  expect(errors).toEqual([]);
});
