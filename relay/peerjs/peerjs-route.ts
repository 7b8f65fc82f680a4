import type { ClusterBus } from '../cluster/cluster-bus';
import { peerTokenDigest } from '../cluster/peer-token-digest';
import type { Connection, ConnectionHandler, Route } from '../connection';
import { RelayError } from '../errors';
import type { RelayLimits } from '../options';
import { appendSrc, hasOnlyForwardedKeys, parsePeerClientMessage, parsePeerHandshake, QUEUEABLE_TYPES } from './peerjs-messages';
import type { PeerServerMessage, RelayedType } from './peerjs-messages';
import { PendingQueue } from './pending-queue';

/** A message on its way: `text` is the serialised `{type, src, dst, payload}` as delivered. */
interface Outgoing {
  type: RelayedType;
  src: string;
  dst: string;
  text: string;
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

/** What every peer's handler shares; one per route. */
interface PeerRegistry {
  peers: Map<string, PeerHandler>;
  route(out: Outgoing): void;
  /** Tells these peers that `id`'s socket closed (GONE), where they are connected now. */
  gone(id: string, contacts: Iterable<string>): void;
  bus: ClusterBus | undefined;
}

/**
 * The most peers one socket's GONE notice goes to: a member of a 256-person room signals with
 * every other member once; beyond this the oldest contacts are forgotten (GONE is a hint).
 */
export const MAX_CONTACTS = 512;

/**
 * One registered peer: its registration and its message handler in one small object, with
 * prototype methods, because with 10k idle sockets per-socket closures and contexts add up.
 */
class PeerHandler implements ConnectionHandler {
  /** Peers this one sent negotiation to (oldest first), told GONE when its socket closes; null until the first. */
  private contacts: Set<string> | null = null;

  constructor(
    readonly conn: Connection,
    readonly id: string,
    readonly token: string,
    private readonly registry: PeerRegistry,
  ) {}

  onMessage(value: unknown, text?: string): void {
    const msg = parsePeerClientMessage(value);
    if (msg.type === 'HEARTBEAT') return;
    const { id } = this;
    // The hot path: the client's own text plus the relay's `src`, no re-serialising. The
    // message was fully parsed and validated above; only its serialisation is reused.
    const fast = text !== undefined && hasOnlyForwardedKeys(value as object);
    const out = fast ? appendSrc(text, id) : JSON.stringify({ type: msg.type, src: id, dst: msg.dst, payload: msg.payload });
    this.registry.route({ type: msg.type, src: id, dst: msg.dst, text: out });
    this.remember(msg.type, msg.dst);
  }

  onClose(): void {
    const { peers, bus } = this.registry;
    // A replaced socket closing late must not unregister its successor, nor report it gone.
    if (peers.get(this.id) === this) {
      peers.delete(this.id);
      bus?.releasePeer(this.id);
      if (this.contacts) this.registry.gone(this.id, this.contacts);
    }
    this.contacts = null;
  }

  /**
   * Who to tell when this socket closes: the peers it sent an offer or answer to (every pair
   * that talks has sent one; candidates are skipped, they are most of the traffic), until a LEAVE.
   */
  private remember(type: RelayedType, dst: string): void {
    if (type === 'LEAVE') {
      this.contacts?.delete(dst);
      return;
    }
    if (type !== 'OFFER' && type !== 'ANSWER') return;
    const contacts = (this.contacts ??= new Set());
    if (contacts.has(dst)) return;
    contacts.add(dst);
    // Full: the first contact is forgotten (GONE is a hint, and the newest matter most).
    if (contacts.size > MAX_CONTACTS) {
      const oldest = contacts.values().next();
      if (!oldest.done) contacts.delete(oldest.value);
    }
  }
}

/**
 * The PeerJS signalling server protocol: a registry of id → socket, relaying
 * OFFER/ANSWER/CANDIDATE/LEAVE/EXPIRE with a relay-stamped `src`, and a short-lived
 * queue for peers that are about to connect. Behaves like the reference peerjs-server
 * where the client can tell, and is bounded where the reference is not.
 *
 * One addition: when a peer's socket closes, the peers it negotiated with get
 * `{type: 'GONE', src}`. A crashed page's socket closes at once while its media just goes
 * quiet, so this lets a large room's children re-attach without waiting out a silence
 * (see docs/large-rooms.md). It is a hint, not a LEAVE: a socket can drop while media
 * flows. The relay learns nothing new by it (it routed those messages); the unmodified
 * PeerJS client ignores message types it does not know.
 */
export function createPeerjsRoute(deps: PeerjsRouteDeps): PeerjsRoute {
  const now = deps.now ?? Date.now;
  const peers = new Map<string, PeerHandler>();
  const pending = new PendingQueue<Outgoing>({
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
      // Later messages on the same pair are queued a few ms after this one and would expire
      // on the next sweep: the sender gets one EXPIRE per pair, and its PeerJS client has
      // already closed that connection, so they are dropped with it.
      pending.dropWhere(message.dst, (m) => m.src === message.src);
      notifyExpired(message.src, message.dst);
    }
  };

  const timer = setInterval(sweep, deps.limits.peerQueueSweepMs);
  timer.unref();

  const { bus } = deps;
  const queue = (out: Outgoing): void => {
    if (!QUEUEABLE_TYPES.has(out.type)) return;
    if (!pending.push(out.dst, out, now())) notifyExpired(out.src, out.dst);
  };
  /** Local socket first, then the cluster, then the short queue. */
  const route = (out: Outgoing): void => {
    const target = liveConnection(out.dst);
    if (target) {
      target.sendText(out.text);
      return;
    }
    if (!bus) {
      queue(out);
      return;
    }
    bus.sendToPeer(out.dst, out.text).then(
      (taken) => {
        if (taken) return;
        // The peer may have arrived here while Redis answered.
        const late = liveConnection(out.dst);
        if (late) late.sendText(out.text);
        else queue(out);
      },
      () => queue(out),
    );
  };
  /**
   * GONE goes only to peers connected now (here, or through the cluster), never into the
   * queue: it describes this moment, and a peer that connects later has nothing to repair.
   */
  const gone = (id: string, contacts: Iterable<string>): void => {
    for (const dst of contacts) {
      if (dst === id) continue;
      const text = JSON.stringify({ type: 'GONE', src: id, dst });
      const target = liveConnection(dst);
      if (target) target.sendText(text);
      else bus?.sendToPeer(dst, text).catch(() => undefined);
    }
  };
  const registry: PeerRegistry = { peers, route, gone, bus };
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
    const handler = new PeerHandler(conn, id, token, registry);
    peers.set(id, handler);
    bus?.claimPeer(id, token);
    send(conn, { type: 'OPEN' });
    sweep();
    for (const message of pending.take(id)) conn.sendText(message.text);
    return handler;
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
