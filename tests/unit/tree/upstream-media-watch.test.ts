import { describe, expect, it } from 'vitest';
import type { ReceivedCounts } from '../../../src/tree/forwarding/forwarder-core';
import { UpstreamMediaWatch, type WatchedLink } from '../../../src/tree/upstream-media-watch';

/** A node whose answers the test releases one at a time. */
function fakeNode() {
  const asks: ((counts: ReceivedCounts) => void)[] = [];
  return {
    asks,
    node: { received: () => new Promise<ReceivedCounts>((resolve) => asks.push(resolve)) },
    answer: (links: ReceivedCounts['links']) => asks.shift()?.({ streams: {}, links }),
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('UpstreamMediaWatch', () => {
  it('reads when frames last came through each parent, only for links we hold open', async () => {
    let now = 10_000;
    const n = fakeNode();
    const links: WatchedLink[] = [
      { parent: 'pa', source: 'sa', openedAt: 9_000, closed: false, link: { tag: 't1' } },
      { parent: 'pb', source: 'sb', openedAt: 9_000, closed: true, link: { tag: 't2' } },
    ];
    const notes: string[] = [];
    const watch = new UpstreamMediaWatch({ node: () => n.node, links: () => links, note: (w) => notes.push(w), now: () => now });
    expect(watch.through('pa')).toEqual({});
    const look = watch.look();
    now = 10_050;
    n.answer({ t1: { count: 5, ageMs: 40 }, t2: { count: 9, ageMs: 0 } });
    await look;
    const pa = watch.through('pa');
    expect(pa?.askedAt).toBe(10_000);
    expect(pa?.frameAt).toBe(10_000 - 40);
    expect(watch.through('pb'), 'a closed link is not watched').toBeUndefined();
    expect(watch.through('nobody')).toBeUndefined();
    // The link's first frames are noted once, counted from when it was opened.
    expect(notes).toEqual(['up-frames pa/sa +960']);
    expect(links[0]?.firstFrameAt).toBe(9_960);
  });

  it('fresh() waits for a look in flight, then asks again (a look asked after it was called)', async () => {
    const n = fakeNode();
    const watch = new UpstreamMediaWatch({ node: () => n.node, links: () => [], note: () => undefined });
    void watch.look();
    expect(n.asks.length).toBe(1);
    let done = false;
    const fresh = watch.fresh().then(() => (done = true));
    expect(watch.look(), 'one look in flight at a time').toBe(watch.look());
    n.answer({});
    await flush();
    expect(done).toBe(false);
    expect(n.asks.length, 'fresh asked again after the old look').toBe(1);
    n.answer({});
    await fresh;
    expect(done).toBe(true);
  });

  it('asks nothing without a node (mesh mode), and survives a node that is gone', async () => {
    let node: { received(): Promise<ReceivedCounts> } | null = null;
    const watch = new UpstreamMediaWatch({ node: () => node, links: () => [], note: () => undefined });
    await watch.look();
    node = { received: () => Promise.reject(new Error('worker gone')) };
    await expect(watch.look()).resolves.toBeUndefined();
  });
});
