/**
 * When frames last arrived through each of our parents in the tree, from the forward worker's
 * per-link frame counts and last-frame ages (polled). Pure: the caller passes counts, links
 * and times. StallWatch reads it to tell a parent whose page is slow (frames still come) from
 * one that is gone. Counted per link, not per source: a source's frames can come by two links
 * at once (a parked link still fed, beside its successor), and counted per source one link's
 * frames made the other's parent look alive (ReceivedCounts.links). Two readings:
 * - `lastFrom`: when a poll's answer showed the count risen. Late on a starved page, so a
 *   parent looks as fresh as our last look at it: the liveness rules (the short stall limit)
 *   were tuned on this reading.
 * - `lastFrameFrom`: when the last frame came, by the worker's count of its age, counted back
 *   from when we asked. Never later than the truth: on a starved page a poll was answered
 *   0.2–0.9 s late, and frames from before a crash then looked as if they came after the
 *   relay's GONE report, which voided the report (seen in the eight-page test: an orphan
 *   stalled its crashed parent 0.9 s later than the others). The report is judged on this.
 */
import type { ReceivedCount } from './forwarding/forwarder-core';

export class ParentMedia {
  private readonly seen = new Map<string, number>();
  private readonly frame = new Map<string, number>();
  private last: Record<string, number> = {};

  /**
   * `counts`: frames received per link tag so far and how long ago the last came, as the
   * worker answered; `links`: the links we hold (tag and parent); `asked`/`answered`: when we
   * asked for the counts and when the answer was read.
   */
  note(counts: Readonly<Record<string, ReceivedCount>>, links: Iterable<{ tag: string; parent: string }>, asked: number, answered: number): void {
    for (const link of links) {
      const c = counts[link.tag];
      if (c === undefined || c.count <= (this.last[link.tag] ?? 0)) continue;
      this.seen.set(link.parent, answered);
      const at = asked - Math.max(0, c.ageMs);
      this.frame.set(link.parent, Math.max(at, this.frame.get(link.parent) ?? -Infinity));
    }
    this.last = Object.fromEntries(Object.entries(counts).map(([tag, c]) => [tag, c.count]));
  }

  /** A new link from `parent`: its older links' last frame says nothing about this one. */
  forget(parent: string): void {
    this.seen.delete(parent);
    this.frame.delete(parent);
  }

  /** When a poll last showed frames through `parent` (see the file's comment). */
  lastFrom(parent: string): number | undefined {
    return this.seen.get(parent);
  }

  /** When the last frame through `parent` came, at the latest (see the file's comment). */
  lastFrameFrom(parent: string): number | undefined {
    return this.frame.get(parent);
  }
}
