import type { Connection, ConnectionHandler, Route } from '../connection';
import type { RelayLimits } from '../options';
import { parsePubsubClientMessage } from './pubsub-messages';
import type { PubsubServerMessage } from './pubsub-messages';
import { TopicRegistry } from './topic-registry';

export interface PubsubRoute extends Route {
  readonly name: 'pubsub';
  counts(): { topics: number; subscriptions: number; largestTopic: number };
}

export type PubsubLimits = Pick<RelayLimits, 'maxTopicsPerConnection' | 'maxTopicLength' | 'maxSubscribersPerTopic'>;

/**
 * y-webrtc's signalling server semantics (publish fans out to every subscriber, the
 * sender included, stamped with `clients`), with bounds and typed errors added.
 */
export function createPubsubRoute(limits: PubsubLimits): PubsubRoute {
  const registry = new TopicRegistry<Connection>(limits);

  const accept = (conn: Connection): ConnectionHandler => ({
    onMessage(value) {
      const msg = parsePubsubClientMessage(value, limits);
      switch (msg.type) {
        case 'subscribe':
          registry.subscribe(conn, msg.topics);
          return;
        case 'unsubscribe':
          registry.unsubscribe(conn, msg.topics);
          return;
        case 'publish': {
          const receivers = registry.subscribers(msg.topic);
          if (receivers.size === 0) return;
          // Serialise once; a busy room would otherwise pay N stringifies per message.
          const text = JSON.stringify({ ...msg.message, clients: receivers.size });
          for (const receiver of [...receivers]) receiver.sendText(text);
          return;
        }
        case 'ping': {
          const pong: PubsubServerMessage = { type: 'pong' };
          conn.send(pong);
          return;
        }
      }
    },
    onClose() {
      registry.remove(conn);
    },
  });

  return {
    name: 'pubsub',
    formatError(err): PubsubServerMessage {
      return { type: 'error', code: err.code, message: err.message };
    },
    accept,
    counts: () => registry.counts(),
    dispose() {
      registry.clear();
    },
  };
}
