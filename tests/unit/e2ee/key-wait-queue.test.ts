import { describe, expect, it } from 'vitest';
import { KeyWaitQueue } from '../../../src/e2ee/key-wait-queue';

describe('KeyWaitQueue', () => {
  it('keeps frames in arrival order and pushes the oldest out past the size limit', () => {
    const q = new KeyWaitQueue<string>({ maxFrames: 2, maxAgeMs: 100 });
    expect(q.hold('a', 0)).toEqual([]);
    expect(q.hold('b', 1)).toEqual([]);
    expect(q.hold('c', 2)).toEqual(['a']);
    expect(q.take(50)).toEqual({ fresh: [{ frame: 'b', at: 1 }, { frame: 'c', at: 2 }], expired: [] });
    expect(q.size).toBe(0);
  });

  it('splits frames too old to keep from fresh ones', () => {
    const q = new KeyWaitQueue<string>({ maxFrames: 10, maxAgeMs: 100 });
    q.hold('old', 0);
    q.hold('new', 90);
    expect(q.expire(150)).toEqual(['old']);
    expect(q.size).toBe(1);
    expect(q.take(500)).toEqual({ fresh: [], expired: ['new'] });
  });
});
