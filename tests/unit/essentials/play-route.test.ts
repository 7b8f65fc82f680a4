import { describe, expect, it } from 'vitest';
import { parseRoute } from '../../../src/room/room-link';

describe('#/play route', () => {
  it('routes #/play (and #play, #/play/) to the recording player', () => {
    expect(parseRoute('#/play')).toEqual({ kind: 'play' });
    expect(parseRoute('play')).toEqual({ kind: 'play' });
    expect(parseRoute('#/play/')).toEqual({ kind: 'play' });
  });
  it('anything more after play is not the player', () => {
    expect(parseRoute('#/play/extra').kind).toBe('invalid');
  });
});
