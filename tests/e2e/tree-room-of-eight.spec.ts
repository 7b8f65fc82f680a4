/**
 * Eight people in one large room (the issue's browser test): with `meshMax=3` the room runs
 * as a relay tree, `lastN=4` distributes the video of four (nobody speaks, so the first four
 * to join), and `quality=low` lets eight pages share two cores. Every page shows the tree,
 * decodes the four active sources with the room's key, never receives video from the quiet
 * four, and every forwarder passes on exactly the frames it received: no re-encoding.
 * The links each page opened are counted too: a tree that keeps re-linking under load
 * ("Cannot create so many PeerConnections") is a failure even when pictures still arrive.
 * Then a forwarder's page crashes (no goodbye) and its children decode the sources it passed
 * on again, from new parents; the time it took is printed (docs/large-rooms.md keeps them).
 * In `npm test` since the room doc stopped making a connection of its own per pair
 * (2026-12-02): each page holds 7 connections fewer, and the room holds together.
 */
import { expect, test } from '@playwright/test';
import { newRoomUrl } from './harness/participant';
import { useRelayPerTest } from './harness/relay-per-test';
import { describeTree, expectForwardsEverything, expectTreeVideo, framesBySource, joinTree, type Person } from './harness/tree-person';

const fx = useRelayPerTest();

/** Links a page may open while the room forms: its own handful, plus repairs while others join. */
const MAX_LINKS_OPENED = 30;
/** Standby links (connected, passing nothing until a forwarder fails) a page may open meanwhile. */
const MAX_STANDBY_OPENED = 12;

