import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { DocSync, type DocTransport } from '../../../src/room-state/doc-sync';
import { DocFrameJoiner, splitDocMessage } from '../../../src/room-state/doc-frames';
import { RoomStateError } from '../../../src/room-state/room-state-error';
import { Emitter } from '../../../src/util/emitter';
import { mulberry32 } from './fake-network';
import { planControlOverlay } from '../../../src/tree/control-overlay';

/**
 * Pages linked pairwise like the call's verified connections: `link(a, b)` brings the pair's
 * link up on both sides, frames are queued and delivered in order per link by `flush()`.
 */
class Mesh {
  private readonly ends = new Map<string, { events: Emitter<{ link: { peerId: string; up: boolean }; frame: { from: string; frame: Uint8Array } }>; up: Set<string> }>();
  private queue: { from: string; to: string; frame: Uint8Array }[] = [];
  sent = 0;

  transport(id: string, passOn = false): DocTransport {
    const end = { events: new Emitter<{ link: { peerId: string; up: boolean }; frame: { from: string; frame: Uint8Array } }>(), up: new Set<string>() };
    this.ends.set(id, end);
    return {
      peers: () => [...end.up],
      onLink: (l) => end.events.on('link', l),
      send: (peerId, frame) => {
        if (!end.up.has(peerId)) return false;
        this.sent++;
        this.queue.push({ from: id, to: peerId, frame: frame.slice() });
        return true;
      },
      onFrame: (l) => end.events.on('frame', l),
      ...(passOn ? { passOn: () => true } : {}),
    };
  }

  link(a: string, b: string, up = true): void {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const end = this.ends.get(x)!;
      if (up) end.up.add(y);
      else end.up.delete(y);
      end.events.emit('link', { peerId: y, up });
    }
    if (!up) this.queue = this.queue.filter((m) => !((m.from === a && m.to === b) || (m.from === b && m.to === a)));
  }

  /** Delivers everything queued (and what that causes), in order per link. */
  flush(): void {
    while (this.queue.length > 0) {
      const m = this.queue.shift()!;
      const end = this.ends.get(m.to)!;
      if (end.up.has(m.from)) end.events.emit('frame', { from: m.from, frame: m.frame });
    }
  }

  /** Injects a raw frame as if `from` had sent it. */
  inject(from: string, to: string, frame: Uint8Array): void {
    this.ends.get(to)!.events.emit('frame', { from, frame });
  }
}

function page(mesh: Mesh, id: string, passOn = false) {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  awareness.setLocalState({ name: id });
  const sync = new DocSync(doc, awareness, mesh.transport(id, passOn));
  const errors: RoomStateError[] = [];
  sync.onError(({ error }) => errors.push(error));
  return { id, doc, awareness, sync, errors, names: () => [...awareness.getStates().values()].map((s) => (s as { name: string }).name).sort() };
}

describe('doc frames', () => {
  it('splits a large message and joins it back; small ones go whole', () => {
    const big = new Uint8Array(300_000).map((_, i) => i % 251);
    const frames = splitDocMessage(big, 1000);
    expect(frames.length).toBe(Math.ceil(300_000 / 999));
    expect(frames.every((f) => f.length <= 1000)).toBe(true);
    const joiner = new DocFrameJoiner();
    const out = frames.map((f) => joiner.push(f));
    expect(out.slice(0, -1).every((o) => o === null)).toBe(true);
    // Compared as a Buffer: a 300 KB toEqual takes vitest a second.
    expect(Buffer.compare(Buffer.from(out.at(-1)!), Buffer.from(big))).toBe(0);
    expect(splitDocMessage(new Uint8Array([7, 8]))).toEqual([new Uint8Array([0, 7, 8])]);
  });

  it('refuses malformed and oversized frames with a typed error, then works again', () => {
    const joiner = new DocFrameJoiner(10);
    const code = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (e) {
        return e instanceof RoomStateError ? e.code : 'other';
      }
    };
    expect(code(() => joiner.push(new Uint8Array([])))).toBe('invalid-message');
    expect(code(() => joiner.push(new Uint8Array([9, 1])))).toBe('invalid-message');
    expect(joiner.push(new Uint8Array([1, 1, 2, 3, 4, 5, 6]))).toBeNull();
    expect(code(() => joiner.push(new Uint8Array([2, 1, 2, 3, 4, 5, 6])))).toBe('invalid-message');
    joiner.push(new Uint8Array([1, 1]));
    expect(code(() => joiner.push(new Uint8Array([0, 1])))).toBe('invalid-message');
    expect(joiner.push(new Uint8Array([0, 5]))).toEqual(new Uint8Array([5]));
  });
});

