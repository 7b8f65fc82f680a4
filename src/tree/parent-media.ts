/**
 * When frames last arrived through each of our parents in the tree, from the forward worker's
 * per-stream frame counts and last-frame times (polled). Pure: the caller passes counts, links
 * and time. StallWatch reads it to tell a parent whose page is slow (frames still come) from
 * one that is gone.
 *
 * The time is the last frame's, by the worker's count of its age, not the poll's: on a starved page a poll ran
 * 0.2–0.9 s late, and frames that came before a crash then looked as if they came after the
 * relay's GONE report, which voided the report (seen in the eight-page test: an orphan stalled
 * its crashed parent 0.9 s later than the others).
 */
import type { ReceivedCount } from './forwarding/forwarder-core';
import { streamId } from './forwarding/forward-options';

export class ParentMedia {
  private readonly at = new Map<string, number>();
  private last: Record<string, number> = {};

  /**
   * `counts`: frames received per stream id so far and how long ago the last came, as the
   * worker answered; `links`: the source → parent links we hold; `now`: when we asked. (So a
   * frame looks older than it was by the worker's time to answer, never newer.)
   */
  note(counts: Readonly<Record<string, ReceivedCount>>, links: Iterable<{ source: string; parent: string }>, now: number): void {
    for (const link of links) {
      for (const kind of ['video', 'audio'] as const) {
        const id = streamId(kind, link.source);
        const c = counts[id];
        if (c === undefined || c.count <= (this.last[id] ?? 0)) continue;
        const at = now - Math.max(0, c.ageMs);
        this.at.set(link.parent, Math.max(at, this.at.get(link.parent) ?? -Infinity));
      }
    }
    this.last = Object.fromEntries(Object.entries(counts).map(([id, c]) => [id, c.count]));
  }

  /** A new link from `parent`: its older links' last frame says nothing about this one. */
  forget(parent: string): void {
    this.at.delete(parent);
  }

  lastFrom(parent: string): number | undefined {
    return this.at.get(parent);
  }
}
