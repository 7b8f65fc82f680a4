/**
 * Passing control messages on over the overlay (src/tree/flood-router.ts): each message is
 * delivered once per member whatever paths and order it arrives by, and a seeded simulation
 * floods a room of 256 over the ring overlay with messages delivered in random order.
 */
import { describe, expect, it } from 'vitest';
import { FLOOD_MAX_HOPS, FloodRouter, type FloodEnvelope } from '../../../src/tree/flood-router';
import { planControlOverlay } from '../../../src/tree/control-overlay';
import { hopsFrom } from '../../../src/tree/overlay-metrics';
import { createPrng } from '../../support/prng';

describe('FloodRouter', () => {
  it('numbers our own messages from 1 with the full hop budget', () => {
    const r = new FloodRouter<string>('me', { maxHops: 5 });
    expect(r.originate('a')).toEqual({ origin: 'me', seq: 1, ttl: 4, body: 'a' });
    expect(r.originate('b').seq).toBe(2);
  });

  it('delivers a new message once and passes it on with one hop fewer', () => {
    const r = new FloodRouter<string>('me');
    const env: FloodEnvelope<string> = { origin: 'x', seq: 1, ttl: 3, body: 'hi' };
    expect(r.receive(env)).toEqual({ kind: 'deliver', body: 'hi', origin: 'x', forward: { ...env, ttl: 2 } });
    expect(r.receive({ ...env, ttl: 9 })).toEqual({ kind: 'duplicate' });
  });

  it('delivers but does not pass on a message with no hops left', () => {
    const r = new FloodRouter<string>('me');
    const v = r.receive({ origin: 'x', seq: 1, ttl: 0, body: 'last' });
    expect(v).toMatchObject({ kind: 'deliver', forward: null });
  });

  it('never trusts a hop count above its own limit', () => {
    const r = new FloodRouter<string>('me', { maxHops: 4 });
    const v = r.receive({ origin: 'x', seq: 1, ttl: 1000, body: 'b' });
    expect(v).toMatchObject({ kind: 'deliver', forward: { ttl: 2 } });
  });

  it('drops our own messages coming back', () => {
    const r = new FloodRouter<string>('me');
    expect(r.receive(r.originate('loop'))).toEqual({ kind: 'own' });
  });

  it('delivers messages arriving out of order once each, and refuses ones older than the window', () => {
    const r = new FloodRouter<number>('me', { window: 8 });
    const got: number[] = [];
    for (const seq of [3, 1, 2, 3, 12, 6, 5, 1, 11, 12, 4]) {
      const v = r.receive({ origin: 'x', seq, ttl: 2, body: seq });
      if (v.kind === 'deliver') got.push(v.body);
    }
    // 1–4 are 8 or more below 12 by the time 4 arrives: stale, not delivered twice or late.
    expect(got).toEqual([3, 1, 2, 12, 6, 5, 11]);
    expect(r.receive({ origin: 'x', seq: 4, ttl: 2, body: 4 })).toEqual({ kind: 'stale' });
  });

  it('keeps separate windows per origin', () => {
    const r = new FloodRouter<string>('me');
    expect(r.receive({ origin: 'a', seq: 1, ttl: 1, body: '' }).kind).toBe('deliver');
    expect(r.receive({ origin: 'b', seq: 1, ttl: 1, body: '' }).kind).toBe('deliver');
  });

  it('remembers a bounded number of origins, forgetting the one heard from longest ago', () => {
    const r = new FloodRouter<string>('me', { maxOrigins: 2 });
    r.receive({ origin: 'a', seq: 1, ttl: 1, body: '' });
    r.receive({ origin: 'b', seq: 1, ttl: 1, body: '' });
    r.receive({ origin: 'a', seq: 2, ttl: 1, body: '' });
    r.receive({ origin: 'c', seq: 1, ttl: 1, body: '' });
    // b was forgotten (a was heard from since), so its message counts as new again; a's does not.
    expect(r.receive({ origin: 'a', seq: 2, ttl: 1, body: '' }).kind).toBe('duplicate');
    expect(r.receive({ origin: 'b', seq: 1, ttl: 1, body: '' }).kind).toBe('deliver');
  });

  it('forgets a member who left', () => {
    const r = new FloodRouter<string>('me');
    r.receive({ origin: 'a', seq: 1, ttl: 1, body: '' });
    r.forget('a');
    expect(r.receive({ origin: 'a', seq: 1, ttl: 1, body: '' }).kind).toBe('deliver');
  });
});

describe('flooding a room of 256 over the ring overlay (seeded)', () => {
  const cases = [1, 2, 3].flatMap((seed) => [
    { seed, order: 'random' as const },
    { seed, order: 'first-in-first-out' as const },
  ]);
  it.each(cases)('seed $seed, $order delivery: every member gets every message once', ({ seed, order }) => {
    const rng = createPrng(9100 + seed);
    const ids = Array.from({ length: 256 }, (_, i) => `m${i}-${rng.int(0, 1e9)}`);
    const { neighbours } = planControlOverlay(ids);
    const routers = new Map(ids.map((id) => [id, new FloodRouter<string>(id)]));
    const delivered = new Map<string, string[]>(ids.map((id) => [id, []]));
    type InFlight = { to: string; from: string; env: FloodEnvelope<string> };
    const queue: InFlight[] = [];
    const sendAll = (from: string, env: FloodEnvelope<string>, except?: string): void => {
      for (const to of neighbours.get(from) ?? []) if (to !== except) queue.push({ to, from, env });
    };
    const origins = rng.shuffle(ids).slice(0, 20);
    origins.forEach((o, i) => sendAll(o, (routers.get(o) as FloodRouter<string>).originate(`msg${i}`)));
    let sends = queue.length;
    /** Hops each (member, message) took, for the first-in-first-out run. */
    const hops = new Map<string, number>();
    let head = 0;
    while (head < queue.length) {
      let next: InFlight;
      if (order === 'random') {
        // Whatever path wins, each member delivers once.
        const k = rng.int(head, queue.length - 1);
        next = queue[k] as InFlight;
        queue[k] = queue[head] as InFlight;
      } else {
        next = queue[head] as InFlight;
      }
      head += 1;
      const { to, from, env } = next;
      const v = (routers.get(to) as FloodRouter<string>).receive(env);
      if (v.kind !== 'deliver') continue;
      delivered.get(to)?.push(v.body);
      hops.set(`${to} ${v.body}`, FLOOD_MAX_HOPS - env.ttl);
      if (v.forward) {
        const before = queue.length;
        sendAll(to, v.forward, from);
        sends += queue.length - before;
      }
    }
    for (const [id, got] of delivered) {
      const expected = origins.map((o, i) => (o === id ? null : `msg${i}`)).filter((x): x is string => x !== null);
      expect([...got].sort(), `seed ${seed}: ${id}`).toEqual(expected.sort());
    }
    // Each member passes a message on at most once per link: a flood costs at most the links.
    const links = [...neighbours.values()].reduce((s, n) => s + n.length, 0);
    expect(sends / origins.length).toBeLessThanOrEqual(links);
    if (order === 'first-in-first-out') {
      // Links of equal delay: every message reaches every member by a shortest path.
      origins.forEach((o, i) => {
        for (const [id, d] of hopsFrom(neighbours, o)) if (id !== o) expect(hops.get(`${id} msg${i}`), `${o} to ${id}`).toBe(d);
      });
    }
  });
});
