import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALONE_GRACE_MS, PEER_GRACE_MS, untilFirstPeer, type JoinView } from '../../../src/ui/until-first-peer';
import type { ParticipantView } from '../../../src/call/call-engine';

type Person = Pick<ParticipantView, 'phase' | 'trust'>;

/** A call whose state the test sets; every change notifies, as CallEngine's 'change' does. */
function fakeCall() {
  const listeners = new Set<() => void>();
  const state = { signaling: 'connecting' as JoinView['signaling'], roomFull: false, relayUnreachable: false, encrypted: true, epoch: 0, people: [] as Person[] };
  const view: JoinView = {
    get signaling() { return state.signaling; },
    get roomFull() { return state.roomFull; },
    get relayUnreachable() { return state.relayUnreachable; },
    get encrypted() { return state.encrypted; },
    get epoch() { return state.epoch; },
    participants: () => state.people,
    on: (l) => { listeners.add(l); return () => listeners.delete(l); },
  };
  const set = (patch: Partial<typeof state>) => { Object.assign(state, patch); for (const l of [...listeners]) l(); };
  return { view, set, listeners };
}

async function settledAfter(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('untilFirstPeer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows the call ALONE_GRACE_MS after signalling comes online with no one there', async () => {
    const c = fakeCall();
    const p = untilFirstPeer(c.view);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await settledAfter(p)).toBe(false); // still connecting to the relay
    c.set({ signaling: 'online' });
    await vi.advanceTimersByTimeAsync(ALONE_GRACE_MS - 1);
    expect(await settledAfter(p)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settledAfter(p)).toBe(true);
    expect(c.listeners.size).toBe(0);
  });

  it('waits past the alone grace for a peer that started connecting, until it is verified and keyed', async () => {
    const c = fakeCall();
    const p = untilFirstPeer(c.view);
    c.set({ signaling: 'online' });
    await vi.advanceTimersByTimeAsync(300);
    c.set({ people: [{ phase: 'connecting', trust: 'pending' }] });
    await vi.advanceTimersByTimeAsync(ALONE_GRACE_MS);
    expect(await settledAfter(p)).toBe(false);
    c.set({ people: [{ phase: 'connected', trust: 'verified' }] });
    expect(await settledAfter(p)).toBe(false); // verified, but the key hand-out has not come
    c.set({ epoch: 1 });
    expect(await settledAfter(p)).toBe(true);
  });

  it('needs no key hand-out when media is not encrypted', async () => {
    const c = fakeCall();
    c.set({ signaling: 'online', encrypted: false, people: [{ phase: 'connected', trust: 'verified' }] });
    expect(await settledAfter(untilFirstPeer(c.view))).toBe(true);
  });

  it('gives up waiting PEER_GRACE_MS after a first peer appeared', async () => {
    const c = fakeCall();
    const p = untilFirstPeer(c.view);
    c.set({ signaling: 'online', people: [{ phase: 'connecting', trust: 'pending' }] });
    await vi.advanceTimersByTimeAsync(PEER_GRACE_MS - 1);
    expect(await settledAfter(p)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settledAfter(p)).toBe(true);
  });

  it('starts the alone grace again when the peer goes away before connecting', async () => {
    const c = fakeCall();
    const p = untilFirstPeer(c.view);
    c.set({ signaling: 'online', people: [{ phase: 'connecting', trust: 'pending' }] });
    await vi.advanceTimersByTimeAsync(200);
    c.set({ people: [] });
    await vi.advanceTimersByTimeAsync(ALONE_GRACE_MS);
    expect(await settledAfter(p)).toBe(true);
  });

  it('lets a full room or an unreachable relay through at once', async () => {
    const full = fakeCall();
    full.set({ signaling: 'online', roomFull: true, people: [{ phase: 'connecting', trust: 'pending' }] });
    expect(await settledAfter(untilFirstPeer(full.view))).toBe(true);
    const down = fakeCall();
    const p = untilFirstPeer(down.view);
    down.set({ relayUnreachable: true }); // never came online
    expect(await settledAfter(p)).toBe(true);
  });
});
