/**
 * The TURN server's protocol logic (RFC 8656) with no sockets of its own: packets come in
 * through `handlePacket`, answers leave through the client's `ClientLink`, relayed sockets are
 * opened through an injected `RelayOpener`, and time comes from an injected clock. That makes
 * lifetimes, quotas and error paths unit-testable with a fake clock and fake sockets.
 */
import { randomBytes } from 'node:crypto';
import type { Allocation, ClientLink, RelaySocket } from './allocation';
import { restCredentialKeys } from './credentials';
import { addressKey, canonicalIp } from './ip-address';
import type { IpFamily, TransportAddress } from './ip-address';
import { createNonceIssuer } from './nonce';
import type { NonceIssuer } from './nonce';
import type { PeerFilter } from './peer-filter';
import { Reservations } from './reservations';
import { ResponseCache } from './response-cache';
import { decodeChannelData, encodeChannelData } from './stun/channel-data';
import { Attr, ERROR_REASONS, ErrorCode, StunClass, StunMethod } from './stun/constants';
import { decodeStun, encodeStun, getAttribute, verifyIntegrity } from './stun/message';
import type { StunAttribute, StunMessage } from './stun/message';
import { decodeAddress, decodeString, encodeAddress, encodeErrorCode, encodeString, encodeUnknownAttributes } from './stun/attributes';
import type { TurnQuotas } from './turn-quotas';
import { handleTurnRequest } from './turn-requests';

export interface TurnCoreOptions {
  realm: string;
  /** Accepted REST secrets; more than one during a rotation. */
  secrets: readonly string[];
  peerFilter: PeerFilter;
  quotas: TurnQuotas;
  relayFamily: IpFamily;
  software?: string;
  maxLifetimeSeconds?: number;
  nonceLifetimeMs?: number;
  responseCacheSize?: number;
}

export interface RelayRequest {
  family: IpFamily;
  /** EVEN-PORT: the relayed port must be even (RTP). */
  evenPort: boolean;
  /** EVEN-PORT with R: also hold the next port (RTCP) for a later Allocate with the token. */
  reserveNext: boolean;
}

export type RelayOpener = (request: RelayRequest) => Promise<{ relay: RelaySocket; reserved?: RelaySocket }>;

export interface TurnStats {
  allocationsCurrent: number;
  allocationsTotal: number;
  requests: number;
  authFailures: number;
  packetsToPeers: number;
  bytesToPeers: number;
  packetsFromPeers: number;
  bytesFromPeers: number;
  malformedDropped: number;
  /** Data dropped for lack of a permission/channel, over quota, or for an unknown allocation. */
  relayDropped: number;
  /** Exceptions caught around packet handling: always a bug. */
  internalErrors: number;
}

/** What a request handler answers: success attributes, or an error code. */
export type Reply = { attrs: StunAttribute[] } | { error: number; attrs?: StunAttribute[] };

export interface RequestContext {
  link: ClientLink;
  msg: StunMessage;
  username: string;
  key: Uint8Array;
  now: number;
}

const DEFAULT_LIFETIME_S = 600;

export class TurnCore {
  readonly options: Required<TurnCoreOptions>;
  private readonly nonces: NonceIssuer;
  private readonly cache: ResponseCache;
  readonly allocations = new Map<string, Allocation>();
  private readonly pending = new Set<string>();
  private readonly perUser = new Map<string, number>();
  readonly reservations = new Reservations();
  private readonly counters: TurnStats = {
    allocationsCurrent: 0,
    allocationsTotal: 0,
    requests: 0,
    authFailures: 0,
    packetsToPeers: 0,
    bytesToPeers: 0,
    packetsFromPeers: 0,
    bytesFromPeers: 0,
    malformedDropped: 0,
    relayDropped: 0,
    internalErrors: 0,
  };
  private readonly txPrefix = randomBytes(8);
  private txCounter = 0;
  private closed = false;