describe('DocSync over pairwise links', () => {
  it('a late joiner gets the whole doc and every presence; edits reach everyone directly', () => {
    const mesh = new Mesh();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => page(mesh, id)) as [ReturnType<typeof page>, ReturnType<typeof page>, ReturnType<typeof page>];
    mesh.link('a', 'b');
    mesh.flush();
    a.doc.getArray<string>('chat').push(['hello from a']);
    b.doc.getArray<string>('chat').push(['hello from b']);
    mesh.flush();
    // A chat history larger than one data-channel message.
    a.doc.getText('notes').insert(0, 'x'.repeat(200_000));
    mesh.flush();
    mesh.link('a', 'c');
    mesh.link('b', 'c');
    mesh.flush();
    for (const p of [a, b, c]) {
      expect(p.doc.getArray('chat').toArray()).toHaveLength(2);
      expect(p.doc.getText('notes').length).toBe(200_000);
      expect(p.names()).toEqual(['a', 'b', 'c']);
      expect(p.errors).toEqual([]);
    }
    expect(c.sync.synced).toBe(true);
    // A new edit is sent once per link, not passed on: two messages from c.
    const before = mesh.sent;
    c.doc.getArray<string>('chat').push(['c here']);
    expect(mesh.sent - before).toBe(2);
    mesh.flush();
    expect(a.doc.getArray('chat').toArray()).toContain('c here');
    expect(mesh.sent - before).toBe(2);
  });

  it('presence goes with the link: a link down removes that peer, a refused peer stays out', () => {
    const mesh = new Mesh();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => page(mesh, id)) as [ReturnType<typeof page>, ReturnType<typeof page>, ReturnType<typeof page>];
    mesh.link('a', 'b');
    mesh.link('a', 'c');
    mesh.link('b', 'c');
    mesh.flush();
    expect(a.names()).toEqual(['a', 'b', 'c']);
    mesh.link('a', 'b', false);
    expect(a.names()).toEqual(['a', 'c']);
    b.awareness.setLocalState({ name: 'b2' });
    mesh.flush();
    expect(c.names()).toEqual(['a', 'b2', 'c']);
    c.sync.refuse('b');
    expect(c.names()).toEqual(['a', 'c']);
    mesh.link('b', 'c', false);
    mesh.link('b', 'c');
    b.doc.getArray<string>('chat').push(['from a removed member']);
    mesh.flush();
    expect(c.names()).toEqual(['a', 'c']);
    expect(c.doc.getArray('chat').toArray()).toEqual([]);
    expect(c.sync.linkedPeers()).toEqual(['a']);
  });

  it('a peer whose first messages were lost (we were not listening yet) still syncs both ways', () => {
    const mesh = new Mesh();
    const a = page(mesh, 'a');
    a.doc.getArray<string>('chat').push(['before b']);
    // b's link is up before b's DocSync exists: a's step 1 and presence reach no one.
    const tb = mesh.transport('b');
    mesh.link('a', 'b');
    mesh.flush();
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    awareness.setLocalState({ name: 'b' });
    new DocSync(doc, awareness, tb);
    mesh.flush();
    expect(doc.getArray('chat').toArray()).toEqual(['before b']);
    expect([...awareness.getStates().values()].map((s) => (s as { name: string }).name).sort()).toEqual(['a', 'b']);
    expect(a.names()).toEqual(['a', 'b']);
  });

  it('hostile frames are dropped with a typed error and the link keeps working (seeded fuzz)', () => {
    const seed = 0x5eed;
    const rand = mulberry32(seed);
    const mesh = new Mesh();
    const [a, b] = ['a', 'b'].map((id) => page(mesh, id)) as [ReturnType<typeof page>, ReturnType<typeof page>];
    mesh.link('a', 'b');
    mesh.flush();
    for (let i = 0; i < 300; i++) {
      const junk = new Uint8Array(1 + Math.floor(rand() * 40)).map(() => Math.floor(rand() * 256));
      // Whole frames of every message kind with random bodies.
      junk[0] = 0;
      if (junk.length > 1) junk[1] = 1 + Math.floor(rand() * 5);
      mesh.inject('b', 'a', junk);
    }
    expect(a.errors.length, `seed ${seed}`).toBeGreaterThan(0);
    expect(a.errors.every((e) => e instanceof RoomStateError && e.code === 'invalid-message')).toBe(true);
    b.doc.getArray<string>('chat').push(['still here']);
    mesh.flush();
    expect(a.doc.getArray('chat').toArray()).toEqual(['still here']);
    expect(a.names()).toEqual(['a', 'b']);
  });

  it('dispose tells the others we left', () => {
    const mesh = new Mesh();
    const [a, b] = ['a', 'b'].map((id) => page(mesh, id)) as [ReturnType<typeof page>, ReturnType<typeof page>];
    mesh.link('a', 'b');
    mesh.flush();
    b.awareness.setLocalState(null);
    b.sync.dispose();
    mesh.flush();
    expect(a.names()).toEqual(['a']);
  });
});

