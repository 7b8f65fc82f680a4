/**
 * The participants panel for large rooms: a search box and a virtualised list.
 *
 * In a call: three people join through the real relay; one opens the panel, sees all three,
 * and narrows the list by typing part of a name.
 *
 * A room of 1,000: no machine can run 1,000 pages, so tests/pages/participants-panel.js mounts
 * the real component (and the app's styles, in the call's layout) with 1,000 entries. The spec
 * builds that page with Vite from the current source before the tests, into a temporary folder
 * the relay serves: nothing stale from an earlier `npm run build`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { build } from 'vite';
import solid from 'vite-plugin-solid';
import { joinCall, newRoomUrl } from './harness/participant';
import { useRelayPerTest } from './harness/relay-per-test';
import { startRelay, type RelayProcess } from './harness/relay-process';

const panelOf = (page: Page) => page.getByRole('complementary', { name: 'Participants list' });
const rowOf = (page: Page, name: string) => panelOf(page).getByRole('listitem').filter({ hasText: name });

test.describe('in a call', () => {
  const fx = useRelayPerTest();

  test('three people: the panel lists everyone, search narrows it to one and back', async ({ browser }) => {
    const room = `${newRoomUrl(fx.relay.url)}?quality=low`;
    for (const name of ['Anakin', 'Beatrice', 'Çiğdem']) fx.people.push(await joinCall(browser, room, name));
    const ana = fx.people[0]!;
    await ana.page.getByRole('button', { name: 'Participants' }).click();
    const panel = panelOf(ana.page);
    await expect(panel.getByRole('heading', { name: 'People (3)' })).toBeVisible();
    await expect(panel.getByRole('listitem')).toHaveCount(3);
    await expect(rowOf(ana.page, 'Anakin (you)')).toBeVisible();
    await expect(panel.getByRole('slider', { name: 'Volume of Beatrice' })).toBeVisible();
    // The row is the person the call knows: the same peer id as their tile.
    const beaTile = await ana.page.getByRole('figure', { name: 'Beatrice', exact: true }).getAttribute('data-peer-id');
    await expect(rowOf(ana.page, 'Beatrice')).toHaveAttribute('data-peer-id', beaTile ?? 'missing');

    const search = panel.getByRole('searchbox', { name: 'Search participants' });
    await search.fill('BEA');
    await expect(panel.getByRole('listitem')).toHaveCount(1);
    await expect(panel.getByRole('listitem')).toContainText('Beatrice');
    // Accents are optional in the query, case does not matter.
    await search.fill('cig');
    await expect(panel.getByRole('listitem')).toHaveCount(1);
    await expect(panel.getByRole('listitem')).toContainText('Çiğdem');
    await search.fill('zz');
    await expect(panel.getByRole('listitem')).toHaveCount(0);
    await expect(panel.getByRole('status').filter({ hasText: 'No one matches' })).toBeVisible();
    // The header keeps the room's count while a search narrows the list.
    await expect(panel.getByRole('heading', { name: 'People (3)' })).toBeVisible();
    await search.fill('');
    await expect(panel.getByRole('listitem')).toHaveCount(3);
    await expect(panel.getByText('No one matches')).toHaveCount(0);
  });
});

test.describe('a room of 1,000', () => {
  let pageDir = '';
  let relay: RelayProcess;
  const contexts: BrowserContext[] = [];

  test.beforeAll(async () => {
    pageDir = await mkdtemp(path.join(os.tmpdir(), 'participants-panel-page-'));
    await build({
      configFile: false,
      logLevel: 'warn',
      root: path.resolve('tests/pages'),
      base: './',
      plugins: [solid()],
      build: { outDir: pageDir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: path.resolve('tests/pages/participants-panel.html') } },
    });
    relay = await startRelay({ STATIC_DIR: pageDir });
  });
  test.afterAll(async () => {
    await relay?.stop();
    if (pageDir) await rm(pageDir, { recursive: true, force: true });
  });
  test.afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  });

  async function openPanel(browser: Browser): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.log(`[panel page] pageerror: ${err.message}`));
    await page.goto(`${relay.url}/participants-panel.html`);
    await expect(panelOf(page).getByRole('heading', { name: 'People (1000)' })).toBeVisible();
    return page;
  }

  const scroller = (page: Page) => panelOf(page).locator('.people-scroll');
  const calls = (page: Page) => page.evaluate(() => (window as unknown as { panelPage: { calls: unknown[][] } }).panelPage.calls);

  test('only the rows in view are in the DOM; the scrollbar spans all 1,000; the last person is at the bottom', async ({ browser }) => {
    const page = await openPanel(browser);
    const rows = panelOf(page).getByRole('listitem');
    const inDom = await rows.count();
    expect(inDom).toBeGreaterThan(3);
    expect(inDom).toBeLessThan(40);
    // Raised hands first, in queue order, then join order (the local person joined first).
    await expect(rows.nth(0)).toContainText('Guest 0700');
    await expect(rows.nth(0).getByRole('img', { name: 'Hand raised (1)' })).toBeVisible();
    await expect(rows.nth(1)).toContainText('Guest 0040');
    await expect(rows.nth(2)).toContainText('Me Myself (you)');
    await expect(rows.nth(3)).toContainText('Guest 0002');
    await expect(rows.nth(0)).toHaveAttribute('aria-setsize', '1000');

    // The scrollable height is every row's, so the scrollbar thumb is the right size.
    const rowHeight = await rows.nth(0).evaluate((li) => li.getBoundingClientRect().height);
    expect(rowHeight).toBeGreaterThan(30);
    expect(await scroller(page).evaluate((el) => el.scrollHeight)).toBeCloseTo(1000 * rowHeight, 0);

    // Scrolled to the end with the mouse wheel: the last person who joined is there, in view.
    await scroller(page).hover();
    await page.mouse.wheel(0, 1000 * rowHeight);
    const last = rowOf(page, 'Yara Último');
    await expect(last).toBeInViewport();
    await expect(last).toHaveAttribute('aria-posinset', '1000');
    await expect(last).toHaveAttribute('data-peer-id', 'peer-1000');
    expect(await rows.count()).toBeLessThan(40);
    await expect(rowOf(page, 'Guest 0700')).toHaveCount(0);
    // Its bottom edge is the list's: no gap, no row cut off below the spacer.
    const [rowBottom, listBottom] = await Promise.all([last.evaluate((li) => li.getBoundingClientRect().bottom), scroller(page).evaluate((el) => el.getBoundingClientRect().top + el.clientHeight)]);
    expect(Math.abs(rowBottom - listBottom)).toBeLessThanOrEqual(1);

    // Its controls are wired to that person.
    await last.getByRole('button', { name: 'Mute', exact: true }).click();
    await last.getByRole('button', { name: 'Remove', exact: true }).click();
    await panelOf(page).getByRole('slider', { name: 'Volume of Yara Último' }).fill('25');
    expect(await calls(page)).toEqual([
      ['mute', 'peer-1000'],
      ['remove', 'peer-1000'],
      ['volume', 'peer-1000', 0.25],
    ]);
  });

  test('search filters 1,000 names (case and accents ignored), says when no one matches, and clears back to the top', async ({ browser }) => {
    const page = await openPanel(browser);
    const panel = panelOf(page);
    const rows = panel.getByRole('listitem');
    const search = panel.getByRole('searchbox', { name: 'Search participants' });
    await scroller(page).evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await expect(panel.locator('li[aria-posinset="502"]')).toBeInViewport();

    await search.fill('angstrom');
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText('Zoë Ångström');
    await expect(rows).toHaveAttribute('aria-setsize', '1');
    await search.fill('STRASSE');
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText('Çiğdem Straße');
    // 100 matches: still only a window of them in the DOM, from the first.
    await search.fill('guest 09');
    await expect(rows.first()).toContainText('Guest 0900');
    await expect(rows.first()).toHaveAttribute('aria-setsize', '100');
    expect(await rows.count()).toBeLessThan(40);
    await search.fill('nobody by this name');
    await expect(rows).toHaveCount(0);
    await expect(panel.getByRole('status')).toHaveText('No one matches');
    await expect(panel.getByRole('heading', { name: 'People (1000)' })).toBeVisible();

    await search.fill('');
    await expect(rows.first()).toContainText('Guest 0700');
    await expect(rows.first()).toHaveAttribute('aria-setsize', '1000');
    await expect(panel.getByRole('status')).toHaveText('');
    expect(await scroller(page).evaluate((el) => el.scrollTop)).toBe(0);
  });

  test('Tab walks the rows past the first screen, each focused control scrolled into view; a focused control survives updates', async ({ browser }) => {
    const page = await openPanel(browser);
    const firstRendered = await panelOf(page).getByRole('listitem').count();
    await panelOf(page).getByRole('searchbox', { name: 'Search participants' }).focus();
    // Three controls a row (volume, Mute, Remove): 75 presses go well past the rows first rendered.
    for (let i = 0; i < 75; i++) await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const li = el.closest('li');
      const list = el.closest('.people-scroll')?.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return {
        label: el.getAttribute('aria-label') ?? el.textContent,
        peerId: li?.dataset.peerId,
        position: Number(li?.getAttribute('aria-posinset')),
        inView: !!list && box.top >= list.top - 1 && box.bottom <= list.bottom + 1,
      };
    });
    expect(focused.position).toBeGreaterThan(firstRendered);
    expect(focused.inView).toBe(true);

    // The room changes (this person's mic): the call hands the panel a whole new array; the
    // row shows the change and the focused control is still focused (rows are keyed by peer id).
    const row = panelOf(page).locator(`li[data-peer-id="${focused.peerId ?? 'none'}"]`);
    const micBefore = await row.getByRole('img', { name: /^Microphone/ }).getAttribute('aria-label');
    await page.evaluate((id) => (window as unknown as { panelPage: { toggleMic: (peerId: string) => void } }).panelPage.toggleMic(id), focused.peerId ?? 'none');
    await expect(row.getByRole('img', { name: /^Microphone/ })).not.toHaveAttribute('aria-label', micBefore ?? '');
    expect(await page.evaluate(() => document.activeElement?.closest('li')?.dataset.peerId)).toBe(focused.peerId);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent)).toBe(focused.label);
  });
});
