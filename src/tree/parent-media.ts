/**
 * When frames last arrived through each of our parents in the tree, from the forward worker's
 * per-stream frame counts (polled). Pure: the caller passes counts, links and time. StallWatch
 * reads it to tell a parent whose page is slow (frames still come) from one that is gone.
 */
import { streamId } from './forwarding/forward-options';

export class ParentMedia {
  private readonly at = new Map<string, number>();
  private last: Record<string, number> = {};

  /** `counts`: frames received per stream id so far; `links`: the source → parent links we hold. */
  note(counts: Readonly<Record<string, number>>, links: Iterable<{ source: string; parent: string }>, now: number): void {
    for (const link of links) {
      for (const kind of ['video', 'audio'] as const) {
        const id = streamId(kind, link.source);
        if ((counts[id] ?? 0) > (this.last[id] ?? 0)) this.at.set(link.parent, now);
      }
    }
    this.last = { ...counts };
  }

  /** A new link from `parent`: its older links' last frame says nothing about this one. */
  forget(parent: string): void {
    this.at.delete(parent);
  }

  lastFrom(parent: string): number | undefined {
    return this.at.get(parent);
  }
}