describe('DocSync passing on over links that reach only some members', () => {
  const RING = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
  /** Eight pages, each linked to the two beside it only (a control overlay of one ring). */
  function ring(passOn: boolean) {
    const mesh = new Mesh();
    const pages = RING.map((id) => page(mesh, id, passOn));
    RING.forEach((id, i) => mesh.link(id, RING[(i + 1) % RING.length] as string));
    mesh.flush();
    return { mesh, pages };
  }

  it('without passing on, a ring of eight does not converge (the mesh rule)', () => {
    const { mesh, pages } = ring(false);
    pages[0]!.doc.getArray<string>('chat').push(['from p0']);
    mesh.flush();
    expect(pages[4]!.doc.getArray('chat').toArray()).toEqual([]);
    expect(pages[4]!.names()).toEqual(['p3', 'p4', 'p5']);
  });

  it('passing on, every page gets every edit and presence, each link carrying an edit at most once each way', () => {
    const { mesh, pages } = ring(true);
    for (const p of pages) expect(p.names()).toEqual([...RING].sort());
    const before = mesh.sent;
    pages[0]!.doc.getArray<string>('chat').push(['from p0']);
    mesh.flush();
    for (const p of pages) expect(p.doc.getArray('chat').toArray(), p.id).toEqual(['from p0']);
    // Eight links, two directions: p0 sends two, each other page passes it on at most once.
    expect(mesh.sent - before).toBeLessThanOrEqual(2 * RING.length);
    expect(mesh.sent - before).toBeGreaterThanOrEqual(RING.length - 1);
    pages[3]!.awareness.setLocalState({ name: 'p3 renamed' });
    mesh.flush();
    expect(pages[7]!.names()).toContain('p3 renamed');
    for (const p of pages) expect(p.errors).toEqual([]);
  });

  it('a late joiner linked to one page gets the doc and everyone’s presence through it', () => {
    const { mesh, pages } = ring(true);
    pages[2]!.doc.getArray<string>('chat').push(['earlier']);
    mesh.flush();
    const late = page(mesh, 'late', true);
    mesh.link('late', 'p6');
    mesh.flush();
    expect(late.doc.getArray('chat').toArray()).toEqual(['earlier']);
    expect(late.names()).toEqual([...RING, 'late'].sort());
    // And the others learn of it through p6.
    expect(pages[2]!.names()).toContain('late');
    late.doc.getArray<string>('chat').push(['late here']);
    mesh.flush();
    expect(pages[2]!.doc.getArray('chat').toArray()).toEqual(['earlier', 'late here']);
  });

  it('a link going down keeps the presences it brought; a page leaving removes its own everywhere', () => {
    const { mesh, pages } = ring(true);
    mesh.link('p0', 'p1', false);
    expect(pages[0]!.names()).toEqual([...RING].sort());
    expect(pages[1]!.names()).toEqual([...RING].sort());
    pages[5]!.awareness.setLocalState(null);
    pages[5]!.sync.dispose();
    mesh.flush();
    for (const p of pages) if (p.id !== 'p5') expect(p.names(), p.id).toEqual(RING.filter((id) => id !== 'p5').sort());
  });

  it('a page told it left (a removal passed on while it lives) says it is here again, and that reaches everyone', () => {
    const { mesh, pages } = ring(true);
    // p4 keeps one link, so its answer must go back the way the removal came.
    mesh.link('p4', 'p5', false);
    // p0 drops p4's presence as if p4 had gone and sends the removal to p1.
    const p4Client = pages[4]!.awareness.clientID;
    const p0 = pages[0]!.awareness;
    p0.states.delete(p4Client);
    const meta = p0.meta.get(p4Client)!;
    p0.meta.set(p4Client, { ...meta, clock: meta.clock + 1 });
    const removal = encodeAwarenessUpdate(p0, [p4Client]);
    for (const frame of splitDocMessage(Uint8Array.of(4, ...removal))) mesh.inject('p0', 'p1', frame);
    expect(pages[1]!.names()).not.toContain('p4');
    mesh.flush();
    for (const p of pages) expect(p.names(), p.id).toContain('p4');
  });

  it('forty pages on the control overlay converge on every edit and presence (seeded)', () => {
    const seed = 0x0e71;
    const rand = mulberry32(seed);
    const mesh = new Mesh();
    const ids = Array.from({ length: 40 }, (_, i) => `m${i}`);
    const pages = ids.map((id) => page(mesh, id, true));
    const { neighbours } = planControlOverlay(ids);
    for (const [id, nbrs] of neighbours) for (const n of nbrs) if (id < n) mesh.link(id, n);
    mesh.flush();
    for (let i = 0; i < 30; i++) {
      const p = pages[Math.floor(rand() * pages.length)]!;
      p.doc.getArray<string>('chat').push([`${p.id}:${i}`]);
      if (i % 3 === 0) mesh.flush();
    }
    mesh.flush();
    const first = JSON.stringify(pages[0]!.doc.getArray('chat').toArray());
    for (const p of pages) {
      expect(JSON.stringify(p.doc.getArray('chat').toArray()), `seed ${seed}: ${p.id}`).toBe(first);
      expect(p.names(), `seed ${seed}: ${p.id}`).toEqual([...ids].sort());
    }
    expect(pages[0]!.doc.getArray('chat').length).toBe(30);
  });
});
