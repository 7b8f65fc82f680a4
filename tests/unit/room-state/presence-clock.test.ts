import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DocTransport } from '../../../src/room-state/doc-sync';
import type { Presence } from '../../../src/room-state/presence';
import { checkPresence, PRESENCE_CHECK_MS, presencePace, startPresenceClock } from '../../../src/room-state/presence-clock';
import { connectRoomDoc, type RoomDocConnection } from '../../../src/room-state/room-doc-provider';

const presence = (peerId: string, name: string): Presence => ({ v: 1, peerId, name, mic: false, cam: true, hand: null, speaking: 0, role: 'guest', e2ee: 'verified' });

/** An awareness holding `others` more states than its own, each last heard now. */
function crowd(others: number): Awareness {
  const aw = new Awareness(new Y.Doc());
  aw.setLocalState(presence('ffff', 'Me'));
  for (let i = 0; i < others; i++) {
    const a = new Awareness(new Y.Doc());
    a.setLocalState(presence(`p${i}`, `Guest ${i}`));
    applyAwarenessUpdate(aw, encodeAwarenessUpdate(a, [a.clientID]), 'test');
    a.destroy();
  }
  return aw;
}

describe('presencePace', () => {
  it('renews every 15 s up to 64 presences, then 15 s more per 64; times out after 2.5 renewals', () => {
    expect(presencePace(2)).toEqual({ renewMs: 15_000, timeoutMs: 37_500 });
    expect(presencePace(64)).toEqual({ renewMs: 15_000, timeoutMs: 37_500 });
    expect(presencePace(65).renewMs).toBe(30_000);
    expect(presencePace(256)).toEqual({ renewMs: 60_000, timeoutMs: 150_000 });
    expect(presencePace(1000)).toEqual({ renewMs: 240_000, timeoutMs: 600_000 });
  });

  it('a page that counts one step fewer does not time out a renewer that counts one more', () => {
    for (const n of [64, 128, 256, 640, 960]) {
      const observer = presencePace(n);
      const renewer = presencePace(n + 1);
      expect(observer.timeoutMs).toBeGreaterThan(renewer.renewMs + PRESENCE_CHECK_MS);
    }
  });
});

// Awareness stamps states with the real Date.now (lib0 keeps the original function), so these
// tests read its stamps and pass times relative to them.
const stampOf = (aw: Awareness, clientId = aw.clientID) => aw.meta.get(clientId)?.lastUpdated ?? 0;
const clockOf = (aw: Awareness) => aw.meta.get(aw.clientID)?.clock ?? -1;
const others = (aw: Awareness) => [...aw.getStates().keys()].filter((c) => c !== aw.clientID);

describe('checkPresence', () => {
  it('in a room of 1,000 renews our state after 240 s, not 15 s, and keeps others 600 s', () => {
    const aw = crowd(999);
    const before = clockOf(aw);
    const t0 = Math.max(...[...aw.meta.values()].map((m) => m.lastUpdated));
    expect(checkPresence(aw, t0 + 31_000)).toEqual([]); // y-protocols drops all 999 at 30 s
    expect(checkPresence(aw, stampOf(aw) + 239_000)).toEqual([]);
    expect(clockOf(aw)).toBe(before);
    expect(checkPresence(aw, stampOf(aw) + 240_000)).toEqual([]);
    expect(clockOf(aw)).toBe(before + 1);
    expect(checkPresence(aw, t0 + 599_000)).toEqual([]);
    expect(checkPresence(aw, t0 + 600_000 + 1_000)).toHaveLength(999);
    aw.destroy();
  });

  it('in a small room renews after 15 s and times others out after 37.5 s', () => {
    const aw = crowd(3);
    const before = clockOf(aw);
    const oldest = Math.min(...others(aw).map((c) => stampOf(aw, c)));
    const newest = Math.max(...others(aw).map((c) => stampOf(aw, c)));
    checkPresence(aw, stampOf(aw) + 14_000);
    expect(clockOf(aw)).toBe(before);
    checkPresence(aw, stampOf(aw) + 15_000);
    expect(clockOf(aw)).toBe(before + 1);
    expect(checkPresence(aw, oldest + 37_000)).toEqual([]);
    expect(checkPresence(aw, newest + 37_500)).toHaveLength(3);
    aw.destroy();
  });

  it('does not renew a presence we have withdrawn (left)', () => {
    const aw = crowd(1);
    aw.setLocalState(null);
    const clock = clockOf(aw);
    checkPresence(aw, stampOf(aw) + 60_000);
    expect(clockOf(aw)).toBe(clock);
    expect(aw.getLocalState()).toBeNull();
    aw.destroy();
  });
});

describe('startPresenceClock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("replaces y-protocols' 15 s / 30 s check: a room of 1,000 keeps a state 31 s old, drops one 601 s old, renews ours when due", () => {
    const aw = crowd(999);
    const [quiet, gone] = others(aw);
    const base = Math.max(...[...aw.meta.values()].map((m) => m.lastUpdated));
    const meta = (c: number, ago: number) => aw.meta.set(c, { clock: aw.meta.get(c)?.clock ?? 0, lastUpdated: base - ago });
    meta(quiet as number, 31_000);
    meta(gone as number, 601_000);
    meta(aw.clientID, 241_000);
    const before = clockOf(aw);
    const stop = startPresenceClock(aw, { now: () => base });
    vi.advanceTimersByTime(PRESENCE_CHECK_MS);
    expect(aw.getStates().has(quiet as number)).toBe(true);
    expect(aw.getStates().has(gone as number)).toBe(false);
    expect(clockOf(aw)).toBe(before + 1);
    // Without it, y-protocols' own check (its timer is faked too) drops the 31 s old state.
    const plain = crowd(999);
    const [q] = others(plain);
    plain.meta.set(q as number, { clock: plain.meta.get(q as number)?.clock ?? 0, lastUpdated: stampOf(plain) - 31_000 });
    vi.advanceTimersByTime(PRESENCE_CHECK_MS);
    expect(plain.getStates().has(q as number)).toBe(false);
    stop();
    aw.destroy();
    plain.destroy();
  });
});

/** Two room docs over an in-memory pair of links (what the call's doc channels carry). */
function pair(): { a: RoomDocConnection; b: RoomDocConnection } {
  const listeners = new Map<string, (e: { from: string; frame: Uint8Array }) => void>();
  const transport = (me: string, other: string): DocTransport => ({
    peers: () => [other],
    onLink: () => () => {},
    send: (to, frame) => {
      queueMicrotask(() => listeners.get(to)?.({ from: me, frame }));
      return true;
    },
    onFrame: (l) => {
      listeners.set(me, l);
      return () => listeners.delete(me);
    },
  });
  const a = connectRoomDoc({ transport: transport('a', 'b'), presence: presence('a', 'Ana') });
  const b = connectRoomDoc({ transport: transport('b', 'a'), presence: presence('b', 'Bea') });
  return { a, b };
}

describe('connectRoomDoc presence', () => {
  it('parses everyone once per change, not once per reader', async () => {
    const { a, b } = pair();
    await new Promise((r) => setTimeout(r, 0));
    const first = a.peers();
    expect([...first.values()].map((p) => p.name)).toEqual(['Bea']);
    expect(a.peers()).toBe(first);
    b.updatePresence({ mic: true });
    await new Promise((r) => setTimeout(r, 0));
    const next = a.peers();
    expect(next).not.toBe(first);
    expect([...next.values()][0]?.mic).toBe(true);
    expect(a.peers()).toBe(next);
    a.dispose();
    b.dispose();
  });
});
