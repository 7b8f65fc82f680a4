/**
 * A large room on the control overlay (src/tree/control-overlay.ts): with `controlMesh=4`,
 * eight pages stop holding a control connection to every other and keep only their overlay
 * neighbours'. What a person sees must not change: everyone is listed by name with the same
 * safety words, the tree forms and every page decodes the active sources with the room's one
 * epoch key; a chat message reaches pages with no connection to its author (the room doc
 * passed on), a private message only its recipient (sealed to its key), a screen share a page
 * with no connection to the sharer (it connects while the share lasts). When a forwarder
 * crashes, everyone stops listing it and the others decode the active sources again; when the
 * room shrinks to `controlMesh`, every page connects to every other again.
 */
import { expect, test } from '@playwright/test';
import { controlNeighbours, DEFAULT_CONTROL_OVERLAY } from '../../src/tree/control-overlay';
import { newRoomUrl } from './harness/participant';
import { useRelayPerTest } from './harness/relay-per-test';
import { connectedTo, describeTree, expectTreeVideo, joinTree, verifiedNames, type Person } from './harness/tree-person';

const fx = useRelayPerTest();
const CONTROL_MESH = 4;

async function openChat(p: Person): Promise<void> {
  const button = p.page.getByRole('button', { name: 'Chat', exact: true });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await expect(p.page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
}

test('eight pages on the control overlay: only neighbours connected, everyone listed, media and chat reach all', async ({ browser }) => {
  test.setTimeout(300_000);
  const url = `${newRoomUrl(fx.relay.url)}?meshMax=3&controlMesh=${CONTROL_MESH}&lastN=4&quality=low&ns=0&audio=0`;
  const names = ['Ana', 'Bea', 'Cem', 'Dan', 'Eli', 'Fay', 'Gus', 'Hal'];
  const all: Person[] = [];
  try {
    for (const name of names) all.push(await joinTree(browser, url, name, fx.people));
    const ids = all.map((p) => p.id);
    for (const p of all) await expect(p.page.getByRole('status', { name: 'Call mode' })).toHaveText('Relay tree · E2EE', { timeout: 120_000 });

    // Each page ends up connected to exactly its overlay neighbours (the others are pruned).
    const options = { ...DEFAULT_CONTROL_OVERLAY, fullMeshUpTo: CONTROL_MESH };
    for (const p of all) {
      const expected = controlNeighbours(ids, p.id, options);
      await expect.poll(() => connectedTo(p), { timeout: 60_000, message: `${p.name}'s control connections` }).toEqual(expected);
    }
    const unlinked = all.flatMap((a) => all.filter((b) => b !== a && !controlNeighbours(ids, a.id, options).includes(b.id)).map((b) => [a, b] as const));
    expect(unlinked.length, 'pairs with no control connection').toBeGreaterThan(0);

    // Everyone lists everyone by name, verified (first-hand or through the overlay).
    for (const p of all) {
      await expect
        .poll(() => verifiedNames(p), { timeout: 30_000, message: `${p.name}'s participants` })
        .toEqual(names.filter((n) => n !== p.name).sort());
    }
    // One epoch key for the whole room, minted after everyone joined (not the link's epoch 0).
    await expect.poll(async () => new Set(await Promise.all(all.map((p) => p.page.evaluate(() => window.__lunar?.epoch() ?? -1)))).size, { timeout: 30_000 }).toBe(1);
    expect(await all[0]!.page.evaluate(() => window.__lunar?.epoch() ?? 0)).toBeGreaterThan(0);

    // The same safety words on every page, though each verified only its neighbours' DTLS.
    await expect.poll(async () => new Set(await Promise.all(all.map((p) => p.page.evaluate(() => (window.__lunar?.safetyWords() ?? []).join(' '))))).size, { timeout: 30_000, message: 'pages showing different safety words' }).toBe(1);
    const active = all.slice(0, 4);
    for (const p of all) await expectTreeVideo(p, active.filter((a) => a !== p), 120_000, 2000);

    // A chat message reaches a page with no connection to its author.
    const [author, reader] = unlinked[0]!;
    await author.page.getByRole('button', { name: 'Chat', exact: true }).click();
    // Enter sends (the pages are small: the call controls cover the Send button).
    await author.page.getByRole('textbox', { name: 'Message', exact: true }).fill('through the overlay');
    await author.page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await reader.page.getByRole('button', { name: 'Chat', exact: true }).click();
    await expect(reader.page.getByTestId('chat-message').filter({ hasText: 'through the overlay' })).toBeVisible({ timeout: 30_000 });
    // A private message too: sealed to the reader's key, passed on by others who cannot read it.
    await author.page.getByLabel('Send to').selectOption({ label: `${reader.name} (private)` });
    await author.page.getByRole('textbox', { name: 'Message', exact: true }).fill('only for you');
    await author.page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await expect(reader.page.getByTestId('chat-message').filter({ hasText: 'only for you' })).toBeVisible({ timeout: 30_000 });
    const bystander = all.find((p) => p !== author && p !== reader) as Person;
    await bystander.page.getByRole('button', { name: 'Chat', exact: true }).click();
    await expect(bystander.page.getByTestId('chat-message').filter({ hasText: 'through the overlay' })).toBeVisible({ timeout: 30_000 });
    await expect(bystander.page.getByTestId('chat-message').filter({ hasText: 'only for you' })).toHaveCount(0);
    for (const p of all) console.log('[tree-overlay]', p.name, 'connections', (await connectedTo(p)).length, JSON.stringify(await p.page.evaluate(() => window.__lunar?.churn() ?? {})));
    // What the overlay costs a page: messages it sent (its own and passed on) per second, over 10 s.
    const before = await Promise.all(all.map((p) => p.page.evaluate(() => window.__lunar?.overlay() ?? {})));
    await new Promise((r) => setTimeout(r, 10_000));
    const after = await Promise.all(all.map((p) => p.page.evaluate(() => window.__lunar?.overlay() ?? {})));
    const rate = (i: number, key: string) => (((after[i]?.[key] ?? 0) - (before[i]?.[key] ?? 0)) / 10).toFixed(1);
    console.log(`[tree-overlay] overlay messages per page per second (beat digests, passed-on messages sent, repeats dropped): ${all.map((p, i) => `${p.name} ${rate(i, 'digests')}, ${rate(i, 'sent')}, ${rate(i, 'duplicates')}`).join('; ')}`);

    // The author shares a screen: screens go over direct connections, so the reader connects
    // to the sharer and decodes the screen; once the share stops that connection goes again.
    await author.page.getByRole('button', { name: 'Share screen' }).click();
    await expect(reader.page.getByRole('figure', { name: `${author.name}'s screen` })).toBeVisible({ timeout: 30_000 });
    const screenFrames = async () => (await reader.peers()).find((x) => x.peerId === author.id)?.screenFramesDecoded ?? 0;
    const firstSeen = await (async () => {
      await expect.poll(screenFrames, { timeout: 30_000, message: `${reader.name} decodes ${author.name}'s screen` }).toBeGreaterThan(0);
      return screenFrames();
    })();
    await expect.poll(screenFrames, { timeout: 15_000, message: 'and keeps decoding it' }).toBeGreaterThan(firstSeen);
    await author.page.getByRole('button', { name: 'Stop sharing' }).click();
    await expect(reader.page.getByRole('figure', { name: `${author.name}'s screen` })).toBeHidden({ timeout: 30_000 });
    await expect.poll(() => connectedTo(reader), { timeout: 30_000, message: `${reader.name} drops the sharer's connection again` }).toEqual(controlNeighbours(ids, reader.id, options));

    // A forwarder's page crashes (no goodbye). Pages with no connection to it learn it through
    // the overlay (its heartbeats stop); its children decode the other sources again.
    let forwarder: Person | undefined;
    for (const p of all) if ((await p.tree()).downstream.some((d) => d.source !== p.id && !d.paused)) forwarder ??= p;
    if (!forwarder) throw new Error("no page forwards another member's media");
    const gone = forwarder;
    const crashed = new Promise<void>((resolve) => gone.page.once('crash', () => resolve()));
    const cdp = await gone.context.newCDPSession(gone.page);
    const droppedAt = Date.now();
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    const left = all.filter((p) => p !== gone);
    const stillActive = active.filter((a) => a !== gone);
    const repaired = await Promise.all(
      left.map(async (p) => {
        await expectTreeVideo(p, stillActive.filter((a) => a !== p), 60_000, 1000);
        return `${p.name} ${Date.now() - droppedAt} ms`;
      }),
    );
    for (const p of left) {
      await expect
        .poll(async () => (await p.page.evaluate(() => window.__lunar?.participants() ?? [])).map((v) => v.name).includes(gone.name), { timeout: 30_000, message: `${p.name} still lists ${gone.name}` })
        .toBe(false);
    }
    console.log(`[tree-overlay] ${gone.name} crashed; decoding the other sources again (rising over 1 s, ms after the command): ${repaired.join(', ')}; no one lists it after ${Date.now() - droppedAt} ms`);

    // Three more leave (the Leave button): four are left, no more than controlMesh, so every
    // page connects to every other again, and a chat message still reaches everyone.
    const leaving = left.filter((p) => !stillActive.includes(p)).slice(0, 3);
    for (const p of leaving) await p.page.getByRole('button', { name: 'Leave' }).click();
    const four = left.filter((p) => !leaving.includes(p));
    expect(four).toHaveLength(4);
    for (const p of four) {
      await expect.poll(() => connectedTo(p), { timeout: 60_000, message: `${p.name} connects to everyone again` }).toEqual(four.filter((q) => q !== p).map((q) => q.id).sort());
    }
    const [speaker, ...listeners] = four as [Person, ...Person[]];
    for (const p of four) await openChat(p);
    await speaker.page.getByLabel('Send to').selectOption({ label: 'Everyone' });
    await speaker.page.getByRole('textbox', { name: 'Message', exact: true }).fill('back to the mesh');
    await speaker.page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    for (const p of listeners) await expect(p.page.getByTestId('chat-message').filter({ hasText: 'back to the mesh' })).toBeVisible({ timeout: 30_000 });
  } catch (error) {
    for (const p of all) console.log(p.name, p.id.slice(0, 4), JSON.stringify(await describeTree(p).catch((e: unknown) => String(e))));
    throw error;
  }
});
