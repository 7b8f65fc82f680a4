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
    m.note({ 'video:a': c(5, 10), 'audio:b': c(1, 5) }, links, 1000);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([990, 995]);
    // Only a's frames keep coming: p is fresh, q keeps its last time.
    m.note({ 'video:a': c(9, 10), 'audio:b': c(1, 205) }, links, 1200);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1190, 995]);
    // Audio counts too (a muted camera still sends nothing; an open microphone does).
    m.note({ 'video:a': c(9, 210), 'audio:b': c(4, 10) }, links, 1400);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1190, 1390]);
  });

  it("takes the last frame's age from the worker, not the poll's time: a late poll does not make old frames new", () => {
    const m = new ParentMedia();
    const links = [
      { source: 'a', parent: 'p' },
      { source: 'b', parent: 'p' },
    ];
    m.note({ 'video:a': c(5, 0), 'video:b': c(5, 0) }, links, 1000);
    // A poll 900 ms late sees frames that came at 1050 (before a crash at 1100, say).
    m.note({ 'video:a': c(7, 850), 'video:b': c(5, 900) }, links, 1900);
    expect(m.lastFrom('p')).toBe(1050);
    // Of two streams from one parent, the later frame counts; an age below zero counts as none.
    m.note({ 'video:a': c(8, 50), 'video:b': c(6, -5) }, links, 2000);
    expect(m.lastFrom('p')).toBe(2000);
    // A stream with no frame yet (age Infinity) that did not rise changes nothing.
    m.note({ 'video:a': c(8, 100), 'video:b': c(6, 100), 'audio:a': c(0, Infinity) }, links, 2100);
    expect(m.lastFrom('p')).toBe(2000);
  });

  it('forgets a parent when a new link from it starts, and ignores streams we hold no link for', () => {
    const m = new ParentMedia();
    m.note({ 'video:a': c(5, 0), 'video:z': c(7, 0) }, [{ source: 'a', parent: 'p' }], 1000);
    m.forget('p');
    expect(m.lastFrom('p')).toBeUndefined();
    expect(m.lastFrom('z')).toBeUndefined();
  });
});
