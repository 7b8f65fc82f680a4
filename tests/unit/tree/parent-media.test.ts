import { describe, expect, it } from 'vitest';
import { ParentMedia } from '../../../src/tree/parent-media';

describe('ParentMedia', () => {
  it('notes when frames of a source we hold through a parent last rose, per parent', () => {
    const m = new ParentMedia();
    const links = [
      { source: 'a', parent: 'p' },
      { source: 'b', parent: 'q' },
    ];
    m.note({ 'video:a': 5, 'audio:b': 1 }, links, 1000);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1000, 1000]);
    // Only a's frames keep coming: p is fresh, q keeps its last time.
    m.note({ 'video:a': 9, 'audio:b': 1 }, links, 1200);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1200, 1000]);
    // Audio counts too (a muted camera still sends nothing; an open microphone does).
    m.note({ 'video:a': 9, 'audio:b': 4 }, links, 1400);
    expect([m.lastFrom('p'), m.lastFrom('q')]).toEqual([1200, 1400]);
  });

  it('forgets a parent when a new link from it starts, and ignores streams we hold no link for', () => {
    const m = new ParentMedia();
    m.note({ 'video:a': 5, 'video:z': 7 }, [{ source: 'a', parent: 'p' }], 1000);
    m.forget('p');
    expect(m.lastFrom('p')).toBeUndefined();
    expect(m.lastFrom('z')).toBeUndefined();
  });
});
