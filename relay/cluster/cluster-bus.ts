/**
 * What a relay node needs from its peers in a cluster. Without `REDIS_URL` no bus exists
 * and every route works purely in memory; with it, `RedisClusterBus` implements this over
 * Redis pub/sub. Routes depend only on this interface, so they are tested with a fake.
 */
export interface ClusterBus {
  readonly nodeId: string;

  /** Start receiving other nodes' publishes to `topic` (first local subscriber joined). */
  watchTopic(topic: string): void;
  /** Stop receiving them (last local subscriber left). */
  unwatchTopic(topic: string): void;
  /** Hands a serialised pub/sub message to every other node watching `topic`. */
  publishTopic(topic: string, text: string): void;
  onTopicMessage(handler: (topic: string, text: string) => void): () => void;

  /** This node now serves PeerJS client `id`: route messages for it here. */
  claimPeer(id: string, token: string): void;
  releasePeer(id: string): void;
  /** Resolves true when some other node took the message for `dst`. */
  sendToPeer(dst: string, text: string): Promise<boolean>;
  onPeerMessage(handler: (dst: string, text: string) => void): () => void;
  /**
   * Another node accepted `id`; `tokenDigest` is `peerTokenDigest(token)`, so a node can tell
   * "the same client moved" from "someone else" without tokens crossing the network.
   */
  onPeerOnline(handler: (id: string, tokenDigest: string) => void): () => void;

  close(): Promise<void>;
}
