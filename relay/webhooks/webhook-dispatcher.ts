import type { WebhookFigures } from '../analytics/relay-analytics';
import type { WebhookEvent } from './webhook-events';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';

export interface WebhookDispatcherOptions {
  urls: readonly string[];
  secret: string;
  /** Deliveries waiting (first attempt or retry) across all URLs; the oldest is dropped beyond it. */
  maxQueue?: number;
  /** Requests in flight per URL, so one slow receiver cannot starve the others. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

interface Delivery {
  url: string;
  eventName: string;
  eventId: string;
  body: string;
  attempt: number;
  due: number;
}

/**
 * Signed, retried, bounded webhook delivery that never blocks signalling: `enqueue` is
 * synchronous and O(URLs); sending happens on later ticks with a fixed concurrency. A
 * receiver that is down costs at most `maxQueue` small strings, then the oldest go.
 */
export class WebhookDispatcher {
  private readonly waiting: Delivery[] = [];
  private readonly inFlight = new Set<AbortController>();
  private readonly busy = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly counters = { delivered: 0, failed: 0, retried: 0, dropped: 0 };
  private readonly o: Required<Omit<WebhookDispatcherOptions, 'urls' | 'secret'>>;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.o = {
      maxQueue: options.maxQueue ?? 1000,
      maxAttempts: options.maxAttempts ?? 6,
      baseDelayMs: options.baseDelayMs ?? 1000,
      maxDelayMs: options.maxDelayMs ?? 60_000,
      timeoutMs: options.timeoutMs ?? 5000,
      concurrency: options.concurrency ?? 4,
      fetch: options.fetch ?? fetch,
      now: options.now ?? Date.now,
    };
  }

  enqueue(event: WebhookEvent): void {
    if (this.closed) return;
    const body = JSON.stringify(event);
    for (const url of this.options.urls) {
      if (this.waiting.length >= this.o.maxQueue) {
        this.waiting.shift();
        this.counters.dropped += 1;
      }
      this.waiting.push({ url, eventName: event.event, eventId: event.id, body, attempt: 0, due: this.o.now() });
    }
    this.schedule(0);
  }

  stats(): WebhookFigures {
    return { ...this.counters, queued: this.waiting.length + this.inFlight.size };
  }

  /** Resolves once nothing is queued or in flight (tests). */
  idle(): Promise<void> {
    if (this.waiting.length === 0 && this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const c of this.inFlight) c.abort();
    this.waiting.length = 0;
    this.notifyIdle();
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), Math.max(0, delayMs));
    this.timer.unref();
  }

  private pump(): void {
    this.timer = null;
    const now = this.o.now();
    // Deliveries are appended in due order except retries, so scan rather than assume.
    let next = Infinity;
    for (let i = 0; i < this.waiting.length; ) {
      const d = this.waiting[i]!;
      const busy = this.busy.get(d.url) ?? 0;
      if (busy >= this.o.concurrency) {
        i += 1;
        continue;
      }
      if (d.due > now) {
        next = Math.min(next, d.due);
        i += 1;
        continue;
      }
      this.waiting.splice(i, 1);
      this.busy.set(d.url, busy + 1);
      void this.send(d);
    }
    // A URL at its concurrency is woken by its own completions, not by a timer.
    if (next !== Infinity) this.schedule(next - now);
    this.notifyIdle();
  }

  private async send(d: Delivery): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.o.timeoutMs);
    let retry = false;
    try {
      const res = await this.o.fetch(d.url, {
        method: 'POST',
        redirect: 'error',
        signal: controller.signal,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'lunar-relay-webhooks',
          'X-Lunar-Event': d.eventName,
          'X-Lunar-Delivery': d.eventId,
          [SIGNATURE_HEADER]: signWebhook(this.options.secret, d.body, Math.floor(this.o.now() / 1000)),
        },
        body: d.body,
      });
      await res.body?.cancel().catch(() => {});
      if (res.ok) this.counters.delivered += 1;
      else retry = res.status >= 500 || res.status === 408 || res.status === 429;
      if (!res.ok && !retry) this.counters.failed += 1;
    } catch {
      retry = !this.closed;
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
      const busy = (this.busy.get(d.url) ?? 1) - 1;
      if (busy > 0) this.busy.set(d.url, busy);
      else this.busy.delete(d.url);
    }
    if (retry) {
      if (d.attempt + 1 >= this.o.maxAttempts) {
        this.counters.failed += 1;
      } else {
        this.counters.retried += 1;
        d.attempt += 1;
        d.due = this.o.now() + this.backoff(d.attempt);
        if (this.waiting.length >= this.o.maxQueue) this.counters.dropped += 1;
        else this.waiting.push(d);
      }
    }
    this.schedule(0);
  }

  /** Exponential with ±20% jitter, so many relays do not retry in lockstep. */
  private backoff(attempt: number): number {
    const raw = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(raw * (0.8 + Math.random() * 0.4));
  }

  private notifyIdle(): void {
    if (this.waiting.length > 0 || this.inFlight.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
