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
  /**
   * A subscriber's topics: the topic itself while it has one (nearly every client is in
   * one room), a Set only beyond that. Idle connections dominate memory, and an empty-ish
   * Set per connection costs more than the rest of our per-socket state.
   */
  private readonly bySubscriber = new Map<S, string | Set<string>>();

  constructor(
    private readonly limits: TopicRegistryLimits,
    /** Told about every join and leave (conference stats, webhooks, cluster interest). */
    private readonly observer?: TopicObserver,
  ) {}

  subscribe(sub: S, topics: readonly string[]): void {
    const mine = this.bySubscriber.get(sub);
    const fresh = [...new Set(topics)].filter((t) => !has(mine, t));
    if (sizeOf(mine) + fresh.length > this.limits.maxTopicsPerConnection) {
      throw new RelayError('too-many-topics', `at most ${this.limits.maxTopicsPerConnection} topics per connection`);
    }
    for (const topic of fresh) {
      if ((this.topics.get(topic)?.size ?? 0) >= this.limits.maxSubscribersPerTopic) {
        throw new RelayError('topic-full', 'topic has too many subscribers');
      }
    }
    if (fresh.length === 0) return;
    let next: string | Set<string>;
    if (mine === undefined && fresh.length === 1) next = fresh[0]!;
    else {
      next = typeof mine === 'string' ? new Set([mine]) : (mine ?? new Set<string>());
      for (const topic of fresh) next.add(topic);
    }
    this.bySubscriber.set(sub, next);
    for (const topic of fresh) {
      let subs = this.topics.get(topic);
      if (!subs) {
        subs = new Set();
        this.topics.set(topic, subs);
      }
      subs.add(sub);
      this.observer?.joined(topic, subs.size);
    }
  }

  unsubscribe(sub: S, topics: readonly string[]): void {
    const mine = this.bySubscriber.get(sub);
    if (mine === undefined) return;
    let rest: string | Set<string> | undefined = mine;
    for (const topic of topics) {
      if (typeof rest === 'string') {
        if (rest !== topic) continue;
        rest = undefined;
      } else if (rest === undefined || !rest.delete(topic)) continue;
      const subs = this.topics.get(topic);
      if (!subs) continue;
      subs.delete(sub);
      if (subs.size === 0) this.topics.delete(topic);
      this.observer?.left(topic, subs.size);
    }
    if (rest === undefined || (typeof rest !== 'string' && rest.size === 0)) this.bySubscriber.delete(sub);
    else if (rest !== mine) this.bySubscriber.set(sub, rest);
  }

  remove(sub: S): void {
    const mine = this.bySubscriber.get(sub);
    if (mine !== undefined) this.unsubscribe(sub, typeof mine === 'string' ? [mine] : [...mine]);
  }

  subscribers(topic: string): ReadonlySet<S> {
    return this.topics.get(topic) ?? new Set();
  }

  topicsOf(sub: S): ReadonlySet<string> {
    const mine = this.bySubscriber.get(sub);
    return typeof mine === 'string' ? new Set([mine]) : (mine ?? new Set());
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

function has(mine: string | Set<string> | undefined, topic: string): boolean {
  return typeof mine === 'string' ? mine === topic : (mine?.has(topic) ?? false);
}

function sizeOf(mine: string | Set<string> | undefined): number {
  return typeof mine === 'string' ? 1 : (mine?.size ?? 0);
}
