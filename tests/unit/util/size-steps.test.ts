import { describe, expect, it } from 'vitest';
import { SIZE_STEP, sizeSteps } from '../../../src/util/size-steps';

describe('sizeSteps', () => {
  it('is one step up to 64 members, then one more per 64', () => {
    for (const n of [0, 1, 2, SIZE_STEP]) expect(sizeSteps(n)).toBe(1);
    expect(sizeSteps(65)).toBe(2);
    expect(sizeSteps(256)).toBe(4);
    expect(sizeSteps(1000)).toBe(16);
  });
});
