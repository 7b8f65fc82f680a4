import { describe, expect, it } from 'vitest';
import { ParentMedia } from '../../../src/tree/parent-media';

/** A stream's count and its last frame's time. */
const c = (count: number, at: number) => ({ count, at });

describe('ParentMedia', () => {
  it('notes when frames of a source we hold through a parent last rose, per parent', () => {
    const m = new ParentMedia();
    const links = [
      { source: 'a', parent: 'p' },
      { source: 'b', parent: 'q' },
    ];
    m.note({ 'video:a': c(5, 990), 'audio:b': c(1, 995) }, links, 1000);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([990, 995]);
    // Only a's frames keep coming: p is fresh, q keeps its last time.
    m.note({ 'video:a': c(9, 1190), 'audio:b': c(1, 995) }, links, 1200);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1190, 995]);
    // Audio counts too (a muted camera still sends nothing; an open microphone does).
    m.note({ 'video:a': c(9, 1190), 'audio:b': c(4, 1390) }, links, 1400);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1190, 1390]);
  });

  it("takes the worker's time of the last frame, not the poll's: a late poll does not make old frames new", () => {
    const m = new ParentMedia();
    const links = [
      { source: 'a', parent: 'p' },
      { source: 'b', parent: 'p' },
    ];
    m.note({ 'video:a': c(5, 1000), 'video:b': c(5, 1000) }, links, 1000);
    // A poll 900 ms late sees frames that came at 1050 (before a crash at 1100, say).
    m.note({ 'video:a': c(7, 1050), 'video:b': c(5, 1000) }, links, 1900);
    expect(m.lastFrom('p')).toBe(1050);
    // Of two streams from one parent, the later frame counts; a worker clock ahead of ours is capped at now.
    m.note({ 'video:a': c(8, 1950), 'video:b': c(6, 2100) }, links, 2000);
    expect(m.lastFrom('p')).toBe(2000);
  });

  it('forgets a parent when a new link from it starts, and ignores streams we hold no link for', () => {
    const m = new ParentMedia();
    m.note({ 'video:a': c(5, 1000), 'video:z': c(7, 1000) }, [{ source: 'a', parent: 'p' }], 1000);
    m.forget('p');
    expect(m.lastFrom('p')).toBeUndefined();
    expect(m.lastFrom('z')).toBeUndefined();
  });
});