  constructor(
    options: TurnCoreOptions,
    readonly openRelay: RelayOpener,
    readonly clock: () => number = Date.now,
  ) {
    this.options = {
      software: '',
      maxLifetimeSeconds: 3600,
      nonceLifetimeMs: 600_000,
      responseCacheSize: 4096,
      ...options,
    };
    this.nonces = createNonceIssuer(this.options.nonceLifetimeMs);
    this.cache = new ResponseCache(this.options.responseCacheSize);
  }

  /** Entry point for every datagram or TCP frame from a client. Never throws. */
  handlePacket(link: ClientLink, bytes: Uint8Array): void {
    if (this.closed) return;
    try {
      const first = bytes[0] ?? 0xff;
      if ((first & 0xc0) === 0x40) this.handleChannelData(link, bytes);
      else if ((first & 0xc0) === 0) this.handleStun(link, bytes);
      else this.counters.malformedDropped++;
    } catch {
      // A bug here must cost one packet, not the process; tests assert this stays 0.
      this.counters.internalErrors++;
    }
  }

  /** A TCP client went away: its allocation dies with the connection (RFC 8656 §3.1). */
  linkClosed(linkKey: string): void {
    const a = this.allocations.get(linkKey);
    if (a) this.deleteAllocation(a);
  }

  /** Expires allocations, permissions, channels and cached answers; the server calls it periodically. */
  sweep(): void {
    const now = this.clock();
    for (const a of this.allocations.values()) {
      if (a.isExpired(now)) this.deleteAllocation(a);
      else a.sweep(now);
    }
    this.reservations.sweep(now);
    this.cache.sweep(now);
  }

  stats(): TurnStats {
    return { ...this.counters, allocationsCurrent: this.allocations.size };
  }

  close(): void {
    this.closed = true;
    for (const a of [...this.allocations.values()]) this.deleteAllocation(a);
    this.reservations.close();
    this.cache.clear();
  }

  private handleChannelData(link: ClientLink, bytes: Uint8Array): void {
    const cd = decodeChannelData(bytes);
    if (!cd.ok) {
      this.counters.malformedDropped++;
      return;
    }
    const now = this.clock();
    const a = this.liveAllocation(link.key, now);
    const peer = a?.channelPeer(cd.value.channel, now);
    if (!a || !peer || !a.hasPermission(peer.address, now)) {
      this.counters.relayDropped++;
      return;
    }
    this.sendToPeer(a, peer, cd.value.data, now);
  }

  private handleStun(link: ClientLink, bytes: Uint8Array): void {
    const decoded = decodeStun(bytes);
    if (!decoded.ok) {
      this.counters.malformedDropped++;
      return;
    }
    const msg = decoded.value;
    if (msg.cls === StunClass.indication) {
      if (msg.method === StunMethod.send && msg.unknownRequired.length === 0) this.handleSend(link, msg);
      return;
    }
    if (msg.cls !== StunClass.request) return;
    this.counters.requests++;
    if (msg.method === StunMethod.binding) {
      this.handleBinding(link, msg);
      return;
    }
    const now = this.clock();
    const cacheKey = `${link.key}#${Buffer.from(msg.transactionId).toString('hex')}`;
    const cached = this.cache.get(cacheKey, now);
    if (cached) {
      link.send(cached);
      return;
    }
    // A retransmit of an Allocate still opening its socket: the client will retry and hit the cache.
    if (this.pending.has(link.key) && msg.method === StunMethod.allocate) return;
    const auth = this.authenticate(link, msg, now);
    if (!auth) return;
    const ctx: RequestContext = { link, msg, now, ...auth };
    const useSha256 = msg.integritySha256Offset >= 0;
    const finish = (reply: Reply): void => {
      const bytesOut = this.encodeReply(msg, reply, auth.key, useSha256);
      this.cache.set(cacheKey, bytesOut, this.clock());
      if (!this.closed) link.send(bytesOut);
    };
    if (msg.unknownRequired.length > 0) {
      finish({ error: ErrorCode.unknownAttribute, attrs: [{ type: Attr.UNKNOWN_ATTRIBUTES, value: encodeUnknownAttributes(msg.unknownRequired) }] });
      return;
    }
    if (msg.method === StunMethod.allocate) {
      this.pending.add(link.key);
      handleTurnRequest(this, ctx)
        .then(finish, this.failed(finish))
        .finally(() => this.pending.delete(link.key));
      return;
    }
    handleTurnRequest(this, ctx).then(finish, this.failed(finish));
  }

