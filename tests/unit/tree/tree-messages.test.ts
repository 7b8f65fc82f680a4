import { describe, expect, it } from 'vitest';
import { parseControl } from '../../../src/protocol/mesh-messages';
import { MAX_TREE_SDP, parseTreeSignal } from '../../../src/protocol/tree-messages';

const peer = 'ab'.repeat(16);
const link = '0123456789abcdef';
const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n';

describe('parseTreeSignal', () => {
  it('accepts each kind', () => {
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'hello', uplinkKbps: 4000, canForward: true })).toEqual({ t: 'tree', v: 1, kind: 'hello', uplinkKbps: 4000, canForward: true });
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'offer', link, source: peer, sdp })).toEqual({ t: 'tree', v: 1, kind: 'offer', link, source: peer, sdp });
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'answer', link, sdp })).toEqual({ t: 'tree', v: 1, kind: 'answer', link, sdp });
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'close', link })).toEqual({ t: 'tree', v: 1, kind: 'close', link });
  });

  it('drops extra fields', () => {
    expect(parseTreeSignal({ t: 'tree', v: 1, kind: 'close', link, evil: 1 })).toEqual({ t: 'tree', v: 1, kind: 'close', link });
  });

  it.each([
    ['wrong version', { t: 'tree', v: 2, kind: 'close', link }],
    ['unknown kind', { t: 'tree', v: 1, kind: 'reroute', link }],
    ['short link id', { t: 'tree', v: 1, kind: 'close', link: 'abc' }],
    ['upper-case link id', { t: 'tree', v: 1, kind: 'close', link: link.toUpperCase() }],
    ['source not a peer id', { t: 'tree', v: 1, kind: 'offer', link, source: 'x', sdp }],
    ['not an SDP', { t: 'tree', v: 1, kind: 'answer', link, sdp: '<script>' }],
    ['oversized SDP', { t: 'tree', v: 1, kind: 'answer', link, sdp: sdp + 'a'.repeat(MAX_TREE_SDP) }],
    ['negative uplink', { t: 'tree', v: 1, kind: 'hello', uplinkKbps: -1, canForward: true }],
    ['fractional uplink', { t: 'tree', v: 1, kind: 'hello', uplinkKbps: 1.5, canForward: true }],
    ['canForward not boolean', { t: 'tree', v: 1, kind: 'hello', uplinkKbps: 10, canForward: 'yes' }],
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
