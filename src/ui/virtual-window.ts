/**
 * Which rows of a long list of fixed-height rows to put in the DOM. A room of 1,000 people
 * would otherwise render 1,000 rows of sliders and buttons; with fixed heights the visible
 * rows follow from the scroll position by arithmetic, with no measuring of rows.
 */

export interface VirtualWindowInput {
  /** The scroll container's scrollTop, in px. */
  scrollTop: number;
  /** The scroll container's visible height (clientHeight), in px. */
  viewportHeight: number;
  /** Every row's height, in px. */
  rowHeight: number;
  /** Rows in the whole list. */
  count: number;
  /**
   * Extra rows kept on each side of the visible ones: Tab can move focus into the next row
   * before the browser scrolls it into view, and fast scrolling does not flash empty space.
   */
  overscan: number;
}

export interface VirtualWindow {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** Space above the first rendered row (start × rowHeight), in px. */
  offset: number;
  /** Height of the whole list (count × rowHeight): the scrollbar's length. */
  total: number;
}

export function virtualWindow(input: VirtualWindowInput): VirtualWindow {
  const count = Math.max(0, Math.floor(input.count));
  const overscan = Math.max(0, Math.floor(input.overscan));
  const rowHeight = input.rowHeight;
  // Nothing sensible to place without a row height: show the top of the list, never throw in a render.
  if (!(rowHeight > 0) || !Number.isFinite(rowHeight)) return { start: 0, end: Math.min(count, overscan + 1), offset: 0, total: 0 };
  const total = count * rowHeight;
  const viewport = Math.max(0, Number.isFinite(input.viewportHeight) ? input.viewportHeight : 0);
  // Elastic overscroll can report a negative scrollTop, and a list that just shrank a position past its end.
  const top = Math.min(Math.max(0, Number.isFinite(input.scrollTop) ? input.scrollTop : 0), Math.max(0, total - viewport));
  const first = Math.min(count, Math.floor(top / rowHeight));
  // At least one row even in a zero-height viewport (a panel not laid out yet).
  const last = Math.min(count, Math.max(first + 1, Math.ceil((top + viewport) / rowHeight)));
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, last + overscan);
  return { start, end, offset: start * rowHeight, total };
}
