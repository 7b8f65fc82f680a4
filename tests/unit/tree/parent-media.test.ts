import { describe, expect, it } from 'vitest';
import { ParentMedia } from '../../../src/tree/parent-media';

/** A link's count and its last frame's age, as the worker answers. */
const c = (count: number, ageMs: number) => ({ count, ageMs });

describe('ParentMedia', () => {
  it('notes when frames on a link last rose, per parent', () => {
    const m = new ParentMedia();
    const links = [
      { tag: 'l1', parent: 'p' },
      { tag: 'l2', parent: 'q' },
    ];
    m.note({ l1: c(5, 10), l2: c(1, 5) }, links, 1000, 1000);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1000, 1000]);
    expect([m.lastFrameFrom('p'), m.lastFrameFrom('q')]).toEqual([990, 995]);
    // Only l1's frames keep coming: p is fresh, q keeps its last time.
    m.note({ l1: c(9, 10), l2: c(1, 205) }, links, 1200, 1200);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1200, 1000]);
    expect([m.lastFrameFrom('p'), m.lastFrameFrom('q')]).toEqual([1190, 995]);
    m.note({ l1: c(9, 210), l2: c(4, 10) }, links, 1400, 1400);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1200, 1400]);
  });

  it('a late answer: the poll reading is when we read it, the frame reading counts back from when we asked', () => {
    const m = new ParentMedia();
    const links = [
      { tag: 'l1', parent: 'p' },
      { tag: 'l2', parent: 'p' },
    ];
    m.note({ l1: c(5, 0), l2: c(5, 0) }, links, 1000, 1000);
    // Asked at 1100, the answer read 800 ms late: l1's last frame came at 1050 (before a crash at 1080, say).
    m.note({ l1: c(7, 50), l2: c(5, 100) }, links, 1100, 1900);
    expect(m.lastFrom('p')).toBe(1900);
    expect(m.lastFrameFrom('p')).toBe(1050);
    // Of two links from one parent, the later frame counts; an age below zero counts as none.
    m.note({ l1: c(8, 50), l2: c(6, -5) }, links, 2000, 2010);
    expect(m.lastFrameFrom('p')).toBe(2000);
    // A link with no frame yet (age Infinity) changes nothing.
    m.note({ l1: c(8, 100), l2: c(6, 100), l3: c(0, Infinity) }, [...links, { tag: 'l3', parent: 'p' }], 2100, 2100);
    expect([m.lastFrom('p'), m.lastFrameFrom('p')]).toEqual([2010, 2000]);
  });

  it("one source by two links: a parked link's frames keep its own parent fresh, not the other's", () => {
    // The eight-page test: frames of a source still fed through a parked link made the crashed
    // parent of its other link look alive, and voided the relay's report.
    const m = new ParentMedia();
    const links = [
      { tag: 'via-crashed', parent: 'p' },
      { tag: 'parked', parent: 'q' },
    ];
    m.note({ 'via-crashed': c(5, 0), parked: c(3, 0) }, links, 1000, 1000);
    m.note({ 'via-crashed': c(5, 200), parked: c(9, 10) }, links, 1200, 1200);
    expect([m.lastFrameFrom('p'), m.lastFrameFrom('q')]).toEqual([1000, 1190]);
    expect(m.lastFrom('p')).toBe(1000);
  });

  it('forgets a parent when a new link from it starts, and ignores links we do not hold', () => {
    const m = new ParentMedia();
    m.note({ l1: c(5, 0), z: c(7, 0) }, [{ tag: 'l1', parent: 'p' }], 1000, 1000);
    m.forget('p');
    expect(m.lastFrom('p')).toBeUndefined();
    expect(m.lastFrameFrom('p')).toBeUndefined();
    expect(m.lastFrom('z')).toBeUndefined();
  });
});
