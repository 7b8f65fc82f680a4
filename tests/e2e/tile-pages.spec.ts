/**
 * Paginated tiles: with `tiles=2` (two tiles a page, ours included) three people need two
 * pages. Ana pages through them; whoever is off her page is still heard (a playing audio
 * element with a live track); and when Cem speaks he comes to her first page, as a speaker in
 * a room of hundreds would.
 */
import { expect, test, type Page } from '@playwright/test';
import { joinCall, newRoomUrl } from './harness/participant';
import { useRelayPerTest } from './harness/relay-per-test';

const fx = useRelayPerTest();

const tileNames = (page: Page) => page.getByTestId('tile').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));

/** Names whose audio plays off-page: a playing <audio> with a live audio track. */
const offPageAudio = (page: Page) =>
  page.locator('.off-page-audio audio').evaluateAll((els) =>
    (els as HTMLAudioElement[])
      .filter((a) => !a.paused && a.srcObject instanceof MediaStream && a.srcObject.getAudioTracks().some((t) => t.readyState === 'live'))
      .map((a) => (a.getAttribute('aria-label') ?? '').replace(/^Audio of /, '')),
  );

test('three people on pages of two: page through, hear the off-page person, the speaker comes to page one', async ({ browser }) => {
  test.setTimeout(120_000);
  const url = `${newRoomUrl(fx.relay.url)}?tiles=2&quality=low&audio=0`;
  const ana = await joinCall(browser, url, 'Ana');
  fx.people.push(ana);
  for (const name of ['Bea', 'Cem']) fx.people.push(await joinCall(browser, url, name));
  const [, , cem] = fx.people as [unknown, unknown, { page: Page }];
  const pager = ana.page.getByRole('status', { name: 'Tile page' });
  await expect(pager).toHaveText('Page 1 of 2', { timeout: 30_000 });

  // Page one: Ana and the first to join after her; page two: the other.
  await expect.poll(() => tileNames(ana.page), { timeout: 30_000 }).toEqual(['Ana (you)', 'Bea']);
  await expect.poll(() => offPageAudio(ana.page), { timeout: 30_000 }).toEqual(['Cem']);
  await expect(ana.page.getByRole('button', { name: 'Previous page' })).toBeDisabled();
  await ana.page.getByRole('button', { name: 'Next page' }).click();
  await expect(pager).toHaveText('Page 2 of 2');
  await expect.poll(() => tileNames(ana.page)).toEqual(['Cem']);
  await expect.poll(() => offPageAudio(ana.page), { timeout: 30_000 }).toEqual(['Bea']);
  await expect(ana.page.getByRole('button', { name: 'Next page' })).toBeDisabled();
  await ana.page.getByRole('button', { name: 'Previous page' }).click();
  await expect(pager).toHaveText('Page 1 of 2');

  // Cem speaks (the fake microphone's tone): he takes Bea's place on Ana's first page.
  await cem.page.getByRole('button', { name: 'Unmute microphone' }).click();
  await expect.poll(() => tileNames(ana.page), { timeout: 30_000 }).toEqual(['Ana (you)', 'Cem']);
  await expect(ana.page.getByRole('figure', { name: 'Cem' }).getByRole('img', { name: 'Speaking' })).toBeVisible();
  await expect.poll(() => offPageAudio(ana.page), { timeout: 30_000 }).toEqual(['Bea']);
});
