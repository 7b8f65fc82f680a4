/**
 * One TURN allocation (RFC 8656 §2.2): its relayed socket, lifetime, permissions (per peer IP)
 * and channel bindings (per peer transport address). Pure state over an injected clock: the
 * server never arms a timer per allocation, it checks expiry on use and in one periodic sweep.
 */
import { addressKey } from './ip-address';
import type { TransportAddress } from './ip-address';

export const PERMISSION_LIFETIME_MS = 300_000;
export const CHANNEL_LIFETIME_MS = 600_000;

/** The client end of an allocation: its transport and how to reach it. */
export interface ClientLink {
  /** Identifies the 5-tuple: protocol, client address and port, server socket. */
  readonly key: string;
  readonly protocol: 'udp' | 'tcp';
  readonly remote: TransportAddress;
  send(bytes: Uint8Array): void;
}

/** A relayed transport address: a UDP socket the server opened for one allocation. */
export interface RelaySocket {
  readonly address: TransportAddress;
  /** Where datagrams from peers go; null (dropped) until the allocation exists. */
  onPacket: ((data: Uint8Array, from: TransportAddress) => void) | null;
  send(data: Uint8Array, peer: TransportAddress): void;
  close(): void;
}

interface ChannelBinding {
  channel: number;
  peer: TransportAddress;
  peerKey: string;
  expiresAt: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly ratePerSecond: number,
    now: number,
  ) {
    this.tokens = ratePerSecond;
    this.last = now;
  }

  /** False when `n` bytes would exceed the rate (burst of one second); 0 = unlimited. */
  take(n: number, now: number): boolean {
    if (this.ratePerSecond <= 0) return true;
    if (now > this.last) {
      this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
      this.last = now;
    }
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

export class Allocation {
  expiresAt: number;
  private readonly permissions = new Map<string, number>();
  private readonly channelsByNumber = new Map<number, ChannelBinding>();
  private readonly channelsByPeer = new Map<string, ChannelBinding>();
  readonly bucket: TokenBucket;

  constructor(
    readonly link: ClientLink,
    readonly relay: RelaySocket,
    readonly username: string,
    /** Long-term key that authenticated the Allocate; later requests must use the same. */
    readonly key: Uint8Array,
    lifetimeMs: number,
    bytesPerSecond: number,
    now: number,
  ) {
    this.expiresAt = now + lifetimeMs;
    this.bucket = new TokenBucket(bytesPerSecond, now);
  }

  isExpired(now: number): boolean {
    return this.expiresAt <= now;
  }

  installPermission(peerIp: string, now: number): void {
    this.permissions.set(peerIp, now + PERMISSION_LIFETIME_MS);
  }

  hasPermission(peerIp: string, now: number): boolean {
    const exp = this.permissions.get(peerIp);
    return exp !== undefined && exp > now;
  }

  /** Whether binding `channel` to `peer` would conflict with an existing binding (→ 400). */
  channelConflict(channel: number, peer: TransportAddress, now: number): boolean {
    const peerKey = addressKey(peer);
    const byNumber = this.channelsByNumber.get(channel);
    if (byNumber && byNumber.expiresAt > now && byNumber.peerKey !== peerKey) return true;
    const byPeer = this.channelsByPeer.get(peerKey);
    return byPeer !== undefined && byPeer.expiresAt > now && byPeer.channel !== channel;
  }

  /** Binds or refreshes a channel; a channel binding also refreshes the peer's permission. */
  bindChannel(channel: number, peer: TransportAddress, now: number): void {
    const peerKey = addressKey(peer);
    const old = this.channelsByNumber.get(channel);
    if (old) this.channelsByPeer.delete(old.peerKey);
    const binding: ChannelBinding = { channel, peer, peerKey, expiresAt: now + CHANNEL_LIFETIME_MS };
    this.channelsByNumber.set(channel, binding);
    this.channelsByPeer.set(peerKey, binding);
    this.installPermission(peer.address, now);
  }

  /** Peer bound to `channel`, if the binding is live. */
  channelPeer(channel: number, now: number): TransportAddress | undefined {
    const b = this.channelsByNumber.get(channel);
    return b && b.expiresAt > now ? b.peer : undefined;
  }

  /** Channel bound to this peer's transport address, if live. */
  channelFor(peerKey: string, now: number): number | undefined {
    const b = this.channelsByPeer.get(peerKey);
    return b && b.expiresAt > now ? b.channel : undefined;
  }

  /** Drops expired permissions and channels so a long-lived allocation cannot grow without bound. */
  sweep(now: number): void {
    for (const [ip, exp] of this.permissions) if (exp <= now) this.permissions.delete(ip);
    for (const [n, b] of this.channelsByNumber) {
      if (b.expiresAt <= now) {
        this.channelsByNumber.delete(n);
        this.channelsByPeer.delete(b.peerKey);
      }
    }
  }

  get permissionCount(): number {
    return this.permissions.size;
  }

  get channelCount(): number {
    return this.channelsByNumber.size;
  }
}
