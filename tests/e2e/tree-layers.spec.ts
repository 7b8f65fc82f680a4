/**
 * Stage and thumbnail layers in a large room: whoever spoke last sends the stage layer (up to
 * 720p), every other video source a thumbnail (at most 180 lines), and a new speaker swaps the
 * two without re-making any link. Three people join muted at the app's own quality
 * (`meshMax=2&lastN=2`, so two video sources); Bea talks and the others decode her at stage size
 * and Ana as a thumbnail; then Cem talks, Cem's video arrives at stage size and Bea's shrinks to
 * a thumbnail over the very same link.
 */
import { expect, test } from '@playwright/test';
import { newRoomUrl } from './harness/participant';
import { useRelayPerTest } from './harness/relay-per-test';
import { describeTree, joinTree, type Person } from './harness/tree-person';

const fx = useRelayPerTest();

/** The stage layer is the captured 720p (at least 360 lines even if the encoder adapts down); thumbnails ≤ 180. */
const STAGE_MIN_HEIGHT = 360;
const THUMB_MAX_HEIGHT = 180;

/** Link id and height of the last decoded frame per source on `who`'s tree links. */
async function heights(who: Person): Promise<Map<string, { link: string; height: number }>> {
  const out = new Map<string, { link: string; height: number }>();
  for (const up of (await who.tree()).upstream) if (up.frameHeight > 0) out.set(up.source, { link: up.link, height: up.frameHeight });
  return out;
}

/** Waits until `who` decodes `stage` at stage size and `thumb` at thumbnail size; returns the link ids. */
async function expectLayers(who: Person, stage: Person, thumb: Person): Promise<Map<string, { link: string; height: number }>> {
  let last = new Map<string, { link: string; height: number }>();
  await expect
    .poll(
      async () => {
        last = await heights(who);
        const wrong: string[] = [];
        const s = last.get(stage.id)?.height ?? 0;
        const t = last.get(thumb.id)?.height ?? 0;
        if (s < STAGE_MIN_HEIGHT) wrong.push(`${stage.name} (stage): ${s} lines`);
        if (t === 0 || t > THUMB_MAX_HEIGHT) wrong.push(`${thumb.name} (thumbnail): ${t} lines`);
        return wrong;
      },
      { timeout: 60_000, intervals: [1000], message: `${who.name} should see ${stage.name} on stage and ${thumb.name} as a thumbnail` },
    )
    .toEqual([]);
  return last;
}

test('the most recent speaker sends the stage layer, the others thumbnails, swapped without re-linking', async ({ browser }) => {
  test.setTimeout(240_000);
  const url = `${newRoomUrl(fx.relay.url)}?meshMax=2&lastN=2&ns=0&audio=0`;
  const all: Person[] = [];
  for (const name of ['Ana', 'Bea', 'Cem']) {
    all.push(await joinTree(browser, url, name, fx.people));
    await expect(all[0]!.page.getByTestId('tile')).toHaveCount(all.length, { timeout: 60_000 });
  }
  const [ana, bea, cem] = all as [Person, Person, Person];
  try {
    for (const p of all) await expect(p.page.getByRole('status', { name: 'Call mode' })).toHaveText('Relay tree · E2EE', { timeout: 90_000 });

    // Bea speaks: she is on stage everywhere and sends the large layer; Ana (the other video
    // source, by join order) stays a thumbnail.
    await bea.page.getByRole('button', { name: 'Unmute microphone' }).click();
    for (const p of all) await expect.poll(async () => (await p.tree()).stage, { timeout: 45_000 }).toBe(bea.id);
    // The layer follows the stage after a hold (1 s up, 3 s down: src/tree/layer-hold.ts).
    await expect.poll(async () => (await bea.tree()).layer, { timeout: 10_000 }).toBe('stage');
    expect((await ana.tree()).layer).toBe('thumb');
    await expectLayers(cem, bea, ana);
    // Ana's link for Bea is read once Ana's links are settled: one link for Bea, delivering, and no
    // move waiting out its hold (8 s, move-hold.ts). Read while a move still waits, a link that
    // moves for reasons older than Cem's turn would look like a re-link caused by the swap.
    let beaLinkAtAna: string | undefined;
    await expect
      .poll(
        async () => {
          const t = await ana.tree();
          const links = t.upstream.filter((u) => u.source === bea.id);
          beaLinkAtAna = links[0]?.link;
          return { movesHeld: t.movesHeld, linksForBea: links.length, decoding: (links[0]?.frameHeight ?? 0) > 0 };
        },
        { timeout: 30_000, message: "Ana's links should settle: one link for Bea, decoding, no move waiting" },
      )
      .toEqual({ movesHeld: [], linksForBea: 1, decoding: true });

    // Cem speaks after her: he takes the stage, Bea drops to a thumbnail on the same link.
    await bea.page.getByRole('button', { name: 'Mute microphone' }).click();
    await cem.page.getByRole('button', { name: 'Unmute microphone' }).click();
    for (const p of all) await expect.poll(async () => (await p.tree()).stage, { timeout: 45_000 }).toBe(cem.id);
    await expect.poll(async () => (await bea.tree()).layer, { timeout: 10_000 }).toBe('thumb');
    const atAna = await expectLayers(ana, cem, bea);
    // Bea was a video source before and after, and Ana's parent for her did not change: the
    // layer changed inside that link. (Cem's link for Bea may move: Ana left the last N, and a
    // new source set is a new plan.)
    const churn = (await ana.tree()).churn;
    console.log(`[tree-layers] Ana: re-plans that moved links ${churn.relink ?? 0}, moves held ${churn['move-held'] ?? 0}, speaking turns kept through a presence blink ${churn['turns-kept'] ?? 0}`);
    expect(atAna.get(bea.id)?.link).toBe(beaLinkAtAna);
  } catch (error) {
    const now = Date.now();
    for (const p of all) {
      console.log(p.name, p.id.slice(0, 4), JSON.stringify(await describeTree(p)));
      console.log(`${p.name}'s timeline (ms ago): ${(await p.tree()).timeline.map((e) => `${now - e.at} ${e.what}`).join(', ')}`);
    }
    throw error;
  }
});
