import { describe, expect, it } from 'vitest';
import { parseControl } from '../../../src/protocol/mesh-messages';
import { candidateSignal, MAX_TREE_SDP, parseTreeSignal } from '../../../src/protocol/tree-messages';

const peer = 'ab'.repeat(16);
const link = '0123456789abcdef';
const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n';
const candidate = 'candidate:842163049 1 udp 1677729535 127.0.0.1 46154 typ host generation 0 ufrag EsAw network-cost 999';
const cand = { t: 'tree', v: 1, kind: 'candidate', link, candidate, sdpMid: '0', sdpMLineIndex: 0 };

describe('parseTreeSignal', () => {
  it('accepts each kind', () => {
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'hello', uplinkKbps: 4000, canForward: true })).toEqual({ t: 'tree', v: 1, kind: 'hello', uplinkKbps: 4000, canForward: true });
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'offer', link, source: peer, sdp })).toEqual({ t: 'tree', v: 1, kind: 'offer', link, source: peer, sdp });
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'answer', link, sdp })).toEqual({ t: 'tree', v: 1, kind: 'answer', link, sdp });
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'close', link })).toEqual({ t: 'tree', v: 1, kind: 'close', link });
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'offer', link, source: peer, sdp, standby: true })).toEqual({ t: 'tree', v: 1, kind: 'offer', link, source: peer, sdp, standby: true });
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'resume', link })).toEqual({ t: 'tree', v: 1, kind: 'resume', link });
    expect(parseTreeSignal(cand)).toEqual(cand);
    expect(parseTreeSignal({ ...cand, sdpMid: null })).toEqual({ ...cand, sdpMid: null });
  });

  it('a trickled candidate goes out as a message that parses back', () => {
    const msg = candidateSignal(link, { candidate, sdpMid: '0', sdpMLineIndex: 0 });
    expect(parseTreeSignal(JSON.parse(JSON.stringify(msg)))).toEqual(cand);
    expect(candidateSignal(link, { candidate })).toEqual({ ...cand, sdpMid: null, sdpMLineIndex: null });
  });

  it('drops extra fields', () => {
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'close', link, evil: 1 })).toEqual({ t: 'tree', v: 1, kind: 'close', link });
  });

  it.each([
    ['wrong version', { t: 'tree', v: 2, kind: 'close', link }],
    ['unknown kind', { t: 'tree', v: 1, kind: 'reroute', link }],
    ['short link id', { t: 'tree', v: 1, kind: 'close', link: 'abc' }],
    ['upper-case link id', { t: 'tree', v: 1, kind: 'close', link: link.toUpperCase() }],
    ['standby not true', { t: 'tree', v: 1, kind: 'offer', link, source: peer, sdp, standby: 'yes' }],
    ['resume without a link', { t: 'tree', v: 1, kind: 'resume' }],
    ['source not a peer id', { t: 'tree', v: 1, kind: 'offer', link, source: 'x', sdp }],
    ['not an SDP', { t: 'tree', v: 1, kind: 'answer', link, sdp: '<script>' }],
    ['oversized SDP', { t: 'tree', v: 1, kind: 'answer', link, sdp: sdp + 'a'.repeat(MAX_TREE_SDP) }],
    ['negative uplink', { t: 'tree', v: 1, kind: 'hello', uplinkKbps: -1, canForward: true }],
    ['fractional uplink', { t: 'tree', v: 1, kind: 'hello', uplinkKbps: 1.5, canForward: true }],
    ['canForward not boolean', { t: 'tree', v: 1, kind: 'hello', uplinkKbps: 10, canForward: 'yes' }],
    ['candidate without the prefix', { ...cand, candidate: 'a=candidate:1 1 udp 1 1.2.3.4 5 typ host' }],
    ['candidate with a line break', { ...cand, candidate: `${candidate}\r\na=evil` }],
    ['oversized candidate', { ...cand, candidate: `${candidate} ${'x'.repeat(600)}` }],
    ['candidate without mid or line', { ...cand, sdpMid: null, sdpMLineIndex: null }],
    ['candidate line out of range', { ...cand, sdpMLineIndex: 99 }],
    ['candidate mid not a string', { ...cand, sdpMid: 3 }],
    ['array', [1, 2]],
    ['null', null],
  ])('refuses %s', (_, value) => {
    expect(parseTreeSignal(value)).toBeNull();
  });

  it('arrives through the control channel parser', () => {
    expect(parseControl(JSON.stringify({ t: 'tree', v: 1, kind: 'close', link }))).toEqual({ t: 'tree', v: 1, kind: 'close', link });
    expect(parseControl(JSON.stringify({ t: 'tree', v: 1, kind: 'close' }))).toBeNull();
  });
});
