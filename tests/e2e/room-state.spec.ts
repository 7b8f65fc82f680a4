/**
 * The shared room state (issue 5) as people meet it, in real Chromium with separate
 * contexts: group chat with history for a late joiner, private messages that reach only
 * their recipient (and never the shared doc), names changed in the call, hands, reactions
 * and polls seen by all, and a hostile member's doc writes that break nobody's UI. Every
 * test runs behind the recording proxy: the relay never receives chat text, names or votes.
 */
import { expect, test, type Page } from '@playwright/test';
import { createRoom, formatRoomHash } from '../../src/room/room-link';
import { joinCall, type Participant } from './harness/participant';
import { startRecordingProxy, type RecordingProxy } from './harness/recording-proxy';
import { startRelay, type RelayProcess } from './harness/relay-process';

let relay: RelayProcess;
let proxy: RecordingProxy;
const people: Participant[] = [];
/** Strings that must never reach the relay in clear. */
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
  // Privacy: the relay saw traffic (doc signalling went through it) but none of what people typed.
  expect(seen).toContain('/yjs');
  for (const needle of secrets) expect(seen.includes(needle), `relay saw "${needle}"`).toBe(false);
});

function roomUrl(): string {
  const { roomId, secret } = createRoom();
  secrets.push(roomId, secret);
  return `${proxy.url}/${formatRoomHash(roomId, secret)}`;
}

async function join(browser: Parameters<typeof joinCall>[0], room: string, name: string, extra = ''): Promise<Participant> {
  secrets.push(name);
  const p = await joinCall(browser, room, name, `&audio=0${extra}`);
  people.push(p);
  return p;
}

const chatButton = (page: Page) => page.getByRole('button', { name: 'Chat', exact: true });

async function openChat(page: Page): Promise<void> {
  if ((await chatButton(page).getAttribute('aria-expanded')) !== 'true') await chatButton(page).click();
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
}

