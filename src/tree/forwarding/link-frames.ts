/**
 * Frames received per link (ReceiveOptions.link: one peer connection, its audio and video
 * receive pipes together), while any of its pipes runs. ForwarderCore answers these in
 * `received()`: a source's frames can come by two links at once (a parked link still fed,
 * beside its successor), and only a count per link tells which parent still delivers
 * (ParentMedia). Pure: time is passed in.
 */
import type { ReceivedCount } from './forwarder-core';

/** `count` frames so far, the last at `lastAt`: as `received()` answers it at `now`. */
export function receivedCount(count: number, lastAt: number, now: number): ReceivedCount {
  return { count, ageMs: count === 0 ? Infinity : now - lastAt };
}

interface LinkCount {
  count: number;
  lastAt: number;
  pipes: number;
}

export class LinkFrames {
  private readonly links = new Map<string, LinkCount>();

  /** A receive pipe of `link` starts: returns what to call for each of its frames and at its end. */
  open(link: string): { frame(now: number): void; close(): void } {
    const c = this.links.get(link) ?? { count: 0, lastAt: 0, pipes: 0 };
    c.pipes++;
    this.links.set(link, c);
    return {
      frame: (now) => {
        c.count++;
        c.lastAt = now;
      },
      close: () => {
        if (--c.pipes === 0 && this.links.get(link) === c) this.links.delete(link);
      },
    };
  }

  snapshot(now: number): Record<string, ReceivedCount> {
    return Object.fromEntries([...this.links].map(([id, c]) => [id, receivedCount(c.count, c.lastAt, now)]));
  }
}
