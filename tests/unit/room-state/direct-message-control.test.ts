import { describe, expect, it } from 'vitest';
import { parseControl } from '../../../src/protocol/mesh-messages';
import { createDirectMessage } from '../../../src/room-state/direct-message';

describe("private messages on the pair's control channel", () => {
  it('a direct message round-trips through parseControl, even at full length', () => {
    const dm = createDirectMessage('"'.repeat(2000), 1_700_000_000_000);
    expect(parseControl(JSON.stringify(dm))).toEqual(dm);
  });

  it('refuses malformed or oversized ones', () => {
    const ok = { t: 'dm', id: 'abc', text: 'hi', at: 1 };
    for (const bad of [
      { ...ok, id: '<script>' },
      { ...ok, id: 'x'.repeat(65) },
      { ...ok, text: '' },
      { ...ok, text: 'x'.repeat(2001) },
      { ...ok, text: 5 },
      { ...ok, at: 'now' },
      { ...ok, at: -1 },
    ]) {
      expect(parseControl(JSON.stringify(bad))).toBeNull();
    }
    expect(parseControl('x'.repeat(20_000))).toBeNull();
  });
});