async function say(page: Page, text: string, to?: string): Promise<void> {
  await openChat(page);
  if (to) await page.getByLabel('Send to').selectOption({ label: `${to} (private)` });
  else await page.getByLabel('Send to').selectOption({ label: 'Everyone' });
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

/** A person's tile as `p` sees it (their own tile says "(you)"). */
const tile = (p: Participant, name: string) => p.page.getByRole('figure', { name: p.name === name ? `${name} (you)` : name, exact: true });

const messages = (page: Page) => page.getByTestId('chat-message');

async function waitForTiles(p: Participant, names: string[]): Promise<void> {
  for (const name of names) await expect(p.page.getByRole('figure', { name, exact: true })).toBeVisible({ timeout: 30_000 });
}

test('chat among three: names, times, safe links, unread badge, history for a late joiner, renames', async ({ browser }) => {
  const room = roomUrl();
  const ana = await join(browser, room, 'Anakin');
  const bea = await join(browser, room, 'Beatrice');
  await waitForTiles(ana, ['Beatrice']);

  const hello = 'hello-from-ana-7f3a';
  const link = 'see https://example.org/agenda?x=1 and <img src=x onerror=alert(1)> javascript:alert(2)';
  secrets.push(hello, 'agenda?x=1');
  await say(ana.page, hello);
  await say(ana.page, link);
  // Bea has the chat closed: a badge counts what she has not read.
  await expect(bea.page.getByTestId('unread-badge')).toHaveText('2', { timeout: 20_000 });
  await openChat(bea.page);
  await expect(bea.page.getByTestId('unread-badge')).toHaveCount(0);
  await expect(messages(bea.page)).toHaveCount(2);
  const first = messages(bea.page).nth(0);
  await expect(first).toContainText('Anakin');
  await expect(first).toContainText(hello);
  await expect(first.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);
  // Links: only the http(s) URL became an anchor, opened safely; the markup stayed text.
  const second = messages(bea.page).nth(1);
  await expect(second.locator('a')).toHaveCount(1);
  await expect(second.locator('a')).toHaveAttribute('href', 'https://example.org/agenda?x=1');
  await expect(second.locator('a')).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(second.locator('a')).toHaveAttribute('target', '_blank');
  await expect(second.locator('img')).toHaveCount(0);
  await expect(second).toContainText('<img src=x onerror=alert(1)>');

  const reply = 'reply-from-bea-91c2';
  secrets.push(reply);
  await say(bea.page, reply);
  await expect(messages(ana.page)).toHaveCount(3);

  // A late joiner gets the whole history from the others (no server keeps it).
  const cem = await join(browser, room, 'Cemile');
  await openChat(cem.page);
  await expect(messages(cem.page)).toHaveCount(3, { timeout: 30_000 });
  await expect(messages(cem.page).nth(0)).toContainText(hello);
  await expect(messages(cem.page).nth(2)).toContainText(reply);
  await expect(messages(cem.page).nth(2)).toContainText('Beatrice');

  // Bea renames herself in the call: everyone's tile follows.
  secrets.push('Beatrix');
  await bea.page.getByRole('button', { name: 'Participants' }).click();
  await bea.page.getByRole('textbox', { name: 'Your name' }).fill('Beatrix');
  await bea.page.getByRole('button', { name: 'Change name' }).click();
  for (const p of [ana, cem]) await expect(p.page.getByRole('figure', { name: 'Beatrix', exact: true })).toBeVisible();
  await say(bea.page, 'now-as-beatrix');
  await expect(messages(cem.page).nth(3)).toContainText('Beatrix');
});

test('a private message reaches its recipient only and never enters the shared doc', async ({ browser }) => {
  const room = roomUrl();
  const ana = await join(browser, room, 'Anakin');
  const bea = await join(browser, room, 'Beatrice');
  const cem = await join(browser, room, 'Cemile');
  await waitForTiles(ana, ['Beatrice', 'Cemile']);
  await waitForTiles(bea, ['Anakin', 'Cemile']);
  await waitForTiles(cem, ['Anakin', 'Beatrice']);

  const whisper = 'just-for-bea-5d1e';
  const shout = 'for-everyone-22aa';
  secrets.push(whisper, shout);
  await say(ana.page, whisper, 'Beatrice');
  await say(ana.page, shout);
  await expect(bea.page.getByTestId('unread-badge')).toHaveText('2', { timeout: 20_000 });
  await openChat(bea.page);
  await expect(messages(bea.page).filter({ hasText: whisper })).toContainText('(private)');
  await openChat(cem.page);
  await expect(messages(cem.page).filter({ hasText: shout })).toHaveCount(1);
  await expect(messages(cem.page).filter({ hasText: whisper })).toHaveCount(0);
  // Not in anyone's copy of the doc: Cem's (and Bea's) holds the group message only.
  for (const p of [cem, bea]) {
    const dump = JSON.stringify(await p.page.evaluate(() => window.__lunar?.room?.dump() ?? null));
    expect(dump).toContain(shout);
    expect(dump).not.toContain(whisper);
  }
});

test('hands, reactions and a poll are seen by all, a late joiner sees the poll', async ({ browser }) => {
  const room = roomUrl();
  const ana = await join(browser, room, 'Anakin');
  const bea = await join(browser, room, 'Beatrice');
  const cem = await join(browser, room, 'Cemile');
  await waitForTiles(ana, ['Beatrice', 'Cemile']);
  await waitForTiles(cem, ['Anakin', 'Beatrice']);

  // Hands: Bea first, then Ana; everyone shows the same order.
  await bea.page.getByRole('button', { name: 'Raise hand' }).click();
  await expect(tile(ana, 'Beatrice').getByRole('img', { name: 'Hand raised (1)' })).toBeVisible();
  await ana.page.getByRole('button', { name: 'Raise hand' }).click();
  for (const p of [bea, cem]) {
    await expect(tile(p, 'Beatrice').getByRole('img', { name: 'Hand raised (1)' })).toBeVisible();
    await expect(tile(p, 'Anakin').getByRole('img', { name: 'Hand raised (2)' })).toBeVisible();
  }
  await bea.page.getByRole('button', { name: 'Lower hand' }).click();
  await expect(tile(cem, 'Anakin').getByRole('img', { name: 'Hand raised (1)' })).toBeVisible();
  await expect(tile(cem, 'Beatrice').getByRole('img', { name: /Hand raised/ })).toHaveCount(0);

  // Reactions: shown to everyone, and rate-limited at the sender.
  await cem.page.getByRole('button', { name: 'React 🎉' }).click();
  for (const p of [ana, bea]) await expect(p.page.getByRole('img', { name: '🎉 from Cemile' })).toBeVisible();
  await cem.page.getByRole('button', { name: 'React 👍' }).evaluate((b: HTMLElement) => {
    for (let i = 0; i < 12; i++) b.click();
  });
  await expect(cem.page.getByTestId('room-error')).toContainText(/too many reactions/i);

  // A poll: created by Ana, one vote each, live results everywhere.
  const question = 'Lunch-at-noon-q9';
  secrets.push(question, 'Pizza-opt', 'Sushi-opt');
  await ana.page.getByRole('button', { name: 'Polls', exact: true }).click();
  await ana.page.getByLabel('Poll question').fill(question);
  await ana.page.getByLabel('Poll options').fill('Pizza-opt\nSushi-opt');
  await ana.page.getByRole('button', { name: 'Create poll' }).click();
  for (const [p, choice] of [
    [bea, 'Sushi-opt'],
    [cem, 'Sushi-opt'],
    [ana, 'Pizza-opt'],
  ] as const) {
    if ((await p.page.getByRole('button', { name: 'Polls', exact: true }).getAttribute('aria-expanded')) !== 'true') await p.page.getByRole('button', { name: 'Polls', exact: true }).click();
    const poll = p.page.getByRole('region', { name: `Poll: ${question}` });
    await poll.getByRole('button', { name: choice }).click();
    // Voted: cannot vote again.
    await expect(poll.getByRole('button', { name: choice })).toBeDisabled();
  }
  for (const p of [ana, bea, cem]) {
    const poll = p.page.getByRole('region', { name: `Poll: ${question}` });
    await expect(poll.getByText('3 voted')).toBeVisible();
    await expect(poll.getByTestId('poll-count')).toHaveText(['1 vote', '2 votes']);
  }
  const dan = await join(browser, room, 'Dandelion');
  await dan.page.getByRole('button', { name: 'Polls', exact: true }).click();
  await expect(dan.page.getByRole('region', { name: `Poll: ${question}` }).getByTestId('poll-count')).toHaveText(['1 vote', '2 votes'], { timeout: 30_000 });
});

test("a hostile member's raw doc writes (oversized, wrong types) break nobody's UI", async ({ browser }) => {
  const room = roomUrl();
  const ana = await join(browser, room, 'Anakin');
  // Mal plays a hostile member: same link, but writes raw values straight into the doc.
  secrets.push('Malory');
  const mal = await (async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    await context.addInitScript(() => {
      window.__lunarTestHooks = { rawDocWrites: true };
    });
    const page = await context.newPage();
    await page.goto(`${room}?prejoin=0&audio=0&name=Malory`);
    await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
    const p: Participant = { name: 'Malory', context, page, peers: async () => [], close: () => context.close() };
    people.push(p);
    return p;
  })();
  await waitForTiles(ana, ['Malory']);
  await say(ana.page, 'before-the-attack');
  await expect.poll(() => mal.page.evaluate(() => JSON.stringify(window.__lunar?.room?.dump() ?? {})), { timeout: 20_000 }).toContain('before-the-attack');

  await mal.page.evaluate(() => {
    const w = window.__lunar?.room?.writeRaw;
    if (!w) throw new Error('no raw write hook');
    const huge = 'X'.repeat(200_000);
    w('chat', 'array', { id: 'huge1', from: 'a'.repeat(32), name: 'Malory', text: huge, at: Date.now() });
    w('chat', 'array', { id: 42, from: null, name: { html: '<b>' }, text: ['x'], at: 'now' });
    w('chat', 'array', 'just a string');
    w('chat', 'array', null);
    w('hands', 'map', 'not-a-time', 'b'.repeat(32));
    w('hands', 'map', { evil: true }, '../../etc');
    w('polls', 'map', { id: 'p1', createdBy: 'x', question: 'Q', options: 'not-an-array', at: 1 }, 'p1');
    w('polls', 'map', { id: 'p2', createdBy: 'x', question: 'Q'.repeat(10_000), options: ['a', 'b'], at: 1 }, 'p2');
    w('votes', 'map', 99, 'p2.x');
    w('reactions', 'array', { id: 'r1', from: 'x', emoji: '<script>', at: Date.now() });
    w('modlog', 'array', { forged: 'remove everyone' });
  });
  // Ana's UI keeps working: the garbage shows nowhere, chat still flows both ways.
  await say(mal.page, 'after-the-attack');
  await openChat(ana.page);
  await expect(messages(ana.page).filter({ hasText: 'after-the-attack' })).toHaveCount(1, { timeout: 20_000 });
  await expect(messages(ana.page)).toHaveCount(2);
  await expect(ana.page.getByText('XXXXXXXXXX')).toHaveCount(0);
  await expect(ana.page.getByRole('img', { name: /Hand raised/ })).toHaveCount(0);
  await say(ana.page, 'still-alive');
  await openChat(mal.page);
  await expect(messages(mal.page).filter({ hasText: 'still-alive' })).toHaveCount(1);
  await ana.page.getByRole('button', { name: 'Polls', exact: true }).click();
  await expect(ana.page.getByRole('region', { name: /^Poll:/ })).toHaveCount(0);
  await expect(ana.page.getByRole('button', { name: 'Leave' })).toBeVisible();
});

