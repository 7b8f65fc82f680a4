import { describe, expect, it } from 'vitest';
import { ParentMedia } from '../../../src/tree/parent-media';

/** A stream's count and its last frame's age, as the worker answers. */
const c = (count: number, ageMs: number) => ({ count, ageMs });

describe('ParentMedia', () => {
  it('notes when frames of a source we hold through a parent last rose, per parent', () => {
    const m = new ParentMedia();
    const links = [
      { source: 'a', parent: 'p' },
      { source: 'b', parent: 'q' },
    ];
    m.note({ 'video:a': c(5, 10), 'audio:b': c(1, 5) }, links, 1000, 1000);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1000, 1000]);
    expect([m.lastFrameFrom('p'), m.lastFrameFrom('q')]).toEqual([990, 995]);
    // Only a's frames keep coming: p is fresh, q keeps its last time.
    m.note({ 'video:a': c(9, 10), 'audio:b': c(1, 205) }, links, 1200, 1200);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1200, 1000]);
    expect([m.lastFrameFrom('p'), m.lastFrameFrom('q')]).toEqual([1190, 995]);
    // Audio counts too (a muted camera still sends nothing; an open microphone does).
    m.note({ 'video:a': c(9, 210), 'audio:b': c(4, 10) }, links, 1400, 1400);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1200, 1400]);
  });

  it('a late answer: the poll reading is when we read it, the frame reading counts back from when we asked', () => {
    const m = new ParentMedia();
    const links = [
      { source: 'a', parent: 'p' },
      { source: 'b', parent: 'p' },
    ];
    m.note({ 'video:a': c(5, 0), 'video:b': c(5, 0) }, links, 1000, 1000);
    // Asked at 1100, the answer read 800 ms late: a's last frame came at 1050 (before a crash at 1080, say).
    m.note({ 'video:a': c(7, 50), 'video:b': c(5, 100) }, links, 1100, 1900);
    expect(m.lastFrom('p')).toBe(1900);
    expect(m.lastFrameFrom('p')).toBe(1050);
    // Of two streams from one parent, the later frame counts; an age below zero counts as none.
    m.note({ 'video:a': c(8, 50), 'video:b': c(6, -5) }, links, 2000, 2010);
    expect(m.lastFrameFrom('p')).toBe(2000);
    // A stream with no frame yet (age Infinity) changes nothing.
    m.note({ 'video:a': c(8, 100), 'video:b': c(6, 100), 'audio:a': c(0, Infinity) }, links, 2100, 2100);
    expect([m.lastFrom('p'), m.lastFrameFrom('p')]).toEqual([2010, 2000]);
  });

  it('forgets a parent when a new link from it starts, and ignores streams we hold no link for', () => {
    const m = new ParentMedia();
    m.note({ 'video:a': c(5, 0), 'video:z': c(7, 0) }, [{ source: 'a', parent: 'p' }], 1000, 1000);
    m.forget('p');
    expect(m.lastFrom('p')).toBeUndefined();
    expect(m.lastFrameFrom('p')).toBeUndefined();
    expect(m.lastFrom('z')).toBeUndefined();
  });
});
