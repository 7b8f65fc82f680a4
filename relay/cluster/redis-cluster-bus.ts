import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RelayError } from '../errors';
import type { ClusterBus } from './cluster-bus';
import { peerTokenDigest } from './peer-token-digest';

const TOPIC_PREFIX = 'lunar:t:';
const PEER_PREFIX = 'lunar:p:';
const ONLINE_CHANNEL = 'lunar:online';
const CONNECT_TIMEOUT_MS = 5000;


/**
 * A cluster of relay nodes over Redis pub/sub. Nothing is stored in Redis: a node
 * subscribes to `lunar:t:<topic>` while it has local subscribers to a topic and to
 * `lunar:p:<id>` while it serves PeerJS client `id`; PUBLISH's receiver count tells a
 * sender whether any node took a PeerJS message. While Redis is unreachable a node keeps
 * serving its own clients and drops (never buffers) cross-node traffic.
 */
export class RedisClusterBus implements ClusterBus {
  readonly nodeId = randomBytes(8).toString('hex');
  private readonly topicHandlers = new Set<(topic: string, text: string) => void>();
  private readonly peerHandlers = new Set<(dst: string, text: string) => void>();
  private readonly onlineHandlers = new Set<(id: string, tokenDigest: string) => void>();

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
  ) {
    sub.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  static async connect(url: string): Promise<RedisClusterBus> {
    const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: CONNECT_TIMEOUT_MS };
    const pub = new Redis(url, options);
    // The subscriber needs its offline queue: ioredis replays SUBSCRIBEs through it after a reconnect.
    const sub = new Redis(url, { ...options, enableOfflineQueue: true });
    // Errors are retried by ioredis; without a listener they would crash the process.
    pub.on('error', () => {});
    sub.on('error', () => {});
    try {
      await Promise.all([pub.connect(), sub.connect()]);
      await sub.subscribe(ONLINE_CHANNEL);
    } catch (cause) {
      pub.disconnect();
      sub.disconnect();
      throw new RelayError('cluster-unavailable', 'cannot reach Redis at REDIS_URL', { cause });
    }
    return new RedisClusterBus(pub, sub);
  }

  watchTopic(topic: string): void {
    this.sub.subscribe(TOPIC_PREFIX + topic).catch(() => {});
  }

  unwatchTopic(topic: string): void {
    this.sub.unsubscribe(TOPIC_PREFIX + topic).catch(() => {});
  }

  publishTopic(topic: string, text: string): void {
    if (this.pub.status !== 'ready') return;
    this.pub.publish(TOPIC_PREFIX + topic, `${this.nodeId}\n${text}`).catch(() => {});
  }

  onTopicMessage(handler: (topic: string, text: string) => void): () => void {
    this.topicHandlers.add(handler);
    return () => this.topicHandlers.delete(handler);
  }

  claimPeer(id: string, token: string): void {
    this.sub.subscribe(PEER_PREFIX + id).catch(() => {});
    if (this.pub.status === 'ready') {
      this.pub.publish(ONLINE_CHANNEL, `${this.nodeId}\n${id}\n${peerTokenDigest(token)}`).catch(() => {});
    }
  }

  releasePeer(id: string): void {
    this.sub.unsubscribe(PEER_PREFIX + id).catch(() => {});
  }

  async sendToPeer(dst: string, text: string): Promise<boolean> {
    if (this.pub.status !== 'ready') return false;
    try {
      return (await this.pub.publish(PEER_PREFIX + dst, text)) > 0;
    } catch {
      return false;
    }
  }

  onPeerMessage(handler: (dst: string, text: string) => void): () => void {
    this.peerHandlers.add(handler);
    return () => this.peerHandlers.delete(handler);
  }

  onPeerOnline(handler: (id: string, tokenDigest: string) => void): () => void {
    this.onlineHandlers.add(handler);
    return () => this.onlineHandlers.delete(handler);
  }

  async close(): Promise<void> {
    this.topicHandlers.clear();
    this.peerHandlers.clear();
    this.onlineHandlers.clear();
    await Promise.all([quit(this.pub), quit(this.sub)]);
  }

  private dispatch(channel: string, message: string): void {
    if (channel.startsWith(TOPIC_PREFIX)) {
      const nl = message.indexOf('\n');
      if (nl < 0 || message.slice(0, nl) === this.nodeId) return;
      const topic = channel.slice(TOPIC_PREFIX.length);
      const text = message.slice(nl + 1);
      for (const h of this.topicHandlers) h(topic, text);
    } else if (channel.startsWith(PEER_PREFIX)) {
      const dst = channel.slice(PEER_PREFIX.length);
      for (const h of this.peerHandlers) h(dst, message);
    } else if (channel === ONLINE_CHANNEL) {
      const [node, id, digest] = message.split('\n');
      if (node === this.nodeId || !id || !digest) return;
      for (const h of this.onlineHandlers) h(id, digest);
    }
  }
}

async function quit(r: Redis): Promise<void> {
  try {
    await r.quit();
  } catch {
    r.disconnect();
  }
}
