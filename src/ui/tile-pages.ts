/**
 * Paginated tiles: a large room shows `pageSize` tiles at a time (ours included), with the
 * people who matter now on the first page. Pure: the call view passes ids, gets the page's ids.
 *
 * While everyone fits on one page the order is the call's own (us, then join order), so a
 * small call never reshuffles. Past one page, the first page holds us plus whoever is pinned,
 * on stage or speaking, then the most recent speakers (by speaking turn), up to the page; those
 * keep their join order on the page, so two people taking turns do not swap places every
 * time. Everyone else follows in join order. Tiles off the current page are not rendered, so
 * a room of hundreds keeps the DOM (and the decoders' video elements) to one page.
 */
export const DEFAULT_TILES_PER_PAGE = 25;
export const MIN_TILES_PER_PAGE = 2;
export const MAX_TILES_PER_PAGE = 100;

export interface TilePageInput {
  me: string;
  /** Everyone else, in the call's order (join order). */
  others: readonly string[];
  /** Pinned, on stage, dominant speaker (null where none): first-page candidates in that priority. */
  featured: readonly (string | null | undefined)[];
  /** Speaking turn by id (higher: spoke more recently); absent: never spoke. */
  turns: Readonly<Record<string, number | undefined>>;
  pageSize: number;
  /** The page asked for (0-based); clamped to the pages there are. */
  page: number;
}

export interface TilePage {
  /** The page shown (0-based), after clamping. */
  page: number;
  pages: number;
  /** Tile ids on that page, in display order. */
  ids: string[];
}

export function tilePage(input: TilePageInput): TilePage {
  const size = Math.min(MAX_TILES_PER_PAGE, Math.max(MIN_TILES_PER_PAGE, Math.floor(input.pageSize)));
  const others = [...new Set(input.others)].filter((id) => id !== input.me);
  const total = others.length + 1;
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(pages - 1, Math.max(0, Math.floor(input.page)));
  let order: string[];
  if (pages === 1) order = [input.me, ...others];
  else {
    const members = new Set(others);
    const promoted = new Set<string>();
    const promote = (id: string | null | undefined) => {
      if (id && members.has(id) && promoted.size < size - 1) promoted.add(id);
    };
    for (const id of input.featured) promote(id);
    const speakers = others.filter((id) => input.turns[id] !== undefined).sort((a, b) => (input.turns[b] ?? 0) - (input.turns[a] ?? 0));
    for (const id of speakers) promote(id);
    order = [input.me, ...others.filter((id) => promoted.has(id)), ...others.filter((id) => !promoted.has(id))];
  }
  return { page, pages, ids: order.slice(page * size, (page + 1) * size) };
}
