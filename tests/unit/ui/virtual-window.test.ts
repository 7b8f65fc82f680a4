import { describe, expect, it } from 'vitest';
import { virtualWindow } from '../../../src/ui/virtual-window';

const base = { scrollTop: 0, viewportHeight: 400, rowHeight: 50, count: 1000, overscan: 3 };

describe('virtualWindow', () => {
  it('at the top: the visible rows plus overscan below, none above', () => {
    expect(virtualWindow(base)).toEqual({ start: 0, end: 8 + 3, offset: 0, total: 50_000 });
  });

  it('mid-list: overscan on both sides, the offset is the rows skipped above', () => {
    // Rows 100..107 are visible at scrollTop 5000.
    expect(virtualWindow({ ...base, scrollTop: 5000 })).toEqual({ start: 97, end: 111, offset: 97 * 50, total: 50_000 });
  });

  it('a partly visible row at either edge is rendered', () => {
    // 5025..5425 shows half of row 100 and half of row 108.
    const w = virtualWindow({ ...base, scrollTop: 5025, overscan: 0 });
    expect([w.start, w.end]).toEqual([100, 109]);
  });

  it('at the bottom: the last row is rendered and nothing past the end', () => {
    const w = virtualWindow({ ...base, scrollTop: 50_000 - 400 });
    expect(w.end).toBe(1000);
    expect(w.start).toBe(992 - 3);
  });

  it('a scrollTop past the end (the list just shrank) is clamped to the last page', () => {
    const w = virtualWindow({ ...base, count: 20, scrollTop: 40_000 });
    expect(w).toEqual({ start: 12 - 3, end: 20, offset: 9 * 50, total: 1000 });
  });

  it('a negative scrollTop (elastic overscroll) counts as the top', () => {
    expect(virtualWindow({ ...base, scrollTop: -80 })).toEqual(virtualWindow(base));
  });

  it('a short list that fits renders every row', () => {
    expect(virtualWindow({ ...base, count: 3 })).toEqual({ start: 0, end: 3, offset: 0, total: 150 });
  });

  it('an empty list renders nothing', () => {
    expect(virtualWindow({ ...base, count: 0 })).toEqual({ start: 0, end: 0, offset: 0, total: 0 });
  });

  it('a viewport of zero height (not laid out yet) still renders a row and its overscan', () => {
    expect(virtualWindow({ ...base, viewportHeight: 0 })).toEqual({ start: 0, end: 4, offset: 0, total: 50_000 });
  });

  it('fractional row heights and scroll positions (zoom, rem sizes) stay in range', () => {
    for (const scrollTop of [0, 0.5, 1234.75, 54_249.9, 54_250]) {
      const w = virtualWindow({ scrollTop, viewportHeight: 333.3, rowHeight: 54.25, count: 1000, overscan: 2 });
      expect(w.start).toBeGreaterThanOrEqual(0);
      expect(w.end).toBeLessThanOrEqual(1000);
      expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil(333.3 / 54.25) + 1 + 4);
      expect(w.offset).toBeCloseTo(w.start * 54.25);
    }
  });

  it('every row that intersects the viewport is inside the window, at any scroll position', () => {
    const rowHeight = 37;
    const viewportHeight = 300;
    const count = 500;
    for (let scrollTop = 0; scrollTop <= count * rowHeight - viewportHeight; scrollTop += 13) {
      const w = virtualWindow({ scrollTop, viewportHeight, rowHeight, count, overscan: 0 });
      const firstVisible = Math.floor(scrollTop / rowHeight);
      const lastVisible = Math.ceil((scrollTop + viewportHeight) / rowHeight) - 1;
      expect(w.start).toBeLessThanOrEqual(firstVisible);
      expect(w.end - 1).toBeGreaterThanOrEqual(lastVisible);
    }
  });

  it('nonsense input (no row height, NaN) gives the top of the list instead of throwing', () => {
    expect(virtualWindow({ ...base, rowHeight: 0 })).toEqual({ start: 0, end: 4, offset: 0, total: 0 });
    expect(virtualWindow({ ...base, rowHeight: Number.NaN })).toEqual({ start: 0, end: 4, offset: 0, total: 0 });
    expect(virtualWindow({ ...base, scrollTop: Number.NaN }).start).toBe(0);
  });
});
