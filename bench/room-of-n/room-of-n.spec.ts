/**
 * A real room above the default `controlMesh` (16) at the app's defaults: RN_PAGES pages join
 * one after another, cameras off and muted (`video=0&audio=0&quality=low`), so that as many as
 * possible fit one machine. Then what a person would check: everyone listed by name and
 * verified; each page connected to its overlay neighbours only; one epoch key and the same
 * safety words everywhere; a chat message from the last to join reaching the first (no
 * connection between them); one camera turned on and decoded by everyone over the relay tree.
 * Each milestone's time (s after the last join) and the load average are printed and written
 * to bench/results/room-of-n.json, including how far a failed run got.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { REPO_ROOT } from '../../relay/options';
import { controlNeighbours, DEFAULT_CONTROL_OVERLAY } from '../../src/tree/control-overlay';
import { newRoomUrl } from '../../tests/e2e/harness/participant';
import { useRelayPerTest } from '../../tests/e2e/harness/relay-per-test';
import { connectedTo, describeTree, expectTreeVideo, joinTree, verifiedNames, type Person } from '../../tests/e2e/harness/tree-person';

const fx = useRelayPerTest();
const PAGES = Number(process.env.RN_PAGES ?? 24);

test(`a room of ${PAGES} pages at the default thresholds`, async ({ browser }) => {
  const url = `${newRoomUrl(fx.relay.url)}?quality=low&ns=0&audio=0&video=0`;
  const all: Person[] = [];
  const started = Date.now();
  let lastJoin = started;
  const milestones: { milestone: string; seconds: number; load: number }[] = [];
  const mark = (milestone: string) => {
    const row = { milestone, seconds: Math.round((Date.now() - lastJoin) / 100) / 10, load: Math.round((os.loadavg()[0] ?? 0) * 10) / 10 };
    milestones.push(row);
    console.log(`[room-of-n] ${milestone}: ${row.seconds} s, load ${row.load}`);
  };
  try {
    for (let i = 0; i < PAGES; i++) all.push(await joinTree(browser, url, `P${String(i + 1).padStart(2, '0')}`, fx.people));
    lastJoin = Date.now();
    milestones.push({ milestone: `${PAGES} pages joined (s from the first)`, seconds: Math.round((lastJoin - started) / 100) / 10, load: Math.round((os.loadavg()[0] ?? 0) * 10) / 10 });
    const ids = all.map((p) => p.id);
    const names = all.map((p) => p.name);
    for (const p of all) await expect(p.page.getByRole('status', { name: 'Call mode' })).toHaveText('Relay tree · E2EE', { timeout: 180_000 });
    mark('every page in tree mode');
    for (const p of all) await expect.poll(() => verifiedNames(p), { timeout: 300_000, intervals: [2000], message: `${p.name}'s participants` }).toEqual(names.filter((n) => n !== p.name).sort());
    mark('everyone lists everyone, verified');
    for (const p of all) await expect.poll(() => connectedTo(p), { timeout: 180_000, intervals: [2000], message: `${p.name}'s control connections` }).toEqual(controlNeighbours(ids, p.id, DEFAULT_CONTROL_OVERLAY));
    mark('control connections: overlay neighbours only');
    await expect.poll(async () => new Set(await Promise.all(all.map((p) => p.page.evaluate(() => window.__lunar?.epoch() ?? -1)))).size, { timeout: 180_000, intervals: [2000], message: 'pages holding different epochs' }).toBe(1);
    await expect.poll(async () => new Set(await Promise.all(all.map((p) => p.page.evaluate(() => (window.__lunar?.safetyWords() ?? []).join(' '))))).size, { timeout: 120_000, intervals: [2000], message: 'pages showing different safety words' }).toBe(1);
    mark('one epoch, the same safety words');
    const author = all[all.length - 1] as Person;
    const reader = all[0] as Person;
    await author.page.getByRole('button', { name: 'Chat', exact: true }).click();
    await author.page.getByRole('textbox', { name: 'Message', exact: true }).fill('all of us');
    await author.page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await reader.page.getByRole('button', { name: 'Chat', exact: true }).click();
    await expect(reader.page.getByTestId('chat-message').filter({ hasText: 'all of us' })).toBeVisible({ timeout: 120_000 });
    mark('chat from the last to join reaches the first');
    const camera = all[1] as Person;
    await camera.page.getByRole('button', { name: 'Turn on camera' }).click();
    for (const p of all) if (p !== camera) await expectTreeVideo(p, [camera], 300_000, 2000);
    mark(`everyone decodes ${camera.name}'s camera over the tree`);
  } catch (error) {
    mark(`failed: ${String(error).split('\n')[0]}`);
    for (const p of all) console.log(p.name, p.id.slice(0, 4), JSON.stringify(await describeTree(p).catch(() => 'gone')));
    throw error;
  } finally {
    const dir = path.join(REPO_ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'room-of-n.json'), `${JSON.stringify({ pages: PAGES, cores: os.cpus().length, milestones }, null, 2)}\n`);
    console.table(milestones);
  }
});