  private failed(finish: (reply: Reply) => void): () => void {
    return () => {
      this.counters.internalErrors++;
      finish({ error: ErrorCode.serverError });
    };
  }

  private handleBinding(link: ClientLink, msg: StunMessage): void {
    const reply: Reply =
      msg.unknownRequired.length > 0
        ? { error: ErrorCode.unknownAttribute, attrs: [{ type: Attr.UNKNOWN_ATTRIBUTES, value: encodeUnknownAttributes(msg.unknownRequired) }] }
        : { attrs: [{ type: Attr.XOR_MAPPED_ADDRESS, value: encodeAddress(link.remote, msg.transactionId) }] };
    link.send(this.encodeReply(msg, reply, null, false));
  }

  /** Long-term credential check (RFC 8489 §9.2.4); sends 400/401/438 itself and returns null on failure. */
  private authenticate(link: ClientLink, msg: StunMessage, now: number): { username: string; key: Uint8Array } | null {
    const challenge = (code: number): null => {
      this.counters.authFailures++;
      const attrs: StunAttribute[] = [
        { type: Attr.REALM, value: encodeString(this.options.realm) },
        { type: Attr.NONCE, value: encodeString(this.nonces.issue(link.remote.address, now)) },
      ];
      link.send(this.encodeReply(msg, { error: code, attrs }, null, false));
      return null;
    };
    if (msg.integrityOffset < 0 && msg.integritySha256Offset < 0) return challenge(ErrorCode.unauthorized);
    const username = getAttribute(msg, Attr.USERNAME);
    const realm = getAttribute(msg, Attr.REALM);
    const nonce = getAttribute(msg, Attr.NONCE);
    if (!username || !realm || !nonce) {
      this.counters.authFailures++;
      link.send(this.encodeReply(msg, { error: ErrorCode.badRequest }, null, false));
      return null;
    }
    if (this.nonces.check(decodeString(nonce), link.remote.address, now) !== 'ok') return challenge(ErrorCode.staleNonce);
    const name = decodeString(username);
    if (decodeString(realm) !== this.options.realm) return challenge(ErrorCode.unauthorized);
    const keys = restCredentialKeys(name, this.options.realm, this.options.secrets, now);
    if (!keys.ok) return challenge(ErrorCode.unauthorized);
    const key = keys.keys.find((k) => verifyIntegrity(msg, k));
    if (!key) return challenge(ErrorCode.unauthorized);
    return { username: name, key };
  }

  private encodeReply(req: StunMessage, reply: Reply, key: Uint8Array | null, sha256: boolean): Uint8Array {
    const attrs: StunAttribute[] = [];
    const isError = 'error' in reply;
    if (isError) attrs.push({ type: Attr.ERROR_CODE, value: encodeErrorCode(reply.error, ERROR_REASONS[reply.error] ?? 'Error') });
    if (reply.attrs) attrs.push(...reply.attrs);
    if (this.options.software) attrs.push({ type: Attr.SOFTWARE, value: encodeString(this.options.software) });
    return encodeStun(
      { cls: isError ? StunClass.error : StunClass.success, method: req.method, transactionId: req.transactionId, attributes: attrs },
      {
        ...(key && !sha256 ? { integrityKey: key } : {}),
        ...(key && sha256 ? { integritySha256Key: key } : {}),
        fingerprint: true,
      },
    );
  }

