import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DocLinks, type DocLinkPeers } from '../../../src/call/doc-links';

/** Peers whose connection, verification and key the test sets. */
function fakePeers() {
  const sent: { to: string; frame: Uint8Array }[] = [];
  const state = new Map<string, { docOpen: boolean; verified: boolean; keyed: boolean; connected: boolean }>();
  const peer = (id: string) => {
    let p = state.get(id);
    if (!p) {
      p = { docOpen: false, verified: false, keyed: false, connected: true };
      state.set(id, p);
    }
    return p;
  };
  const peers: DocLinkPeers = {
    connection: (id) => {
      const p = state.get(id);
      return p?.connected ? { docOpen: p.docOpen, sendDoc: (frame) => (sent.push({ to: id, frame }), true) } : undefined;
    },
    verified: (id) => state.get(id)?.verified ?? false,
    keyed: (id) => state.get(id)?.keyed ?? false,
  };
  return { peers, peer, sent };
}

const bytes = (n: number) => new Uint8Array([n]);

describe('DocLinks', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is up only while the doc channel is open and the peer verified; frames before that wait for it', () => {
    const { peers, peer, sent } = fakePeers();
    const links = new DocLinks(peers);
    const t = links.transport();
    const events: string[] = [];
    t.onLink((e) => events.push(`${e.peerId} ${e.up ? 'up' : 'down'}`));
    t.onFrame((e) => events.push(`frame ${e.from} ${e.frame[0]}`));

    links.received('a', bytes(1)); // the peer verified us first
    peer('a').docOpen = true;
    links.update('a');
    expect([...t.peers()]).toEqual([]);
    expect(t.send('a', bytes(9))).toBe(false);

    peer('a').verified = true;
    links.update('a');
    expect(events).toEqual(['a up', 'frame a 1']);
    expect(t.send('a', bytes(2))).toBe(true);
    expect(sent.map((s) => s.frame[0])).toEqual([2]);

    links.received('a', bytes(3));
    peer('a').connected = false; // the session closed
    links.update('a');
    expect(events).toEqual(['a up', 'frame a 1', 'frame a 3', 'a down']);
    expect([...t.peers()]).toEqual([]);
  });

  it('holds a newly verified peer until we have keyed it, or holdMs at most', () => {
    const { peers, peer } = fakePeers();
    const links = new DocLinks(peers, { holdMs: 300 });
    const t = links.transport();
    Object.assign(peer('a'), { docOpen: true, verified: true });
    Object.assign(peer('b'), { docOpen: true, verified: true });
    links.holdForKey('a');
    links.holdForKey('b');
    links.update('a');
    links.update('b');
    expect([...t.peers()]).toEqual([]);

    peer('a').keyed = true; // our hand-out to a went out
    links.keysChanged();
    expect([...t.peers()]).toEqual(['a']);

    vi.advanceTimersByTime(299);
    expect([...t.peers()]).toEqual(['a']);
    vi.advanceTimersByTime(1); // b was never keyed: its link comes up anyway
    expect([...t.peers()].sort()).toEqual(['a', 'b']);
  });

  it('keeps at most maxEarlyFrames early frames, and nothing after dispose', () => {
    const { peers, peer } = fakePeers();
    const links = new DocLinks(peers, { maxEarlyFrames: 2 });
    const t = links.transport();
    const frames: number[] = [];
    t.onFrame((e) => frames.push(e.frame[0] ?? -1));
    for (let i = 0; i < 5; i++) links.received('a', bytes(i));
    Object.assign(peer('a'), { docOpen: true, verified: true });
    links.update('a');
    expect(frames).toEqual([0, 1]);

    links.dispose();
    links.received('a', bytes(7));
    links.update('a');
    expect(frames).toEqual([0, 1]);
    expect([...t.peers()]).toEqual([]);
    expect(t.send('a', bytes(8))).toBe(false);
  });
});
