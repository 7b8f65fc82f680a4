/**
 * The call's side of the control overlay (src/call/overlay-room.ts): when it is on, whom we
 * keep a connection to, when another may go, and members known only by their heartbeats.
 */
import { describe, expect, it } from 'vitest';
import { FULL_HEARTBEAT_MS, OVERLAY_PRUNE_MS, OVERLAY_SILENT_MS, OverlayRoom, type OverlayRoomHost } from '../../../src/call/overlay-room';
import type { ControlMessage } from '../../../src/protocol/mesh-messages';
import type { Member } from '../../../src/call/membership';
import { beatPace } from '../../../src/tree/beat-pace';
import { controlNeighbours, DEFAULT_CONTROL_OVERLAY } from '../../../src/tree/control-overlay';

const id = (i: number): string => i.toString(16).padStart(32, '0');
const ME = id(1);

function setup(n: number, controlMesh = 4) {
  let now = 1_000_000;
  const members = new Map<string, Member>();
  for (let i = 2; i <= n; i++) members.set(id(i), { peerId: id(i), joinedAt: i });
  const calls: string[] = [];
  const firstHand = new Set<string>();
  const sharing = { value: false };
  const sent: ControlMessage[] = [];
  const host: OverlayRoomHost = {
    myId: ME,
    controlMesh,
    channels: () => [{ peerId: id(2), send: (m: ControlMessage) => sent.push(m) > 0 }],
    firstHand: (p) => firstHand.has(p),
    member: (p) => members.get(p),
    addMember: (p, joinedAt) => {
      calls.push(`add ${p.slice(-2)}`);
      members.set(p, { peerId: p, joinedAt });
    },
    seen: () => {},
    sharing: () => sharing.value,
    rewire: () => calls.push('rewire'),
    onHello: (p) => calls.push(`hello ${p.slice(-2)}`),
    onTree: (p) => calls.push(`tree ${p.slice(-2)}`),
    // A stand-in for CallSecurity's sealing: the box is the JSON reversed; "bad" does not open.
    seal: async (json, to) => `${to.slice(-2)}:${[...json].reverse().join('')}`,
    open: async (box) => (box === 'bad' ? null : [...box.slice(3)].reverse().join('')),
    onDirect: (p, m) => calls.push(`dm ${p.slice(-2)} ${m.text}`),
    roomChanged: () => calls.push('room-changed'),
    changed: () => calls.push('changed'),
    now: () => now,
  };
  const room = new OverlayRoom(host);
  const admitted = new Set([ME, ...members.keys()]);
  const heartbeat = (from: number, seq: number, micOn = false, screen = false) =>
    room.receive(id(2), { t: 'flood', o: id(from), s: seq, h: 5, b: { k: 'hb', joinedAt: from, state: { name: `p${from}`, micOn, camOn: true, ...(screen ? { screen } : {}) }, hello: { uplinkKbps: 4000, canForward: true } } });
  return { room, admitted, members, calls, firstHand, heartbeat, sharing, sent, tick: (ms: number) => (now += ms), now: () => now };
}