test('eight pages form a tree: the four active sources reach everyone, forwarded byte for byte; a crashed forwarder is repaired', async ({ browser }) => {
  test.setTimeout(420_000);
  const url = `${newRoomUrl(fx.relay.url)}?meshMax=3&lastN=4&quality=low&ns=0&audio=0`;
  const names = ['Ana', 'Bea', 'Cem', 'Dan', 'Eli', 'Fay', 'Gus', 'Hal'];
  const all: Person[] = [];
  try {
    for (const name of names) all.push(await joinTree(browser, url, name, fx.people));
    for (const p of all) await expect(p.page.getByRole('status', { name: 'Call mode' })).toHaveText('Relay tree · E2EE', { timeout: 120_000 });

    const active = all.slice(0, 4);
    const quiet = all.slice(4);
    for (const p of all) {
      await expectTreeVideo(
        p,
        active.filter((a) => a !== p),
        120_000,
        2000,
      );
    }
    // The quiet four are outside the last N: nobody decodes a frame of theirs.
    for (const p of all) {
      const frames = await framesBySource(p);
      for (const q of quiet) expect(frames.get(q.id) ?? 0, `${p.name} decoded ${q.name}'s video`).toBe(0);
    }
    // Forwarders pass on every frame they received, and the tree actually forwards.
    let forwarders = 0;
    for (const p of all) {
      const t = await p.tree();
      if (t.downstream.some((d) => !d.paused)) {
        forwarders++;
        await expectForwardsEverything(p);
      }
    }
    expect(forwarders, 'pages that forward').toBeGreaterThan(0);
    for (const p of all) {
      const churn = (await p.tree()).churn;
      expect(churn['up-open'] ?? 0, `${p.name} opened links: ${JSON.stringify(churn)}`).toBeLessThanOrEqual(MAX_LINKS_OPENED);
      expect(churn['standby-open'] ?? 0, `${p.name} opened standby links: ${JSON.stringify(churn)}`).toBeLessThanOrEqual(MAX_STANDBY_OPENED);
    }
    for (const p of all) console.log('[tree-eight]', p.name, JSON.stringify((await p.tree()).churn));

    // A forwarder drops off the network (its page crashes: no goodbye). Its children decode
    // the active sources they still have again, from new parents.
    let gone: Person | null = null;
    let children: Person[] = [];
    for (const p of all) {
      const t = await p.tree();
      // Links it actually passes frames on (a standby link passes nothing until it is needed).
      const passedOn = t.downstream.filter((d) => d.source !== p.id && !d.paused).map((d) => d.child);
      if (passedOn.length > 0) {
        gone = p;
        children = all.filter((c) => passedOn.includes(c.id));
        break;
      }
    }
    if (!gone) throw new Error('no page forwards another member\'s media');
    const forwarder = gone;
    const crashed = new Promise<void>((resolve) => forwarder.page.once('crash', () => resolve()));
    const cdp = await forwarder.context.newCDPSession(forwarder.page);
    // Each child's frames per link just before the crash: a frame counts as decoded again only
    // if it came after, over a link from someone else.
    const atCrash = new Map<Person, Map<string, number>>();
    for (const child of children) atCrash.set(child, new Map((await child.tree()).upstream.map((u) => [u.link, u.framesDecoded])));
    const droppedAt = Date.now();
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    // Under load the command itself lands late (the relay's report of the closed socket came 0.1 s
    // after it on a quiet machine, 1.3 s with a busy loop beside the test): printed with the result.
    const crashSeenAfter = Date.now() - droppedAt;
    const stillActive = active.filter((a) => a !== forwarder);
    /**
     * When a child decoded each source again, in ms after the crash command, as a span: from when
     * the counts that still missed it were taken to when the counts that showed it were taken
     * (the stats' own timestamps: a starved page answered a poll up to 2.8 s late). Past 2.5 s it
     * also prints which source a child still waits for and its links to it.
     */
    const decodingAgain = async (child: Person): Promise<{ first: number; spans: string[] }> => {
      const sources = stillActive.filter((a) => a !== child);
      const spans = new Map<string, string>();
      const missedAt = new Map<string, number>();
      let reported = false;
      await expect
        .poll(
          async () => {
            const asked = Date.now() - droppedAt;
            const tree = await child.tree();
            const ups = tree.upstream;
            const answered = Date.now() - droppedAt;
            const takenAt = (u: (typeof ups)[number]) => (u.statsAt > 0 ? Math.round(u.statsAt - droppedAt) : answered);
            const fresh = (s: Person) => ups.find((u) => u.source === s.id && u.parent !== forwarder.id && u.framesDecoded > (atCrash.get(child)?.get(u.link) ?? 0));
            const missing = sources.filter((s) => !fresh(s));
            for (const s of sources) {
              const hit = fresh(s);
              if (hit && !spans.has(s.name)) spans.set(s.name, `${s.name} ${missedAt.get(s.name) ?? 0}–${takenAt(hit)}`);
            }
            for (const s of missing) missedAt.set(s.name, Math.max(asked, ...ups.filter((u) => u.source === s.id).map(takenAt)));
            if (missing.length > 0 && answered > Number(process.env.TREE_WAIT_PRINT_MS ?? 2500) && !reported) {
              reported = true;
              // Where its first frame waits: assembled from packets (framesReceived), through our
              // worker (received, decrypted, rejected), decoded.
              const worker = (id: string) => {
                const st = tree.counters?.streams[`video:${id}`];
                return `worker received ${st?.received ?? 0} decrypted ${st?.decrypted ?? 0} rejected ${JSON.stringify(tree.counters?.cryptor[id]?.rejected ?? {})}`;
              };
              // And the parent's end of each link: paused or not, packets sent, its pacer's delay.
              const parentEnd = async (u: (typeof ups)[number]) => {
                const parent = all.find((p) => p.id === u.parent && p !== forwarder);
                const pt = parent ? await parent.tree() : undefined;
                const row = pt?.downstream.find((d) => d.link === u.link);
                const stream = pt?.counters?.streams[`video:${u.source}`];
                const out = stream?.children[u.link];
                const key = stream?.awaitedKeyMs === undefined ? '' : `, its awaited key frame came ${stream.awaitedKeyMs} ms after priming`;
                return row ? `parent ${row.state}${row.paused ? ' paused' : ''} packets ${row.packets ?? '?'} send delay ${row.sendDelayMs ?? '?'} ms, forwarded ${out?.forwarded ?? '?'} of ${out?.offered ?? '?'}${key}` : 'parent: no row';
              };
              const rows = await Promise.all(
                ups
                  .filter((u) => missing.some((m) => m.id === u.source))
                  .map(async (u) => `${u.source.slice(0, 4)} via ${u.parent.slice(0, 4)} ${u.state} decoded ${u.framesDecoded} received ${u.framesReceived} pli ${u.pliCount}, ${worker(u.source)}; ${await parentEnd(u)}`),
              );
              console.log(`[tree-eight] ${child.name} still waits for ${missing.map((m) => m.name).join(', ')} at ${answered} ms: ${rows.join('; ') || 'no link'}`);
            }
            return missing.map((s) => s.name);
          },
          { timeout: 30_000, intervals: [100], message: `${child.name} should decode the remaining sources again, not through ${forwarder.name}` },
        )
        .toEqual([]);
      return { first: Date.now() - droppedAt, spans: [...spans.values()] };
    };
    const repaired = await Promise.all(
      children.map(async (child) => {
        const { first, spans } = await decodingAgain(child);
        // And keeps decoding: frame counts rising over 250 ms.
        await expectTreeVideo(child, stillActive.filter((a) => a !== child), 30_000, 250);
        return `${child.name} ${first} ms [${spans.join(', ')}] (rising by ${Date.now() - droppedAt} ms)`;
      }),
    );
    console.log(`[tree-eight] ${forwarder.name} (forwarder) crashed (Playwright saw it ${crashSeenAfter} ms after the command); its children decode again (first frame from a new parent, ms after the command): ${repaired.join(', ')}`);
    // Where the repair's time went: each page's tree events since the crash (ms after it), the
    // orphans' (stall, links opened, offers sent, connected) and their new parents' (answers).
    for (const p of all.filter((x) => x !== forwarder)) {
      const events = (await p.tree()).timeline.filter((e) => e.at >= droppedAt);
      if (events.length > 0) console.log(`[tree-eight] ${p.name} ${p.id.slice(0, 4)}: ${events.map((e) => `${e.at - droppedAt} ${e.what}`).join(', ')}`);
    }
    // The room settles without it: the others still show the tree and decode the active sources.
    const left = all.filter((p) => p !== forwarder);
    for (const p of left) await expectTreeVideo(p, stillActive.filter((a) => a !== p), 60_000, 1000);
  } catch (error) {
    for (const p of all) console.log(p.name, p.id.slice(0, 4), JSON.stringify(await describeTree(p).catch((e: unknown) => String(e))));
    console.log('relay stats', await fetch(new URL('/stats', fx.relay.url)).then((r) => r.text()).catch((e: unknown) => String(e)));
    throw error;
  }
});
