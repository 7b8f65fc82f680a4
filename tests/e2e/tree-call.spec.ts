/**
 * Large rooms in a real call: with the threshold lowered (`meshMax=2`) and small video
 * (`quality=low`), four people join one link (four pages is what two shared cores carry; the
 * planner makes the same kind of tree, with forwarders, at four as at eight). Above two the room switches from mesh to the
 * relay tree: every page decodes every other person's video through encrypted-frame
 * forwarding, forwarders pass on every frame they receive, and when a forwarder drops off the
 * network (its page crashes) its children decode again from a new parent. When the room
 * shrinks to two (the last one leaves with the Leave button's goodbye) it is a mesh again.
 */
import { expect, test } from '@playwright/test';
import { expectMediaFrom, newRoomUrl } from './harness/participant';
import { useRelayPerTest } from './harness/relay-per-test';
import { describeTree, expectForwardsEverything, expectTreeVideo, joinTree, type Person } from './harness/tree-person';

const fx = useRelayPerTest();

// Everyone joins muted, as most people in a large room are. With four beeping fake microphones
// unmuted, speaking turns changed every few hundred ms and the four pages on two cores spent
// a large share on audio capture and echo cancellation (see docs/large-rooms.md); the tree's
// audio forwarding has its own test (tree-forwarding.spec) and tree-last-n has speakers.

test('above meshMax the call runs on the relay tree, repairs when a forwarder leaves, and returns to mesh', async ({ browser }) => {
  test.setTimeout(420_000);
  const url = `${newRoomUrl(fx.relay.url)}?meshMax=2&quality=low&ns=0&audio=0`;
  const all: Person[] = [];
  for (const name of ['Ana', 'Bea', 'Cem', 'Dan']) {
    all.push(await joinTree(browser, url, name, fx.people));
    // Joining one after another keeps the join order (and so the plan) predictable.
    await expect(all[0]!.page.getByTestId('tile')).toHaveCount(all.length, { timeout: 60_000 });
  }

  try {
    for (const p of all) await expect(p.page.getByRole('status', { name: 'Call mode' })).toHaveText('Relay tree · E2EE', { timeout: 90_000 });
    for (const p of all) await expectTreeVideo(p, all.filter((o) => o !== p));
  } catch (error) {
    for (const p of all) console.log(p.name, p.id.slice(0, 4), JSON.stringify(await describeTree(p)));
    throw error;
  }

  // Nothing is sent on the mesh any more (camera and mic go over the tree).
  const mesh = await all[0]!.peers();
  const sentBefore = mesh.map((s) => s.videoBytesSent);
  await all[0]!.page.waitForTimeout(1000);
  expect((await all[0]!.peers()).map((s) => s.videoBytesSent)).toEqual(sentBefore);

  // Forwarders pass on every frame: for each child, copies forwarded == frames offered, none failed.
  const forwarders: { who: Person; source: string; children: string[] }[] = [];
  for (const p of all) {
    await expectForwardsEverything(p);
    const t = await p.tree();
    for (const [, s] of Object.entries(t.counters?.streams ?? {})) {
      const children = Object.keys(s.children);
      // (A standby link, which passes nothing until a forwarder fails, is no forwarding.)
      const passing = t.downstream.filter((d) => d.source === s.sourceId && !d.paused).map((d) => d.child);
      if (s.sourceId !== p.id && children.length > 0 && passing.length > 0 && s.kind === 'video') {
        expect(s.decrypted).toBeGreaterThan(0);
        forwarders.push({ who: p, source: s.sourceId, children: passing });
      }
    }
    // A forwarder's own encoder only ever sent its own streams.
    expect(Object.keys(t.counters?.sent ?? {}).every((id) => id.endsWith(p.id))).toBe(true);
    // Encode once: our own video reaches each of our children as a copy of one encoding (the
    // loopback's ciphertext, fanned out like a forwarder's), not from an encoder per child.
    const own = Object.values(t.counters?.streams ?? {}).find((s) => s.sourceId === p.id && s.kind === 'video');
    for (const d of t.downstream.filter((x) => x.source === p.id && !x.paused)) {
      expect(own?.children[d.link]?.forwarded ?? 0, `${p.name}'s video to ${d.child.slice(0, 4)} is a copy of one encoding`).toBeGreaterThan(0);
    }
  }
  expect(forwarders.length).toBeGreaterThan(0);

  // The topology is visible: a child's tile for a forwarded person names the forwarder.
  {
    const f = forwarders[0]!;
    const child = all.find((p) => p.id === f.children[0])!;
    const source = all.find((p) => p.id === f.source)!;
    await expect(child.page.getByRole('figure', { name: source.name }).getByTestId('tile-via')).toHaveText(`via ${f.who.name}`);
    // ...and a tile whose media comes straight from its sender says nothing of the kind.
    // (The forwarder itself normally has it from the source; at depth two it would say via whom.)
    const forwarderParent = (await f.who.tree()).upstream.find((u) => u.source === source.id)?.parent;
    if (forwarderParent === source.id) await expect(f.who.page.getByRole('figure', { name: source.name }).getByTestId('tile-via')).toHaveCount(0);
  }

  // A forwarder drops off the network: its page crashes, so no goodbye, its connections just
  // go silent (like a pulled cable). Its children decode the sources it forwarded again, from
  // new parents, well before the 8 s after which the call gives up on it.
  const gone = forwarders[0]!.who;
  const children = all.filter((p) => forwarders.some((f) => f.who === gone && f.children.includes(p.id)));
  expect(children.length).toBeGreaterThan(0);
  const left = all.filter((p) => p !== gone);
  const crashed = new Promise<void>((resolve) => gone.page.once('crash', () => resolve()));
  const cdp = await gone.context.newCDPSession(gone.page);
  const droppedAt = Date.now();
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  // Every child checked at once, every 250 ms (2–3 frames at quality=low): the times below are
  // that fine, plus one interval (rising means more frames than at the previous check).
  const repaired = await Promise.all(children.map((child) => expectTreeVideo(child, left.filter((o) => o !== child), 30_000, 250).then(() => `${child.name} ${Date.now() - droppedAt} ms`)));
  console.log(`[tree-call] ${gone.name} (forwarder) dropped off; decoding everyone again: ${repaired.join(', ')}`);
  // How much the tree moved to get here (CI logs: a slow repair reads against this).
  for (const p of left) {
    const c = (await p.tree()).churn;
    console.log(`[tree-call] ${p.name}: links opened ${c['up-open'] ?? 0}, re-plans ${c.relink ?? 0}, stall changes ${c['stall-changes'] ?? 0}, slowest answer ${c['answer-ms-max'] ?? 0} ms`);
  }
  for (const p of left) await expect(p.page.getByRole('status', { name: 'Call mode' })).toHaveText('Relay tree · E2EE');
  for (const p of left) await expectTreeVideo(p, left.filter((o) => o !== p));

  // Down to two: back to a mesh, media on the direct connections again.
  const last = left[left.length - 1]!;
  await last.close();
  const two = left.filter((p) => p !== last);
  for (const p of two) await expect(p.page.getByRole('status', { name: 'Call mode' })).toHaveText('Mesh · E2EE', { timeout: 30_000 });
  // Everyone joined muted (a large room's microphones are closed while muted); the two left
  // unmute, and are heard on the mesh.
  for (const p of two) await p.page.getByRole('button', { name: 'Unmute microphone' }).click();
  for (const p of two) await expectMediaFrom(p, two.filter((o) => o !== p).map((o) => o.name));
});
