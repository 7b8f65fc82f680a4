import { describe, expect, it } from 'vitest';
import { tilePage, type TilePageInput } from '../../../src/ui/tile-pages';

const others = (n: number) => Array.from({ length: n }, (_, i) => `p${i + 1}`);
const input = (o: Partial<TilePageInput>): TilePageInput => ({ me: 'me', others: others(4), featured: [], turns: {}, pageSize: 25, page: 0, ...o });

describe('tilePage', () => {
  it('keeps the call order on a single page, whoever speaks', () => {
    expect(tilePage(input({ featured: ['p3'], turns: { p4: 9 } }))).toEqual({ page: 0, pages: 1, ids: ['me', 'p1', 'p2', 'p3', 'p4'] });
  });

  it('splits a large room into pages of pageSize, us included, and clamps the page asked for', () => {
    const all = others(59);
    const first = tilePage(input({ others: all, pageSize: 25 }));
    expect(first.pages).toBe(3);
    expect(first.ids).toEqual(['me', ...all.slice(0, 24)]);
    expect(tilePage(input({ others: all, pageSize: 25, page: 2 })).ids).toEqual(all.slice(49));
    expect(tilePage(input({ others: all, pageSize: 25, page: 7 })).page).toBe(2);
    expect(tilePage(input({ others: all, pageSize: 25, page: -3 })).page).toBe(0);
    // Every member appears exactly once over all pages.
    const seen = [0, 1, 2].flatMap((page) => tilePage(input({ others: all, pageSize: 25, page })).ids);
    expect(new Set(seen).size).toBe(60);
    expect(seen).toHaveLength(60);
  });

  it('brings the pinned, the stage, the speaker and recent speakers to the first page, in join order', () => {
    const all = others(10);
    const page = tilePage(input({ others: all, pageSize: 4, featured: ['p9', null, 'p7'], turns: { p2: 1, p8: 5, p10: 4 } }));
    // Room for three besides us: p9 (pinned), p7 (speaker), then the most recent turn p8.
    expect(page.ids).toEqual(['me', 'p7', 'p8', 'p9']);
    expect(tilePage(input({ others: all, pageSize: 4, featured: ['p9', null, 'p7'], turns: { p2: 1, p8: 5, p10: 4 }, page: 1 })).ids).toEqual(['p1', 'p2', 'p3', 'p4']);
  });

  it('ignores featured ids that are not in the call, and us', () => {
    const page = tilePage(input({ others: others(5), pageSize: 3, featured: ['ghost', 'me', 'p5'] }));
    expect(page.ids).toEqual(['me', 'p5', 'p1']);
  });

  it('bounds the page size', () => {
    expect(tilePage(input({ others: others(5), pageSize: 0 })).ids).toHaveLength(2);
    expect(tilePage(input({ others: others(500), pageSize: 1000 })).ids).toHaveLength(100);
  });
});

describe('tiles=N in a room link', () => {
  it('reads 2–100 and round-trips; anything else leaves the default', async () => {
    const { parseJoinParams, formatRoomHash } = await import('../../../src/room/room-link');
    expect(parseJoinParams('tiles=9').tiles).toBe(9);
    for (const bad of ['tiles=1', 'tiles=101', 'tiles=4.5', 'tiles=', 'tiles=x']) expect(parseJoinParams(bad).tiles).toBeUndefined();
    expect(parseJoinParams(formatRoomHash('r', 's', { tiles: 16 }).split('?')[1] ?? '').tiles).toBe(16);
  });
});
