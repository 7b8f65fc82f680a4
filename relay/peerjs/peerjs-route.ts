import type { ClusterBus } from '../cluster/cluster-bus';
import { peerTokenDigest } from '../cluster/peer-token-digest';
import type { Connection, ConnectionHandler, Route } from '../connection';
import { RelayError } from '../errors';
import type { RelayLimits } from '../options';
import { parsePeerClientMessage, parsePeerHandshake, QUEUEABLE_TYPES } from './peerjs-messages';
import type { PeerServerMessage, RelayedType } from './peerjs-messages';
import { PendingQueue } from './pending-queue';

interface Registration {
  conn: Connection;
  token: string;
}

interface QueuedMessage {
  type: RelayedType;
  src: string;
  dst: string;
  payload: unknown;
}

export interface PeerjsRoute extends Route {
  readonly name: 'peerjs';
  peerCount(): number;
  queuedCount(): number;
  /** Delivers expiry notices now (the sweep timer calls this; tests may too). */
  sweep(): void;
}

export interface PeerjsRouteDeps {
  limits: Pick<RelayLimits, 'peerQueueTtlMs' | 'peerQueuePerDestination' | 'peerQueueTotal' | 'peerQueueSweepMs'>;
  now?: () => number;
  /** Other relay nodes (Redis): messages for peers connected elsewhere go through it. */
  bus?: ClusterBus;
}

/**
 * The PeerJS signalling server protocol: a registry of id → socket, relaying
 * OFFER/ANSWER/CANDIDATE/LEAVE/EXPIRE with a relay-stamped `src`, and a short-lived
 * queue for peers that are about to connect. Behaves like the reference peerjs-server
 * where the client can tell, and is bounded where the reference is not.
 */
export function createPeerjsRoute(deps: PeerjsRouteDeps): PeerjsRoute {
  const now = deps.now ?? Date.now;
  const peers = new Map<string, Registration>();
  const pending = new PendingQueue<QueuedMessage>({
    ttlMs: deps.limits.peerQueueTtlMs,
    perDestination: deps.limits.peerQueuePerDestination,
    total: deps.limits.peerQueueTotal,
  });

  const liveConnection = (id: string): Connection | null => {
    const reg = peers.get(id);
    return reg && reg.conn.isOpen ? reg.conn : null;
  };

  const send = (conn: Connection, message: PeerServerMessage): void => conn.send(message);

  const notifyExpired = (src: string, dst: string): void => {
    const sender = liveConnection(src);
    // From the sender's point of view the *destination* expired, hence the swapped fields.
    if (sender) send(sender, { type: 'EXPIRE', src: dst, dst: src });
  };

  const sweep = (): void => {
    const expired = pending.expire(now());
    const told = new Set<string>();
    for (const { message } of expired) {
      if (!QUEUEABLE_TYPES.has(message.type)) continue;
      const pair = `${message.src}\n${message.dst}`;
      if (told.has(pair)) continue;
      told.add(pair);
      notifyExpired(message.src, message.dst);
    }
  };

  const timer = setInterval(sweep, deps.limits.peerQueueSweepMs);
  timer.unref();

  const { bus } = deps;
  const queue = (out: QueuedMessage): void => {
    if (!QUEUEABLE_TYPES.has(out.type)) return;
    if (!pending.push(out.dst, out, now())) notifyExpired(out.src, out.dst);
  };
  /** Local socket first, then the cluster, then the short queue. */
  const route = (out: QueuedMessage): void => {
    const target = liveConnection(out.dst);
    if (target) {
      send(target, out);
      return;
    }
    if (!bus) {
      queue(out);
      return;
    }
    bus.sendToPeer(out.dst, JSON.stringify(out)).then(
      (taken) => {
        if (taken) return;
        // The peer may have arrived here while Redis answered.
        const late = liveConnection(out.dst);
        if (late) send(late, out);
        else queue(out);
      },
      () => queue(out),
    );
  };
  const disposers: (() => void)[] = [];
  if (bus) {
    disposers.push(
      bus.onPeerMessage((dst, text) => liveConnection(dst)?.sendText(text)),
      bus.onPeerOnline((id, tokenDigest) => {
        const local = peers.get(id);
        // The same client moved to another node: its old socket here is stale.
        if (local && peerTokenDigest(local.token) === tokenDigest) {
          peers.delete(id);
          local.conn.close(1000, 'replaced by a connection to another relay');
        }
        sweep();
        for (const message of pending.take(id)) route(message);
      }),
    );
  }

  const accept = (conn: Connection, params: URLSearchParams): ConnectionHandler => {
    const { id, token } = parsePeerHandshake(params);
    const existing = peers.get(id);
    if (existing && existing.conn.isOpen) {
      if (existing.token !== token) throw new RelayError('id-taken', 'ID is taken');
      // Same token: the same client reconnecting; the stale socket gives way.
      existing.conn.close(1000, 'replaced by a new connection');
    }
    const reg: Registration = { conn, token };
    peers.set(id, reg);
    bus?.claimPeer(id, token);
    send(conn, { type: 'OPEN' });
    sweep();
    for (const message of pending.take(id)) send(conn, message);

    return {
      onMessage(value) {
        const msg = parsePeerClientMessage(value);
        if (msg.type === 'HEARTBEAT') return;
        route({ type: msg.type, src: id, dst: msg.dst, payload: msg.payload });
      },
      onClose() {
        // A replaced socket closing late must not unregister its successor.
        if (peers.get(id) === reg) {
          peers.delete(id);
          bus?.releasePeer(id);
        }
      },
    };
  };

  return {
    name: 'peerjs',
    formatError(err) {
      if (err.code === 'id-taken') return { type: 'ID-TAKEN', payload: { msg: 'ID is taken' } };
      return { type: 'ERROR', payload: { msg: err.message, code: err.code } };
    },
    accept,
    peerCount: () => peers.size,
    queuedCount: () => pending.size,
    sweep,
    dispose() {
      for (const d of disposers) d();
      clearInterval(timer);
      pending.clear();
      peers.clear();
    },
  };
}
