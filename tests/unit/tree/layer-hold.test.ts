import { describe, expect, it } from 'vitest';
import { LayerHold, STAGE_DOWN_MS, STAGE_UP_MS } from '../../../src/tree/layer-hold';

describe('LayerHold', () => {
  it('starts as a thumbnail and goes on stage only after being top speaker for the hold', () => {
    const hold = new LayerHold();
    expect(hold.layer).toBe('thumb');
    expect(hold.next('stage', 0)).toEqual({ layer: 'thumb', recheckAt: STAGE_UP_MS });
    expect(hold.next('stage', STAGE_UP_MS - 1)).toEqual({ layer: 'thumb', recheckAt: STAGE_UP_MS });
    expect(hold.next('stage', STAGE_UP_MS)).toEqual({ layer: 'stage', recheckAt: null });
  });

  it('a brief turn in crosstalk never changes the layer', () => {
    const hold = new LayerHold();
    let t = 0;
    for (let i = 0; i < 50; i++) {
      expect(hold.next('stage', t).layer).toBe('thumb');
      t += 400;
      expect(hold.next('thumb', t).layer).toBe('thumb');
      t += 400;
    }
  });

  it('leaves the stage only after being off it for the longer hold, and a return cancels that', () => {
    const hold = new LayerHold();
    hold.next('stage', 0);
    hold.next('stage', STAGE_UP_MS);
    expect(hold.next('thumb', 5000)).toEqual({ layer: 'stage', recheckAt: 5000 + STAGE_DOWN_MS });
    expect(hold.next('stage', 6000)).toEqual({ layer: 'stage', recheckAt: null });
    expect(hold.next('thumb', 7000).layer).toBe('stage');
    expect(hold.next('thumb', 7000 + STAGE_DOWN_MS - 1).layer).toBe('stage');
    expect(hold.next('thumb', 7000 + STAGE_DOWN_MS)).toEqual({ layer: 'thumb', recheckAt: null });
  });
});
