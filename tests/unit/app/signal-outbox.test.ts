import { describe, expect, it } from 'vitest';
import { SignalOutbox, signalType, type SignalSocket, type SignalType } from '../../../src/call/signal-outbox';
import type { NegotiationPayload } from '../../../src/protocol/mesh-messages';

/** A PeerJS socket that can go down: what it wrote, in order. */
class FakeSocket implements SignalSocket {
  isReady = true;
  /** Up but failing writes (a socket closing under us). */
  failWrites = false;
  readonly sent: { type: SignalType; dst: string; payload: NegotiationPayload }[] = [];
  send(type: SignalType, dst: string, payload: NegotiationPayload): boolean {
    if (!this.isReady || this.failWrites) return false;
    this.sent.push({ type, dst, payload });
    return true;
  }
}

const offer = (sid: string): NegotiationPayload => ({ v: 1, sid, description: { type: 'offer', sdp: `offer ${sid}` } });
const answer = (sid: string): NegotiationPayload => ({ v: 1, sid, description: { type: 'answer', sdp: `answer ${sid}` } });
const candidate = (sid: string, n: number): NegotiationPayload => ({ v: 1, sid, candidate: { candidate: `candidate:${n}` } });

function setup(max?: number) {
  const socket = new FakeSocket();
  const counts: Record<string, number> = {};
  const outbox = new SignalOutbox(socket, (e) => (counts[e] = (counts[e] ?? 0) + 1), max);
  /** Sends while the socket is down, then brings it back (without flushing). */
  const sendWhileDown = (...sends: [string, NegotiationPayload][]) => {
    socket.isReady = false;
    for (const [peerId, payload] of sends) outbox.send(peerId, payload);
    socket.isReady = true;
  };
  return { socket, counts, outbox, sendWhileDown };
}

describe('signalType', () => {
  it('maps descriptions to OFFER/ANSWER and everything else (candidates, proofs) to CANDIDATE', () => {
    expect(signalType(offer('s'))).toBe('OFFER');
    expect(signalType(answer('s'))).toBe('ANSWER');
    expect(signalType(candidate('s', 1))).toBe('CANDIDATE');
    expect(signalType({ v: 1, sid: 's', auth: { proof: 'p', pub: 'k' } } as NegotiationPayload)).toBe('CANDIDATE');
  });
});

describe('SignalOutbox', () => {
  it('sends at once while the socket is ready', () => {
    const { socket, counts, outbox } = setup();
    outbox.send('bea', offer('s1'));
    expect(socket.sent.map((m) => m.type)).toEqual(['OFFER']);
    expect(counts).toEqual({});
  });

  it('holds signals while the socket is down and sends them in order once it is back', () => {
    const { socket, counts, outbox } = setup();
    socket.isReady = false;
    outbox.send('eve', offer('s1'));
    outbox.send('eve', candidate('s1', 1));
    outbox.send('eve', candidate('s1', 2));
    expect(socket.sent).toEqual([]);
    expect(outbox.waiting('eve')).toBe(3);
    expect(counts).toEqual({ 'signal-held:OFFER': 1, 'signal-held:CANDIDATE': 2 });

    // Still down: a flush sends nothing and keeps everything.
    outbox.flush(() => 's1');
    expect(outbox.waiting('eve')).toBe(3);

    socket.isReady = true;
    outbox.flush(() => 's1');
    expect(socket.sent.map((m) => `${m.dst} ${m.type}`)).toEqual(['eve OFFER', 'eve CANDIDATE', 'eve CANDIDATE']);
    expect(outbox.waiting('eve')).toBe(0);
  });

  it('keeps order: a new signal waits behind held ones even when the socket is back', () => {
    const { socket, outbox, sendWhileDown } = setup();
    sendWhileDown(['eve', offer('s1')]);
    outbox.send('eve', candidate('s1', 1));
    expect(socket.sent).toEqual([]);
    outbox.flush(() => 's1');
    expect(socket.sent.map((m) => m.type)).toEqual(['OFFER', 'CANDIDATE']);
  });

  it('drops the signals of a session replaced while they waited', () => {
    const { socket, outbox, sendWhileDown } = setup();
    sendWhileDown(['eve', offer('old')], ['eve', offer('new')]);
    outbox.flush((id) => (id === 'eve' ? 'new' : undefined));
    expect(socket.sent.map((m) => m.payload.sid)).toEqual(['new']);
  });

  it('drops everything for a peer with no session any more', () => {
    const { socket, outbox, sendWhileDown } = setup();
    sendWhileDown(['gone', offer('s1')]);
    outbox.flush(() => undefined);
    expect(socket.sent).toEqual([]);
  });

  it('holds at most maxPerPeer per peer, dropping the oldest and counting it', () => {
    const { socket, counts, outbox } = setup(3);
    socket.isReady = false;
    for (let n = 1; n <= 5; n++) outbox.send('eve', candidate('s1', n));
    expect(outbox.waiting('eve')).toBe(3);
    expect(counts['signal-dropped:CANDIDATE']).toBe(2);
    socket.isReady = true;
    outbox.flush(() => 's1');
    expect(socket.sent.map((m) => ('candidate' in m.payload ? m.payload.candidate?.candidate : null))).toEqual(['candidate:3', 'candidate:4', 'candidate:5']);
  });

  it('re-holds signals when the socket fails mid-flush, keeping their order', () => {
    const { socket, outbox, sendWhileDown } = setup();
    sendWhileDown(['eve', offer('s1')], ['eve', candidate('s1', 1)]);
    socket.failWrites = true;
    outbox.flush(() => 's1');
    expect(outbox.waiting('eve')).toBe(2);
    socket.failWrites = false;
    outbox.flush(() => 's1');
    expect(socket.sent.map((m) => m.type)).toEqual(['OFFER', 'CANDIDATE']);
  });

  it('forget and clear discard what waits', () => {
    const { socket, outbox } = setup();
    socket.isReady = false;
    outbox.send('eve', offer('s1'));
    outbox.send('bea', offer('s2'));
    outbox.forget('eve');
    expect(outbox.waiting('eve')).toBe(0);
    expect(outbox.waiting('bea')).toBe(1);
    outbox.clear();
    expect(outbox.waiting('bea')).toBe(0);
  });
});
