import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Relay } from '../../../relay/server';
import { openPeer, peerUrl, sleep, startRelay, TestClient } from './test-client';

describe('PeerJS route', () => {
  let relay: Relay;
  beforeEach(async () => {
    relay = await startRelay({ limits: { peerQueueTtlMs: 200, peerQueueSweepMs: 20 } });
  });
  afterEach(async () => {
    await relay.close();
  });

  it('sends OPEN on accept and relays with a relay-stamped src', async () => {
    const alice = await openPeer(relay, 'alice');
    const bob = await openPeer(relay, 'bob');
    alice.send({ type: 'OFFER', src: 'mallory', dst: 'bob', payload: { sdp: 'x' } });
    expect(await bob.next()).toEqual({ type: 'OFFER', src: 'alice', dst: 'bob', payload: { sdp: 'x' } });
    bob.send({ type: 'ANSWER', dst: 'alice', payload: { sdp: 'y' } });
    expect(await alice.next()).toEqual({ type: 'ANSWER', src: 'bob', dst: 'alice', payload: { sdp: 'y' } });
    bob.send({ type: 'CANDIDATE', dst: 'alice', payload: { candidate: 'c' } });
    expect(await alice.next()).toMatchObject({ type: 'CANDIDATE', src: 'bob' });
    alice.send({ type: 'HEARTBEAT' });
    expect(await alice.drain(50)).toEqual([]);
    expect(relay.stats().peerjs.peers).toBe(2);
  });

  it('accepts ids with inner spaces, dashes and underscores', async () => {
    const c = await openPeer(relay, 'a b-c_d');
    c.close();
  });

  it.each([
    ['missing token', new URLSearchParams({ key: 'peerjs', id: 'x' }), 'No id, token, or key'],
    ['bad id chars', new URLSearchParams({ key: 'peerjs', id: 'a/b', token: 't' }), 'Invalid id'],
    ['leading dash', new URLSearchParams({ key: 'peerjs', id: '-ab', token: 't' }), 'Invalid id'],
    ['long id', new URLSearchParams({ key: 'peerjs', id: 'a'.repeat(65), token: 't' }), 'Invalid id'],
    ['long token', new URLSearchParams({ key: 'peerjs', id: 'a', token: 't'.repeat(65) }), 'Invalid token'],
    ['wrong key', new URLSearchParams({ key: 'nope', id: 'a', token: 't' }), 'Invalid key'],
  ])('refuses %s with ERROR and close', async (_name, params, msg) => {
    const url = relay.url.replace(/^http/, 'ws') + '/peerjs?' + params.toString();
    const c = new TestClient(url);
    const m = await c.next();
    expect(m.type).toBe('ERROR');
    expect(m.payload.msg).toContain(msg);
    expect(typeof m.payload.code).toBe('string');
    await c.closed;
  });

  it('answers ID-TAKEN for a different token, replaces the socket for the same token', async () => {
    const first = await openPeer(relay, 'carol', 'secret1');
    const thief = new TestClient(peerUrl(relay, 'carol', 'other'));
    expect(await thief.next()).toEqual({ type: 'ID-TAKEN', payload: { msg: 'ID is taken' } });
    await thief.closed;

    const again = await openPeer(relay, 'carol', 'secret1');
    await first.closed;
    const dave = await openPeer(relay, 'dave');
    dave.send({ type: 'OFFER', dst: 'carol', payload: 1 });
    expect(await again.next()).toMatchObject({ type: 'OFFER', src: 'dave', payload: 1 });
    // The replaced socket closing late must not have unregistered its successor.
    await sleep(30);
    expect(relay.stats().peerjs.peers).toBe(2);
  });

  it('frees an id when its socket closes', async () => {
    const a = await openPeer(relay, 'erin', 't1');
    a.close();
    await a.closed;
    await sleep(30);
    const b = await openPeer(relay, 'erin', 't2');
    b.close();
  });

  it('tells the peers a socket sent offers or answers to that it is GONE when it closes, and no one else', async () => {
    const alice = await openPeer(relay, 'alice');
    const bob = await openPeer(relay, 'bob');
    const carol = await openPeer(relay, 'carol');
    const dave = await openPeer(relay, 'dave');
    alice.send({ type: 'OFFER', dst: 'bob', payload: 1 });
    alice.send({ type: 'ANSWER', dst: 'carol', payload: 2 });
    // Candidates alone do not make a contact (a pair that talks has sent an offer or answer).
    alice.send({ type: 'CANDIDATE', dst: 'dave', payload: 4 });
    alice.send({ type: 'OFFER', dst: 'absent', payload: 3 });
    expect(await bob.next()).toMatchObject({ type: 'OFFER', src: 'alice' });
    expect(await carol.next()).toMatchObject({ type: 'ANSWER', src: 'alice' });
    expect(await dave.next()).toMatchObject({ type: 'CANDIDATE', src: 'alice' });
    alice.close();
    expect(await bob.next()).toEqual({ type: 'GONE', src: 'alice', dst: 'bob' });
    expect(await carol.next()).toEqual({ type: 'GONE', src: 'alice', dst: 'carol' });
    expect(await dave.drain(50)).toEqual([]);
    // Not queued: it describes a moment, and a peer arriving later has nothing to repair.
    const absent = await openPeer(relay, 'absent');
    expect(await absent.next()).toMatchObject({ type: 'OFFER', src: 'alice', payload: 3 });
    expect(await absent.drain(50)).toEqual([]);
  });

  it('sends no GONE for a socket replaced by the same client, nor to a peer it sent LEAVE', async () => {
    const alice = await openPeer(relay, 'alice', 'same');
    const bob = await openPeer(relay, 'bob');
    const carol = await openPeer(relay, 'carol');
    alice.send({ type: 'OFFER', dst: 'bob', payload: 1 });
    alice.send({ type: 'OFFER', dst: 'carol', payload: 1 });
    await bob.next();
    await carol.next();
    const again = await openPeer(relay, 'alice', 'same');
    await alice.closed;
    expect(await bob.drain(50)).toEqual([]);
    again.send({ type: 'OFFER', dst: 'bob', payload: 2 });
    again.send({ type: 'OFFER', dst: 'carol', payload: 2 });
    again.send({ type: 'LEAVE', dst: 'carol' });
    await bob.next();
    await carol.next();
    expect(await carol.next()).toMatchObject({ type: 'LEAVE', src: 'alice' });
    again.close();
    expect(await bob.next()).toEqual({ type: 'GONE', src: 'alice', dst: 'bob' });
    expect(await carol.drain(50)).toEqual([]);
  });

  it('queues messages for an absent peer and delivers them on connect, in order', async () => {
    const alice = await openPeer(relay, 'alice');
    alice.send({ type: 'OFFER', dst: 'late', payload: 1 });
    alice.send({ type: 'CANDIDATE', dst: 'late', payload: 2 });
    alice.send({ type: 'LEAVE', dst: 'late' });
    await sleep(30);
    expect(relay.stats().peerjs.queuedMessages).toBe(2);
    const late = await openPeer(relay, 'late');
    expect(await late.next()).toMatchObject({ type: 'OFFER', src: 'alice', payload: 1 });
    expect(await late.next()).toMatchObject({ type: 'CANDIDATE', src: 'alice', payload: 2 });
    expect(await late.drain(50)).toEqual([]);
    expect(await alice.drain(300)).toEqual([]);
  });

  it('sends EXPIRE to the sender once when queued messages expire', async () => {
    const alice = await openPeer(relay, 'alice');
    alice.send({ type: 'OFFER', dst: 'ghost', payload: 1 });
    // Several sweeps apart (TTL 200 ms, sweep 20 ms): the second must go with the first.
    await sleep(80);
    alice.send({ type: 'CANDIDATE', dst: 'ghost', payload: 2 });
    expect(await alice.next(1000)).toEqual({ type: 'EXPIRE', src: 'ghost', dst: 'alice' });
    expect(await alice.drain(100)).toEqual([]);
    expect(relay.stats().peerjs.queuedMessages).toBe(0);
    const ghost = await openPeer(relay, 'ghost');
    expect(await ghost.drain(50)).toEqual([]);
  });

  it('bounds the queue per destination and tells the sender at once', async () => {
    const r = await startRelay({ limits: { peerQueuePerDestination: 2, peerQueueTtlMs: 10_000 } });
    try {
      const alice = await openPeer(r, 'alice');
      for (let i = 0; i < 3; i++) alice.send({ type: 'CANDIDATE', dst: 'ghost', payload: i });
      expect(await alice.next()).toEqual({ type: 'EXPIRE', src: 'ghost', dst: 'alice' });
      expect(r.stats().peerjs.queuedMessages).toBe(2);
    } finally {
      await r.close();
    }
  });

  it('answers invalid messages with a coded ERROR and keeps the socket', async () => {
    const alice = await openPeer(relay, 'alice');
    alice.send({ type: 'NOPE', dst: 'bob' });
    expect(await alice.next()).toMatchObject({ type: 'ERROR', payload: { code: 'unknown-type' } });
    alice.send({ type: 'OFFER', dst: '../etc' });
    expect(await alice.next()).toMatchObject({ type: 'ERROR', payload: { code: 'bad-message' } });
    alice.send([1, 2]);
    expect(await alice.next()).toMatchObject({ type: 'ERROR', payload: { code: 'bad-message' } });
    alice.sendRaw('{nope');
    expect(await alice.next()).toMatchObject({ type: 'ERROR', payload: { code: 'bad-json' } });
    expect(alice.ws.readyState).toBe(alice.ws.OPEN);
  });
});
