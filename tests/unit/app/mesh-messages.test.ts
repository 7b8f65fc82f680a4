import { describe, expect, it } from 'vitest';
import { MAX_EPOCH_RECIPIENTS, parseControl, parseNegotiation, parsePresence } from '../../../src/protocol/mesh-messages';

const ID = '0123456789abcdef0123456789abcdef';

describe('mesh messages are validated where they enter', () => {
  it('accepts well-formed presence and rejects everything else', () => {
    expect(parsePresence({ v: 1, kind: 'announce', peerId: ID, joinedAt: 5, reply: true })).toEqual({ v: 1, kind: 'announce', peerId: ID, joinedAt: 5, reply: true });
    expect(parsePresence({ v: 1, kind: 'bye', peerId: ID })).toEqual({ v: 1, kind: 'bye', peerId: ID });
    // `rt`: answer on my reply topic.
    expect(parsePresence({ v: 1, kind: 'announce', peerId: ID, joinedAt: 5, reply: true, rt: true })).toEqual({ v: 1, kind: 'announce', peerId: ID, joinedAt: 5, reply: true, rt: true });
    expect(parsePresence({ v: 1, kind: 'announce', peerId: ID, joinedAt: 5, reply: true, rt: 'yes' })).toBeNull();
    for (const bad of [null, 1, 'x', [], { v: 2, kind: 'bye', peerId: ID }, { v: 1, kind: 'bye', peerId: 'UPPER' }, { v: 1, kind: 'announce', peerId: ID, joinedAt: Infinity, reply: true }, { v: 1, kind: 'announce', peerId: ID, joinedAt: 1 }, { v: 1, kind: 'evil', peerId: ID }]) {
      expect(parsePresence(bad)).toBeNull();
    }
  });

  it('accepts descriptions and candidates, bounded', () => {
    expect(parseNegotiation({ v: 1, sid: 'abcdef12', description: { type: 'offer', sdp: 'v=0' } })).toMatchObject({ description: { type: 'offer' } });
    expect(parseNegotiation({ v: 1, sid: 'abcdef12', candidate: null })).toEqual({ v: 1, sid: 'abcdef12', candidate: null });
    expect(parseNegotiation({ v: 1, sid: 'abcdef12', candidate: { candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 } })).toMatchObject({ candidate: { candidate: 'candidate:1' } });
    expect(parseNegotiation({ v: 1, sid: 'abcdef12', description: { type: 'pranswer', sdp: '' } })).toBeNull();
    expect(parseNegotiation({ v: 1, sid: 'abcdef12', description: { type: 'offer', sdp: 'x'.repeat(100_000) } })).toBeNull();
    expect(parseNegotiation({ v: 1, sid: 'no', candidate: null })).toBeNull();
    expect(parseNegotiation({ v: 1, sid: 'abcdef12', candidate: { candidate: 5 } })).toBeNull();
    expect(parseNegotiation({ v: 1, sid: 'abcdef12', candidate: { candidate: 'c', sdpMLineIndex: -1 } })).toBeNull();
    expect(parseNegotiation({ v: 1, sid: 'abcdef12' })).toBeNull();
  });

  it('parses control messages from JSON text only, and caps names', () => {
    expect(parseControl(JSON.stringify({ t: 'state', state: { name: 'n'.repeat(80), micOn: true, camOn: false } }))).toEqual({ t: 'state', state: { name: 'n'.repeat(64), micOn: true, camOn: false } });
    expect(parseControl('{"t":"ping","at":1}')).toEqual({ t: 'ping', at: 1 });
    expect(parseControl('{"t":"bye"}')).toEqual({ t: 'bye' });
    const id = 'a'.repeat(32);
    expect(parseControl(JSON.stringify({ t: 'ping', at: 1, ep: 3, em: id }))).toEqual({ t: 'ping', at: 1, ep: 3, em: id });
    expect(parseControl(JSON.stringify({ t: 'ping', at: 1, ep: 0, em: '' }))).toEqual({ t: 'ping', at: 1, ep: 0, em: '' });
    expect(parseControl(JSON.stringify({ t: 'ping', at: 1, ep: -1, em: id }))).toBeNull();
    expect(parseControl(JSON.stringify({ t: 'ping', at: 1, ep: 2, em: 'not an id' }))).toBeNull();
    const epoch = { t: 'epoch', epoch: 2, minter: id, to: [id, 'b'.repeat(32)], sealed: 'AbC-_' };
    expect(parseControl(JSON.stringify(epoch))).toEqual(epoch);
    expect(parseControl(JSON.stringify({ ...epoch, epoch: 0 }))).toBeNull();
    expect(parseControl(JSON.stringify({ ...epoch, minter: 'x' }))).toBeNull();
    expect(parseControl(JSON.stringify({ ...epoch, to: [id, 5] }))).toBeNull();
    expect(parseControl(JSON.stringify({ ...epoch, to: Array.from({ length: MAX_EPOCH_RECIPIENTS + 1 }, () => id) }))).toBeNull();
    // A hand-out to a room of 1,000 fits one control message.
    const thousand = Array.from({ length: 1000 }, (_, i) => i.toString(16).padStart(32, '0'));
    expect(parseControl(JSON.stringify({ ...epoch, to: thousand }))).toEqual({ ...epoch, to: thousand });
    for (const bad of ['{', '[]', '{"t":"state","state":{"name":1}}', '{"t":"nope"}', 42, 'x'.repeat(5000)]) expect(parseControl(bad)).toBeNull();
  });
});