describe('OverlayRoom', () => {
  it('stays off up to controlMesh members: every connection wanted', () => {
    const { room, admitted } = setup(4);
    room.plan(admitted);
    expect(room.on).toBe(false);
    expect([...admitted].every((p) => room.wants(p))).toBe(true);
  });

  it('above it, wants only the overlay neighbours and lets a connection to anyone else go once settled', () => {
    const { room, admitted, now } = setup(8);
    room.plan(admitted);
    expect(room.on).toBe(true);
    const nbrs = controlNeighbours([...admitted], ME, { ...DEFAULT_CONTROL_OVERLAY, fullMeshUpTo: 4 });
    const others = [...admitted].filter((p) => p !== ME && !nbrs.includes(p));
    expect(others.length).toBeGreaterThan(0);
    for (const p of nbrs) expect(room.wants(p)).toBe(true);
    const other = others[0] as string;
    expect(room.wants(other)).toBe(false);
    expect(room.prunable(other, now() - OVERLAY_PRUNE_MS + 10, now())).toBe(false);
    expect(room.prunable(other, now() - OVERLAY_PRUNE_MS - 10, now())).toBe(true);
    expect(room.prunable(nbrs[0] as string, 0, now())).toBe(false);
  });

  it('a heartbeat makes a member known: hello and rekey once, a redraw on each change of state', () => {
    const { room, admitted, calls, heartbeat } = setup(8);
    room.plan(admitted);
    heartbeat(5, 1);
    expect(calls).toEqual(['hello 05', 'room-changed', 'changed']);
    heartbeat(5, 2);
    expect(calls).toHaveLength(3);
    heartbeat(5, 3, true);
    expect(calls.slice(3)).toEqual(['changed']);
    expect(room.heard(id(5))?.state?.micOn).toBe(true);
    expect(room.others().map((m) => m.peerId)).toEqual([id(5)]);
  });

  it('a member heard first-hand is not counted among those heard only through others', () => {
    const { room, admitted, heartbeat, firstHand } = setup(8);
    room.plan(admitted);
    heartbeat(5, 1);
    firstHand.add(id(5));
    expect(room.others()).toEqual([]);
    expect(room.forget(id(5))).toBe(false);
  });

  it('adds a member its announce did not bring, and goes silent on it after OVERLAY_SILENT_MS', () => {
    const { room, admitted, calls, heartbeat, tick } = setup(8);
    room.plan(admitted);
    heartbeat(42, 1);
    expect(calls[0]).toBe('add 2a');
    tick(OVERLAY_SILENT_MS - 1);
    heartbeat(43, 1); // someone else is still heard
    expect(room.wentSilent(id(42))).toBe(false);
    tick(2);
    heartbeat(43, 2);
    expect(room.wentSilent(id(42))).toBe(true);
    expect(room.heard(id(42))).toBeUndefined();
    expect(room.forget(id(42))).toBe(true);
    expect(room.wentSilent(id(42))).toBe(false);
  });

  it('does not drop members that fell silent together (our page or every neighbour starved) until others are heard again', () => {
    const { room, admitted, heartbeat, tick } = setup(8);
    room.plan(admitted);
    heartbeat(42, 1);
    heartbeat(43, 1);
    tick(3 * OVERLAY_SILENT_MS);
    // Not gone, and still planned and listed: nobody was heard after it.
    expect(room.heard(id(42))).toBeDefined();
    expect(room.wentSilent(id(42))).toBe(false);
    expect(room.wentSilent(id(43))).toBe(false);
    // Words come again from 43 only (one digest carries every count that rose): 42 has left.
    heartbeat(43, 2);
    expect(room.wentSilent(id(43))).toBe(false);
    expect(room.wentSilent(id(42))).toBe(true);
    expect(room.heard(id(42))).toBeUndefined();
  });

  it('in a room above 320 members (slower beats) waits longer before a silent member has left', () => {
    const { room, calls, heartbeat, tick } = setup(8);
    const big = new Set([ME, ...Array.from({ length: 999 }, (_, i) => id(i + 2))]);
    room.plan(big);
    heartbeat(42, 1);
    expect(calls[0]).toBe('add 2a');
    tick(OVERLAY_SILENT_MS + 1);
    heartbeat(43, 1);
    expect(room.wentSilent(id(42))).toBe(false);
    tick(beatPace(big.size).silentMs - OVERLAY_SILENT_MS);
    heartbeat(43, 2);
    expect(room.wentSilent(id(42))).toBe(true);
  });

  it('wants a connection to a member sharing a screen, and to everyone while we share', () => {
    const { room, admitted, calls, heartbeat, sharing } = setup(8);
    room.plan(admitted);
    const nbrs = new Set(controlNeighbours([...admitted], ME, { ...DEFAULT_CONTROL_OVERLAY, fullMeshUpTo: 4 }));
    const far = [...admitted].find((p) => p !== ME && !nbrs.has(p)) as string;
    const n = parseInt(far, 16);
    heartbeat(n, 1);
    expect(room.wants(far)).toBe(false);
    heartbeat(n, 2, false, true);
    expect(room.wants(far)).toBe(true);
    expect(calls.filter((c) => c === 'rewire')).toHaveLength(1);
    heartbeat(n, 3, false, false);
    expect(room.wants(far)).toBe(false);
    expect(calls.filter((c) => c === 'rewire')).toHaveLength(2);
    sharing.value = true;
    expect([...admitted].every((p) => room.wants(p))).toBe(true);
  });

  it('beats only while on: a digest every beat, who we are when it changes and every FULL_HEARTBEAT_MS', () => {
    const { room, admitted, sent, tick } = setup(8);
    const st = { name: 'me', micOn: false, camOn: true };
    const hello = { uplinkKbps: 4000, canForward: true };
    room.heartbeat(1, st, hello);
    expect(sent).toEqual([]);
    room.plan(admitted);
    const kinds = () => sent.map((m) => (m.t === 'flood' ? 'who' : m.t));
    const beats = FULL_HEARTBEAT_MS / 400 + 1;
    for (let i = 0; i < beats; i++) {
      room.heartbeat(1, st, hello);
      tick(400);
    }
    const k = kinds();
    expect(k.filter((x) => x === 'beats')).toHaveLength(beats);
    expect(k.filter((x) => x === 'who')).toHaveLength(2);
    expect(k.slice(0, 2)).toEqual(['who', 'beats']);
    sent.length = 0;
    room.heartbeat(1, { ...st, micOn: true }, hello);
    expect(kinds()).toEqual(['who', 'beats']);
  });

  it('in a room of 256 says who it is, unchanged, every 120 s rather than every 30 s', () => {
    const { room, admitted, sent, tick } = setup(256);
    const st = { name: 'me', micOn: false, camOn: true };
    const hello = { uplinkKbps: 4000, canForward: true };
    room.plan(admitted);
    const who = () => sent.filter((m) => m.t === 'flood').length;
    const beatMs = 1600;
    for (let t = 0; t <= 100_000; t += beatMs) {
      room.heartbeat(1, st, hello);
      tick(beatMs);
    }
    expect(who()).toBe(1);
    for (let t = 100_000; t <= 125_000; t += beatMs) {
      room.heartbeat(1, st, hello);
      tick(beatMs);
    }
    expect(who()).toBe(2);
  });

  it('says who it is again when the overlay turns back on', () => {
    const { room, admitted, sent } = setup(8);
    const st = { name: 'me', micOn: false, camOn: true };
    const hello = { uplinkKbps: 4000, canForward: true };
    room.plan(admitted);
    room.heartbeat(1, st, hello);
    room.heartbeat(1, st, hello);
    room.plan(new Set([...admitted].slice(0, 3)));
    expect(room.on).toBe(false);
    room.plan(admitted);
    sent.length = 0;
    room.heartbeat(1, st, hello);
    expect(sent.map((m) => m.t)).toEqual(['flood', 'beats']);
  });

  it('welcomes a neighbour with a roster of who we know, ourselves first', () => {
    const { room, admitted, sent, heartbeat } = setup(8);
    room.plan(admitted);
    heartbeat(5, 1);
    room.heartbeat(1, { name: 'me', micOn: false, camOn: true }, { uplinkKbps: 4000, canForward: true });
    sent.length = 0;
    room.welcome(id(2));
    expect(sent).toHaveLength(1);
    const roster = sent[0];
    expect(roster?.t).toBe('roster');
    if (roster?.t === 'roster') expect(roster.m.map((e) => e.id)).toEqual([ME, id(5)]);
  });

  it('opens a private message for us only from a listed member, and only if it opens and checks out', async () => {
    const { room, admitted, calls } = setup(8);
    room.plan(admitted);
    const dm = { t: 'dm', id: 'm1', text: 'hi', at: 5 };
    const box = `xx:${[...JSON.stringify(dm)].reverse().join('')}`;
    const keyed = (from: number) => room.receive(id(2), { t: 'flood', o: id(from), s: 1, h: 5, b: { k: 'hb', joinedAt: from, pub: 'a2V5' } });
    keyed(3);
    room.receive(id(2), { t: 'flood', o: id(77), s: 2, h: 3, to: ME, b: { k: 'dm', box } });
    room.receive(id(2), { t: 'flood', o: id(3), s: 2, h: 3, to: ME, b: { k: 'dm', box: 'bad' } });
    room.receive(id(2), { t: 'flood', o: id(3), s: 3, h: 3, to: ME, b: { k: 'dm', box: `xx:${[...'{"t":"bye"}'].reverse().join('')}` } });
    room.receive(id(2), { t: 'flood', o: id(3), s: 4, h: 3, to: ME, b: { k: 'dm', box } });
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.filter((c) => c.startsWith('dm'))).toEqual(['dm 03 hi']);
  });

  it('sends a private message sealed to a member it heard a key from, and not otherwise', async () => {
    const { room, admitted, sent, heartbeat } = setup(8);
    room.plan(admitted);
    const dm = { t: 'dm' as const, id: 'm1', text: 'hi', at: 5 };
    heartbeat(5, 1);
    expect(room.sendDirect(id(5), dm)).toBe(false);
    room.receive(id(2), { t: 'flood', o: id(6), s: 1, h: 5, b: { k: 'hb', joinedAt: 6, pub: 'a2V5' } });
    expect(room.sendDirect(id(6), dm)).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    const out = sent.find((m) => m.t === 'flood' && m.b.k === 'dm');
    expect(out).toMatchObject({ to: id(6), b: { k: 'dm', box: `06:${[...JSON.stringify(dm)].reverse().join('')}` } });
  });

  it('passes a tree signal on only from a listed member', () => {
    const { room, admitted, calls } = setup(8);
    room.plan(admitted);
    const sig = { t: 'tree' as const, v: 1 as const, kind: 'resume' as const, link: '0123456789abcdef' };
    room.receive(id(2), { t: 'flood', o: id(77), s: 1, h: 3, to: ME, b: { k: 'tree', sig } });
    room.receive(id(2), { t: 'flood', o: id(3), s: 1, h: 3, to: ME, b: { k: 'tree', sig } });
    expect(calls).toEqual(['tree 03']);
  });
});
