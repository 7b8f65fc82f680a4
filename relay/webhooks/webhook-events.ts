import { createHash, randomUUID } from 'node:crypto';
import type { TopicObserver } from '../analytics/conference-stats';

export type WebhookEventName = 'room_started' | 'room_finished' | 'participant_joined' | 'participant_left';

/**
 * What a webhook receives. `room` is a hash of the pub/sub topic, which is itself a hash
 * of the room id: receivers can correlate one room's events but learn neither the room
 * nor the topic clients use. Counts and times only; nothing about who.
 */
export interface WebhookEvent {
  /** Unique per event; receivers dedupe retries with it. */
  id: string;
  event: WebhookEventName;
  room: string;
  /** Participants after the event, as seen by this relay node. */
  participants: number;
  /** ISO 8601, UTC. */
  timestamp: string;
  /** room_finished only. */
  duration_seconds?: number;
  /** room_finished only: most participants at once. */
  peak_participants?: number;
}

export function hashRoomForWebhook(topic: string): string {
  return createHash('sha256').update(`lunar/v1/webhook-room/${topic}`).digest('hex').slice(0, 32);
}

/** Turns topic joins and leaves into webhook events; `emit` must not block. */
export class WebhookEvents implements TopicObserver {
  private readonly live = new Map<string, { startedAt: number; peak: number }>();

  constructor(
    private readonly emit: (event: WebhookEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  joined(topic: string, size: number): void {
    const at = this.now();
    let room = this.live.get(topic);
    if (!room) {
      room = { startedAt: at, peak: 0 };
      this.live.set(topic, room);
      this.emit(this.event('room_started', topic, size, at));
    }
    room.peak = Math.max(room.peak, size);
    this.emit(this.event('participant_joined', topic, size, at));
  }

  left(topic: string, size: number): void {
    const at = this.now();
    const room = this.live.get(topic);
    this.emit(this.event('participant_left', topic, size, at));
    if (size > 0 || !room) return;
    this.live.delete(topic);
    this.emit({
      ...this.event('room_finished', topic, 0, at),
      duration_seconds: Math.round((at - room.startedAt) / 1000),
      peak_participants: room.peak,
    });
  }

  private event(event: WebhookEventName, topic: string, participants: number, at: number): WebhookEvent {
    return { id: randomUUID(), event, room: hashRoomForWebhook(topic), participants, timestamp: new Date(at).toISOString() };
  }
}
