import { describe, expect, it } from 'vitest';
import { formatRoomHash, parseJoinParams } from '../../../src/room/room-link';
import { treeCallParams } from '../../../src/tree/call-plan';

describe('large-room link parameters', () => {
  it('reads meshMax, lastN and quality=low', () => {
    const p = parseJoinParams('meshMax=3&lastN=4&quality=low');
    expect([p.meshMax, p.lastN, p.quality]).toEqual([3, 4, 'low']);
    expect(treeCallParams(p)).toEqual({ meshMax: 3, lastN: 4, quality: 'low' });
  });

  it('falls back to the defaults on anything odd', () => {
    for (const q of ['meshMax=1', 'meshMax=999', 'meshMax=3.5', 'meshMax=-4', 'meshMax=0x10', 'lastN=0', 'quality=high', 'meshMax=', 'lastN=1e1']) {
      expect(treeCallParams(parseJoinParams(q))).toEqual({ meshMax: 6, lastN: 9, quality: 'normal' });
    }
  });

  it('reads controlMesh=N (2 to 1,000) and ignores anything else', () => {
    expect(parseJoinParams('controlMesh=4').controlMesh).toBe(4);
    expect(parseJoinParams('controlMesh=1000').controlMesh).toBe(1000);
    for (const q of ['controlMesh=1', 'controlMesh=1001', 'controlMesh=4.5', 'controlMesh=']) expect(parseJoinParams(q).controlMesh).toBeUndefined();
  });

  it('round-trips through a formatted link', () => {
    const hash = formatRoomHash('r', 's', { meshMax: 4, lastN: 2, quality: 'low', noiseSuppression: false, controlMesh: 5 });
    expect(parseJoinParams(hash.split('?')[1] ?? '')).toMatchObject({ meshMax: 4, lastN: 2, quality: 'low', noiseSuppression: false, controlMesh: 5 });
    expect(parseJoinParams('ns=1').noiseSuppression).toBeUndefined();
  });
});
