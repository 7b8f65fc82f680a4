import { describe, expect, it } from 'vitest';
import { parseControl } from '../../../src/protocol/mesh-messages';

describe('peer state: screen share flag on the control channel', () => {
  it('carries screen: true, and omits it when not sharing', () => {
    const on = parseControl(JSON.stringify({ t: 'state', state: { name: 'Ana', micOn: true, camOn: true, screen: true } }));
    expect(on).toEqual({ t: 'state', state: { name: 'Ana', micOn: true, camOn: true, screen: true } });
    const off = parseControl(JSON.stringify({ t: 'state', state: { name: 'Ana', micOn: true, camOn: true, screen: false } }));
    expect(off).toEqual({ t: 'state', state: { name: 'Ana', micOn: true, camOn: true } });
  });

  it('accepts peers that predate the flag and refuses a non-boolean one', () => {
    expect(parseControl(JSON.stringify({ t: 'state', state: { name: 'Bea', micOn: false, camOn: true } }))).toEqual({ t: 'state', state: { name: 'Bea', micOn: false, camOn: true } });
    expect(parseControl(JSON.stringify({ t: 'state', state: { name: 'Bea', micOn: false, camOn: true, screen: 'yes' } }))).toBeNull();
  });
});
