/**
 * Last N in a large room, driven by who speaks: with `lastN=1` only the most recent speaker's
 * video goes over the relay tree; everyone else reaches the others as audio only. Three people
 * join muted (`meshMax=2`, small video, no RNNoise so the fake microphone's beep counts as
 * speech); Bea unmutes and talks, and the others receive her video and nobody else's; then Bea
 * mutes and Cem talks, and the video moves to Cem. Who is active comes from speaking turns in
 * the shared room doc, so no one had to receive a stream to know.
 */
import { expect, test } from '@playwright/test';
import { newRoomUrl } from './harness/participant';
import { useRelayPerTest } from './harness/relay-per-test';
import { describeTree, framesBySource, joinTree, type Person } from './harness/tree-person';

const fx = useRelayPerTest();

/** Video frames per source at `who` rise for exactly the sources in `from` (and stay 0 for the rest). */
async function expectVideoOnlyFrom(who: Person, from: Person, others: Person[]): Promise<void> {
  let before = new Map<string, number>();
  await expect
    .poll(
      async () => {
        const now = await framesBySource(who);
        const wrong: string[] = [];
        if (!(before.has(from.id) && (now.get(from.id) ?? 0) > (before.get(from.id) ?? 0))) wrong.push(`${from.name}: ${now.get(from.id) ?? 'no link'}`);
        // Links outside the last N carry no video at all, so they decode no frames.
        for (const o of others) if ((now.get(o.id) ?? 0) > 0) wrong.push(`${o.name}: ${now.get(o.id)} frames`);
        // ...but they do carry audio: every other source has a link.
        const sources = new Set((await who.tree()).upstream.map((u) => u.source));
        for (const o of [from, ...others]) if (!sources.has(o.id)) wrong.push(`${o.name}: no link`);
        before = now;
        return wrong;
      },
      { timeout: 45_000, intervals: [1000], message: `${who.name} should decode video from ${from.name} only` },
    )
    .toEqual([]);
}

test('lastN=1: the video that goes over the tree follows whoever speaks', async ({ browser }) => {
  test.setTimeout(240_000);
  const url = `${newRoomUrl(fx.relay.url)}?meshMax=2&lastN=1&quality=low&ns=0&audio=0`;
  const all: Person[] = [];
  for (const name of ['Ana', 'Bea', 'Cem']) {
    all.push(await joinTree(browser, url, name, fx.people));
    await expect(all[0]!.page.getByTestId('tile')).toHaveCount(all.length, { timeout: 60_000 });
  }
  const [ana, bea, cem] = all as [Person, Person, Person];
  try {
    for (const p of all) await expect(p.page.getByRole('status', { name: 'Call mode' })).toHaveText('Relay tree · E2EE', { timeout: 90_000 });

    // Bea speaks: her video, and only hers, reaches the others.
    await bea.page.getByRole('button', { name: 'Unmute microphone' }).click();
    await expectVideoOnlyFrom(ana, bea, [cem]);
    await expectVideoOnlyFrom(cem, bea, [ana]);

    // Bea stops, Cem speaks: the video moves to Cem.
    await bea.page.getByRole('button', { name: 'Mute microphone' }).click();
    await cem.page.getByRole('button', { name: 'Unmute microphone' }).click();
    await expectVideoOnlyFrom(ana, cem, [bea]);
    await expectVideoOnlyFrom(bea, cem, [ana]);
  } catch (error) {
    for (const p of all) console.log(p.name, p.id.slice(0, 4), JSON.stringify(await describeTree(p)));
    throw error;
  }
});

test('lastN=1: a camera that is off takes no place; the place goes to the first camera that is on', async ({ browser }) => {
  test.setTimeout(240_000);
  const url = `${newRoomUrl(fx.relay.url)}?meshMax=2&lastN=1&quality=low&ns=0&audio=0`;
  const all: Person[] = [];
  // Ana joins first with her camera off: by join order alone she would hold the one place.
  for (const [name, camera] of [['Ana', false], ['Bea', true], ['Cem', true]] as const) {
    all.push(await joinTree(browser, camera ? url : `${url}&video=0`, name, fx.people));
    await expect(all[0]!.page.getByTestId('tile')).toHaveCount(all.length, { timeout: 60_000 });
  }
  const [ana, bea, cem] = all as [Person, Person, Person];
  try {
    for (const p of all) await expect(p.page.getByRole('status', { name: 'Call mode' })).toHaveText('Relay tree · E2EE', { timeout: 90_000 });

    // Nobody speaks: the first to join with a camera on is seen, by Ana and Cem alike.
    await expectVideoOnlyFrom(ana, bea, [cem]);
    await expectVideoOnlyFrom(cem, bea, [ana]);

    // Bea turns her camera off: the place moves to Cem's.
    await bea.page.getByRole('button', { name: 'Turn off camera' }).click();
    await expectVideoOnlyFrom(ana, cem, [bea]);
    await expectVideoOnlyFrom(bea, cem, [ana]);
  } catch (error) {
    for (const p of all) console.log(p.name, p.id.slice(0, 4), JSON.stringify(await describeTree(p)));
    throw error;
  }
});