  private handleSend(link: ClientLink, msg: StunMessage): void {
    const now = this.clock();
    const a = this.liveAllocation(link.key, now);
    const peerAttr = getAttribute(msg, Attr.XOR_PEER_ADDRESS);
    const data = getAttribute(msg, Attr.DATA);
    const peer = peerAttr && decodeAddress(peerAttr, msg.transactionId);
    if (!a || !peer || !data || !a.hasPermission(peer.address, now)) {
      this.counters.relayDropped++;
      return;
    }
    this.sendToPeer(a, peer, data, now);
  }

  private sendToPeer(a: Allocation, peer: TransportAddress, data: Uint8Array, now: number): void {
    if (!a.bucket.take(data.length, now)) {
      this.counters.relayDropped++;
      return;
    }
    this.counters.packetsToPeers++;
    this.counters.bytesToPeers += data.length;
    a.relay.send(data, peer);
  }

  /** Data a peer sent to a relayed address: to the client as ChannelData if bound, else a Data indication. */
  onPeerData(a: Allocation, data: Uint8Array, from: TransportAddress): void {
    if (this.closed) return;
    try {
      this.relayFromPeer(a, data, from);
    } catch {
      this.counters.internalErrors++;
    }
  }

  private relayFromPeer(a: Allocation, data: Uint8Array, from: TransportAddress): void {
    const now = this.clock();
    const ip = canonicalIp(from.address);
    if (a.isExpired(now) || !a.hasPermission(ip, now) || !a.bucket.take(data.length, now)) {
      this.counters.relayDropped++;
      return;
    }
    this.counters.packetsFromPeers++;
    this.counters.bytesFromPeers += data.length;
    const peer: TransportAddress = { family: from.family, address: ip, port: from.port };
    const channel = a.channelFor(addressKey(peer), now);
    if (channel !== undefined) {
      a.link.send(encodeChannelData(channel, data, a.link.protocol === 'tcp'));
      return;
    }
    const txid = new Uint8Array(12);
    txid.set(this.txPrefix, 0);
    new DataView(txid.buffer).setUint32(8, this.txCounter++ >>> 0);
    a.link.send(
      encodeStun({
        cls: StunClass.indication,
        method: StunMethod.data,
        transactionId: txid,
        attributes: [
          { type: Attr.XOR_PEER_ADDRESS, value: encodeAddress(peer, txid) },
          { type: Attr.DATA, value: data },
        ],
      }),
    );
  }

  liveAllocation(linkKey: string, now: number): Allocation | undefined {
    const a = this.allocations.get(linkKey);
    if (a && a.isExpired(now)) {
      this.deleteAllocation(a);
      return undefined;
    }
    return a;
  }

  /** Lifetime rule shared by Allocate and Refresh (RFC 8656 §7.2): max(default, min(requested, max)). */
  lifetimeSeconds(requested: number | undefined): number {
    if (requested === undefined) return DEFAULT_LIFETIME_S;
    return Math.max(DEFAULT_LIFETIME_S, Math.min(requested, this.options.maxLifetimeSeconds));
  }

  allocationsOf(username: string): number {
    return this.perUser.get(username) ?? 0;
  }

  addAllocation(a: Allocation): void {
    this.allocations.set(a.link.key, a);
    this.perUser.set(a.username, this.allocationsOf(a.username) + 1);
    this.counters.allocationsTotal++;
  }

  isClosed(): boolean {
    return this.closed;
  }

  deleteAllocation(a: Allocation): void {
    if (this.allocations.get(a.link.key) !== a) return;
    this.allocations.delete(a.link.key);
    const n = this.allocationsOf(a.username) - 1;
    if (n > 0) this.perUser.set(a.username, n);
    else this.perUser.delete(a.username);
    a.relay.close();
  }

  get pendingCount(): number {
    return this.pending.size + this.reservations.size;
  }
}