test('the dominant speaker shows on the tile; stage view follows them, pin overrides', async ({ browser }) => {
  const room = roomUrl();
  const ana = await join(browser, room, 'Anakin');
  // Beatrice speaks (the fake microphone's tone); Anakin stays muted.
  secrets.push('Beatrice');
  const bea = await joinCall(browser, room, 'Beatrice');
  people.push(bea);
  await waitForTiles(ana, ['Beatrice']);
  // The harness joins without RNNoise (testRoomUrl), which would remove the fake microphone's pure tone.
  await expect(tile(ana, 'Beatrice').getByRole('img', { name: 'Speaking' })).toBeVisible({ timeout: 20_000 });
  await expect(tile(ana, 'Beatrice')).toHaveAttribute('data-speaking', 'true');
  await expect(tile(ana, 'Anakin').getByRole('img', { name: 'Speaking' })).toHaveCount(0);
  // Her own page measures her microphone locally (WebAudio): she is the speaker there too.
  await expect(tile(bea, 'Beatrice').getByRole('img', { name: 'Speaking' })).toBeVisible();

  // Muting takes the indicator away within about a second (after the release time).
  await bea.page.getByRole('button', { name: 'Mute microphone' }).click();
  await expect(tile(ana, 'Beatrice').getByRole('img', { name: 'Speaking' })).toHaveCount(0, { timeout: 6000 });

  // Stage view: the speaker (or first other) on stage; a pin wins.
  await ana.page.getByRole('button', { name: 'Stage view' }).click();
  await expect(ana.page.getByRole('region', { name: 'Participants' })).toHaveAttribute('data-layout', 'stage');
  await expect(ana.page.locator('.tile-slot.on-stage').getByRole('figure')).toHaveAccessibleName('Beatrice');
  await tile(ana, 'Anakin').getByRole('button', { name: 'Pin', exact: true }).click();
  await expect(ana.page.locator('.tile-slot.on-stage').getByRole('figure')).toHaveAccessibleName('Anakin (you)');
  await ana.page.getByRole('button', { name: 'Tile view' }).click();
  await expect(ana.page.getByRole('region', { name: 'Participants' })).toHaveAttribute('data-layout', 'tile');
});
