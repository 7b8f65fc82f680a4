import { CoarseHistogram, suppressSmall } from './coarse-histogram';

/**
 * Observes pub/sub topics coming and going. The relay calls these from the topic registry;
 * webhooks and conference statistics both implement it.
 */
export interface TopicObserver {
  /** A subscriber joined; `size` is the topic's subscriber count afterwards (1 = new conference). */
  joined(topic: string, size: number): void;
  /** A subscriber left; `size` afterwards (0 = conference over). */
  left(topic: string, size: number): void;
}

export function fanOutObserver(observers: readonly TopicObserver[]): TopicObserver {
  return {
    joined: (topic, size) => observers.forEach((o) => o.joined(topic, size)),
    left: (topic, size) => observers.forEach((o) => o.left(topic, size)),
  };
}

/** Index 14 of `conference_sizes` counts conferences of 14 or more (colibri's convention). */
export const CONFERENCE_SIZE_SLOTS = 15;
/** Seconds: 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, 4 h. */
export const DURATION_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14400] as const;
/** Peak participants of a finished conference. */
export const SIZE_BUCKETS = [1, 2, 3, 4, 6, 10, 20, 50] as const;

interface LiveConference {
  startedAt: number;
  size: number;
  peak: number;
}

export interface ConferenceFigures {
  conferences: number;
  participants: number;
  largest_conference: number;
  conference_sizes: number[];
  total_conferences_created: number;
  total_conferences_completed: number;
  total_conference_seconds: number;
  total_participants: number;
}

/**
 * "Conference" = a pub/sub topic with at least one subscriber; participants = subscribers.
 * The topic (already a hash of the room id) is only a map key here and never leaves.
 */
export class ConferenceStats implements TopicObserver {
  private readonly live = new Map<string, LiveConference>();
  private created = 0;
  private completed = 0;
  private seconds = 0;
  private joins = 0;
  readonly durations = new CoarseHistogram(DURATION_BUCKETS);
  readonly sizes = new CoarseHistogram(SIZE_BUCKETS);

  constructor(private readonly now: () => number = Date.now) {}

  joined(topic: string, size: number): void {
    this.joins += 1;
    let c = this.live.get(topic);
    if (!c) {
      c = { startedAt: this.now(), size: 0, peak: 0 };
      this.live.set(topic, c);
      this.created += 1;
    }
    c.size = size;
    c.peak = Math.max(c.peak, size);
  }

  left(topic: string, size: number): void {
    const c = this.live.get(topic);
    if (!c) return;
    c.size = size;
    if (size > 0) return;
    this.live.delete(topic);
    const seconds = Math.max(0, (this.now() - c.startedAt) / 1000);
    this.completed += 1;
    this.seconds += seconds;
    this.durations.observe(seconds);
    this.sizes.observe(c.peak);
  }

  figures(): ConferenceFigures {
    const slots = new Array<number>(CONFERENCE_SIZE_SLOTS).fill(0);
    let participants = 0;
    let largest = 0;
    for (const c of this.live.values()) {
      participants += c.size;
      largest = Math.max(largest, c.size);
      const slot = Math.min(c.size, CONFERENCE_SIZE_SLOTS - 1);
      slots[slot] = (slots[slot] ?? 0) + 1;
    }
    return {
      conferences: this.live.size,
      participants,
      largest_conference: largest,
      conference_sizes: suppressSmall(slots),
      total_conferences_created: this.created,
      total_conferences_completed: this.completed,
      total_conference_seconds: Math.round(this.seconds),
      total_participants: this.joins,
    };
  }
}
