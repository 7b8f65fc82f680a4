import type { TopicObserver } from '../analytics/conference-stats';
import { fanOutObserver } from '../analytics/conference-stats';
import type { ClusterBus } from '../cluster/cluster-bus';
import type { AccessGrant, Connection, ConnectionHandler, Route } from '../connection';
import { ANY_ROOM } from '../connection';
import { RelayError } from '../errors';
import type { RelayLimits } from '../options';
import { parsePubsubClientMessage } from './pubsub-messages';
import type { PubsubServerMessage } from './pubsub-messages';
import { TopicRegistry } from './topic-registry';

export interface PubsubRoute extends Route {
  readonly name: 'pubsub';
  counts(): { topics: number; subscriptions: number; largestTopic: number };
}

export type PubsubLimits = Pick<RelayLimits, 'maxTopicsPerConnection' | 'maxTopicLength' | 'maxSubscribersPerTopic'>;

export interface PubsubRouteDeps {
  /** Conference stats and webhooks; told about every join and leave. */
  observer?: TopicObserver;
  /** Other relay nodes (Redis); publishes fan out to them and theirs arrive here. */
  bus?: ClusterBus;
}

/** What every connection's handler shares; one per route. */
interface PubsubShared {
  limits: PubsubLimits;
  registry: TopicRegistry<Connection>;
  deliverLocal(topic: string, text: string): void;
  bus: ClusterBus | undefined;
}

/** Per-connection state is this one object: prototype methods, no per-socket closures. */
class PubsubHandler implements ConnectionHandler {
  constructor(
    private readonly conn: Connection,
    private readonly grant: AccessGrant,
    private readonly shared: PubsubShared,
  ) {}

  private allowed(topic: string): void {
    const { room } = this.grant;
    if (room !== '*' && topic !== room) throw new RelayError('forbidden-topic', 'your token does not grant this topic');
  }

  onMessage(value: unknown): void {
    const { conn, shared } = this;
    const { registry, bus } = shared;
    const msg = parsePubsubClientMessage(value, shared.limits);
    switch (msg.type) {
      case 'subscribe':
        for (const topic of msg.topics) this.allowed(topic);
        registry.subscribe(conn, msg.topics);
        return;
      case 'unsubscribe':
        registry.unsubscribe(conn, msg.topics);
        return;
      case 'publish': {
        this.allowed(msg.topic);
        const receivers = registry.subscribers(msg.topic);
        if (receivers.size === 0 && !bus) return;
        // Serialise once; a busy room would otherwise pay N stringifies per message.
        const text = JSON.stringify({ ...msg.message, clients: receivers.size });
        shared.deliverLocal(msg.topic, text);
        bus?.publishTopic(msg.topic, text);
        return;
      }
      case 'ping': {
        const pong: PubsubServerMessage = { type: 'pong' };
        conn.send(pong);
        return;
      }
    }
  }

  onClose(): void {
    this.shared.registry.remove(this.conn);
  }
}

/**
 * y-webrtc's signalling server semantics (publish fans out to every subscriber, the
 * sender included, stamped with `clients`), with bounds and typed errors added. In a
 * cluster `clients` counts this node's subscribers only.
 */
export function createPubsubRoute(limits: PubsubLimits, deps: PubsubRouteDeps = {}): PubsubRoute {
  const { bus } = deps;
  // The bus only hears topics someone on this node listens to: interest follows 0↔1 subscribers.
  const interest: TopicObserver | null = bus
    ? {
        joined: (topic, size) => {
          if (size === 1) bus.watchTopic(topic);
        },
        left: (topic, size) => {
          if (size === 0) bus.unwatchTopic(topic);
        },
      }
    : null;
  const observers = [deps.observer, interest].filter((o): o is TopicObserver => o != null);
  const registry = new TopicRegistry<Connection>(limits, fanOutObserver(observers));

  const deliverLocal = (topic: string, text: string): void => {
    for (const receiver of [...registry.subscribers(topic)]) receiver.sendText(text);
  };
  const stopRemote = bus?.onTopicMessage(deliverLocal);
  const shared: PubsubShared = { limits, registry, deliverLocal, bus };

  const accept = (conn: Connection, _params: URLSearchParams, grant: AccessGrant = ANY_ROOM): ConnectionHandler =>
    new PubsubHandler(conn, grant, shared);

  return {
    name: 'pubsub',
    formatError(err): PubsubServerMessage {
      return { type: 'error', code: err.code, message: err.message };
    },
    accept,
    counts: () => registry.counts(),
    dispose() {
      stopRemote?.();
      registry.clear();
    },
  };
}
