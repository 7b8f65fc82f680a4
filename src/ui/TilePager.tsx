import type { JSX } from 'solid-js';

/** Previous / next page of the tile grid, and where we are ("Page 2 of 5"). */
export function TilePager(props: { page: number; pages: number; onPage: (page: number) => void }): JSX.Element {
  return (
    <nav class="tile-pager" aria-label="Tile pages">
      <button type="button" disabled={props.page === 0} onClick={() => props.onPage(props.page - 1)}>
        Previous page
      </button>
      <span role="status" aria-label="Tile page">
        Page {props.page + 1} of {props.pages}
      </span>
      <button type="button" disabled={props.page >= props.pages - 1} onClick={() => props.onPage(props.page + 1)}>
        Next page
      </button>
    </nav>
  );
}
