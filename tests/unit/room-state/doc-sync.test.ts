import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { DocSync, type DocTransport } from '../../../src/room-state/doc-sync';
import { DocFrameJoiner, splitDocMessage } from '../../../src/room-state/doc-frames';
import { RoomStateError } from '../../../src/room-state/room-state-error';
import { Emitter } from '../../../src/util/emitter';
import { mulberry32 } from './fake-network';

/**
 * Pages linked pairwise like the call's verified connections: `link(a, b)` brings the pair's
 * link up on both sides, frames are queued and delivered in order per link by `flush()`.
 */
class Mesh {
  private readonly ends = new Map<string, { events: Emitter<{ link: { peerId: string; up: boolean }; frame: { from: string; frame: Uint8Array } }>; up: Set<string> }>();
  private queue: { from: string; to: string; frame: Uint8Array }[] = [];
  sent = 0;

  transport(id: string): DocTransport {
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

function page(mesh: Mesh, id: string) {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  awareness.setLocalState({ name: id });
  const sync = new DocSync(doc, awareness, mesh.transport(id));
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
