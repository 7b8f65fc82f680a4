import type { TopicObserver } from '../analytics/conference-stats';
import { RelayError } from '../errors';

export interface TopicRegistryLimits {
  maxTopicsPerConnection: number;
  maxSubscribersPerTopic: number;
}

/**
 * Who listens to which topic, both ways round so a closing connection is removed in
 * O(its topics). Generic over the subscriber so it is tested without sockets.
 * Subscribing is all-or-nothing: a refused request changes nothing.
 */
export class TopicRegistry<S> {
  private readonly topics = new Map<string, Set<S>>();
  private readonly bySubscriber = new Map<S, Set<string>>();

  constructor(
    private readonly limits: TopicRegistryLimits,
    /** Told about every join and leave (conference stats, webhooks, cluster interest). */
    private readonly observer?: TopicObserver,
  ) {}

  subscribe(sub: S, topics: readonly string[]): void {
    const mine = this.bySubscriber.get(sub) ?? new Set<string>();
    const fresh = topics.filter((t) => !mine.has(t));
    if (mine.size + fresh.length > this.limits.maxTopicsPerConnection) {
      throw new RelayError('too-many-topics', `at most ${this.limits.maxTopicsPerConnection} topics per connection`);
    }
    for (const topic of fresh) {
      if ((this.topics.get(topic)?.size ?? 0) >= this.limits.maxSubscribersPerTopic) {
        throw new RelayError('topic-full', 'topic has too many subscribers');
      }
    }
    for (const topic of fresh) {
      let subs = this.topics.get(topic);
      if (!subs) {
        subs = new Set();
        this.topics.set(topic, subs);
      }
      subs.add(sub);
      mine.add(topic);
      this.observer?.joined(topic, subs.size);
    }
    if (mine.size > 0) this.bySubscriber.set(sub, mine);
  }

  unsubscribe(sub: S, topics: readonly string[]): void {
    const mine = this.bySubscriber.get(sub);
    if (!mine) return;
    for (const topic of topics) {
      if (!mine.delete(topic)) continue;
      const subs = this.topics.get(topic);
      if (!subs) continue;
      subs.delete(sub);
      if (subs.size === 0) this.topics.delete(topic);
      this.observer?.left(topic, subs.size);
    }
    if (mine.size === 0) this.bySubscriber.delete(sub);
  }

  remove(sub: S): void {
    const mine = this.bySubscriber.get(sub);
    if (mine) this.unsubscribe(sub, [...mine]);
  }

  subscribers(topic: string): ReadonlySet<S> {
    return this.topics.get(topic) ?? new Set();
  }

  topicsOf(sub: S): ReadonlySet<string> {
    return this.bySubscriber.get(sub) ?? new Set();
  }

  /** Numbers only, for stats. */
  counts(): { topics: number; subscriptions: number; largestTopic: number } {
    let subscriptions = 0;
    let largestTopic = 0;
    for (const subs of this.topics.values()) {
      subscriptions += subs.size;
      largestTopic = Math.max(largestTopic, subs.size);
    }
    return { topics: this.topics.size, subscriptions, largestTopic };
  }

  clear(): void {
    this.topics.clear();
    this.bySubscriber.clear();
  }
}
