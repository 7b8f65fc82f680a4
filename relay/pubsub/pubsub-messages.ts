import { RelayError } from '../errors';

/**
 * y-webrtc's signalling protocol, validated. Topics are opaque to the relay (y-webrtc
 * sends room names; Lunar Chat sends hashes of them) and must never be logged.
 */
export type PubsubClientMessage =
  | { type: 'subscribe'; topics: string[] }
  | { type: 'unsubscribe'; topics: string[] }
  /** `message` is the client's whole object, forwarded as-is plus `clients`. */
  | { type: 'publish'; topic: string; message: Record<string, unknown> }
  | { type: 'ping' };

export type PubsubServerMessage =
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string }
  | ({ type: 'publish'; topic: string; clients: number } & Record<string, unknown>);

export interface TopicLimits {
  maxTopicsPerConnection: number;
  maxTopicLength: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isValidTopic(topic: unknown, limits: TopicLimits): topic is string {
  return typeof topic === 'string' && topic.length > 0 && topic.length <= limits.maxTopicLength;
}

function parseTopics(value: unknown, limits: TopicLimits): string[] {
  if (!Array.isArray(value)) throw new RelayError('bad-message', 'topics must be an array of strings');
  if (value.length > limits.maxTopicsPerConnection) {
    throw new RelayError('too-many-topics', `at most ${limits.maxTopicsPerConnection} topics per connection`);
  }
  for (const topic of value) {
    if (!isValidTopic(topic, limits)) {
      throw new RelayError('invalid-topic', `topics must be non-empty strings of at most ${limits.maxTopicLength} chars`);
    }
  }
  return [...new Set(value as string[])];
}

export function parsePubsubClientMessage(value: unknown, limits: TopicLimits): PubsubClientMessage {
  if (!isRecord(value)) throw new RelayError('bad-message', 'message must be a JSON object');
  switch (value.type) {
    case 'subscribe':
    case 'unsubscribe':
      return { type: value.type, topics: parseTopics(value.topics, limits) };
    case 'publish':
      if (!isValidTopic(value.topic, limits)) {
        throw new RelayError('invalid-topic', `topic must be a non-empty string of at most ${limits.maxTopicLength} chars`);
      }
      return { type: 'publish', topic: value.topic, message: value };
    case 'ping':
      return { type: 'ping' };
    default:
      if (typeof value.type !== 'string') throw new RelayError('bad-message', 'message.type must be a string');
      throw new RelayError('unknown-type', 'unknown message type');
  }
}
