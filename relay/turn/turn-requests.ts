/**
 * The authenticated TURN requests (RFC 8656 §7–§11): Allocate, Refresh, CreatePermission,
 * ChannelBind. Each returns a `Reply`; `TurnCore` adds integrity, caches and sends it.
 */
import { Allocation } from './allocation';
import type { RelaySocket } from './allocation';
import { isChannelNumber } from './stun/channel-data';
import { Attr, ErrorCode, StunMethod, TRANSPORT_UDP } from './stun/constants';
import { getAttribute } from './stun/message';
import type { StunAttribute } from './stun/message';
import {
  decodeAddress,
  decodeAddressFamily,
  decodeChannelNumber,
  decodeEvenPort,
  decodeRequestedTransport,
  decodeUint32,
  encodeAddress,
  encodeUint32,
} from './stun/attributes';
import type { TransportAddress } from './ip-address';
import type { Reply, RequestContext, TurnCore } from './turn-core';

export async function handleTurnRequest(core: TurnCore, ctx: RequestContext): Promise<Reply> {
  switch (ctx.msg.method) {
    case StunMethod.allocate:
      return allocate(core, ctx);
    case StunMethod.refresh:
      return refresh(core, ctx);
    case StunMethod.createPermission:
      return createPermission(core, ctx);
    case StunMethod.channelBind:
      return channelBind(core, ctx);
    default:
      return { error: ErrorCode.badRequest };
  }
}

function requestedLifetime(ctx: RequestContext): number | undefined {
  const v = getAttribute(ctx.msg, Attr.LIFETIME);
  return v ? (decodeUint32(v) ?? undefined) : undefined;
}

async function allocate(core: TurnCore, ctx: RequestContext): Promise<Reply> {
  const { msg, link, now } = ctx;
  if (core.liveAllocation(link.key, now)) return { error: ErrorCode.allocationMismatch };
  const transport = getAttribute(msg, Attr.REQUESTED_TRANSPORT);
  if (!transport) return { error: ErrorCode.badRequest };
  if (decodeRequestedTransport(transport) !== TRANSPORT_UDP) return { error: ErrorCode.unsupportedTransport };
  const token = getAttribute(msg, Attr.RESERVATION_TOKEN);
  const evenPortAttr = getAttribute(msg, Attr.EVEN_PORT);
  const evenPort = evenPortAttr ? decodeEvenPort(evenPortAttr) : null;
  if ((evenPortAttr && !evenPort) || (token && (evenPortAttr || token.length !== 8))) return { error: ErrorCode.badRequest };
  const familyAttr = getAttribute(msg, Attr.REQUESTED_ADDRESS_FAMILY);
  // Without REQUESTED-ADDRESS-FAMILY the client asks for IPv4 (RFC 8656 §7.2).
  const family = familyAttr ? decodeAddressFamily(familyAttr) : 4;
  if (family === null || (familyAttr && token)) return { error: ErrorCode.badRequest };
  if (family !== core.options.relayFamily) return { error: ErrorCode.addressFamilyNotSupported };
  const { quotas } = core.options;
  if (core.allocationsOf(ctx.username) >= quotas.maxAllocationsPerUser) return { error: ErrorCode.allocationQuotaReached };
  // A claimed reservation is already counted in pendingCount, so it never trips the total quota.
  if (!token && core.allocations.size + core.pendingCount > quotas.maxAllocations) return { error: ErrorCode.allocationQuotaReached };
  const lifetime = core.lifetimeSeconds(requestedLifetime(ctx));
  let relay: RelaySocket;
  let reservationToken: Uint8Array | null = null;
  if (token) {
    const claimed = core.reservations.claim(token, now);
    if (!claimed) return { error: ErrorCode.insufficientCapacity };
    relay = claimed;
  } else {
    try {
      const reserveNext = evenPort?.reserveNext ?? false;
      const opened = await core.openRelay({ family: core.options.relayFamily, evenPort: evenPort !== null, reserveNext });
      relay = opened.relay;
      if (opened.reserved) reservationToken = core.reservations.reserve(opened.reserved, core.clock());
    } catch {
      return { error: ErrorCode.insufficientCapacity };
    }
  }
  if (core.isClosed()) {
    relay.close();
    return { error: ErrorCode.serverError };
  }
  const at = core.clock();
  const allocation = new Allocation(link, relay, ctx.username, ctx.key, lifetime * 1000, quotas.bytesPerSecond, at);
  relay.onPacket = (data, from) => core.onPeerData(allocation, data, from);
  core.addAllocation(allocation);
  const attrs: StunAttribute[] = [
    { type: Attr.XOR_RELAYED_ADDRESS, value: encodeAddress(relay.address, msg.transactionId) },
    { type: Attr.LIFETIME, value: encodeUint32(lifetime) },
    { type: Attr.XOR_MAPPED_ADDRESS, value: encodeAddress(link.remote, msg.transactionId) },
  ];
  if (reservationToken) attrs.push({ type: Attr.RESERVATION_TOKEN, value: reservationToken });
  return { attrs };
}

/** The caller's allocation, or the error that applies (437 none, 441 another user's). */
function ownAllocation(core: TurnCore, ctx: RequestContext): Allocation | { error: number } {
  const a = core.liveAllocation(ctx.link.key, ctx.now);
  if (!a) return { error: ErrorCode.allocationMismatch };
  if (a.username !== ctx.username) return { error: ErrorCode.wrongCredentials };
  return a;
}

async function refresh(core: TurnCore, ctx: RequestContext): Promise<Reply> {
  const a = ownAllocation(core, ctx);
  if (!(a instanceof Allocation)) return a;
  const familyAttr = getAttribute(ctx.msg, Attr.REQUESTED_ADDRESS_FAMILY);
  if (familyAttr && decodeAddressFamily(familyAttr) !== a.relay.address.family) return { error: ErrorCode.peerAddressFamilyMismatch };
  const requested = requestedLifetime(ctx);
  if (requested === 0) {
    core.deleteAllocation(a);
    return { attrs: [{ type: Attr.LIFETIME, value: encodeUint32(0) }] };
  }
  const lifetime = core.lifetimeSeconds(requested);
  a.expiresAt = ctx.now + lifetime * 1000;
  return { attrs: [{ type: Attr.LIFETIME, value: encodeUint32(lifetime) }] };
}

/** Every XOR-PEER-ADDRESS of the request, or the error for the first bad one. */
function peersOf(core: TurnCore, ctx: RequestContext, a: Allocation): TransportAddress[] | { error: number } {
  const peers: TransportAddress[] = [];
  for (const attr of ctx.msg.attributes) {
    if (attr.type !== Attr.XOR_PEER_ADDRESS) continue;
    const peer = decodeAddress(attr.value, ctx.msg.transactionId);
    if (!peer) return { error: ErrorCode.badRequest };
    if (peer.family !== a.relay.address.family) return { error: ErrorCode.peerAddressFamilyMismatch };
    if (!core.options.peerFilter.isAllowed(peer.address)) return { error: ErrorCode.forbidden };
    peers.push(peer);
  }
  return peers.length > 0 ? peers : { error: ErrorCode.badRequest };
}

async function createPermission(core: TurnCore, ctx: RequestContext): Promise<Reply> {
  const a = ownAllocation(core, ctx);
  if (!(a instanceof Allocation)) return a;
  const peers = peersOf(core, ctx, a);
  if (!Array.isArray(peers)) return peers;
  const fresh = new Set(peers.filter((p) => !a.hasPermission(p.address, ctx.now)).map((p) => p.address));
  if (a.permissionCount + fresh.size > core.options.quotas.maxPermissionsPerAllocation) {
    a.sweep(ctx.now);
    if (a.permissionCount + fresh.size > core.options.quotas.maxPermissionsPerAllocation) return { error: ErrorCode.insufficientCapacity };
  }
  // All or nothing (RFC 8656 §9.2): permissions are installed only once every peer passed.
  for (const p of peers) a.installPermission(p.address, ctx.now);
  return { attrs: [] };
}

async function channelBind(core: TurnCore, ctx: RequestContext): Promise<Reply> {
  const a = ownAllocation(core, ctx);
  if (!(a instanceof Allocation)) return a;
  const numberAttr = getAttribute(ctx.msg, Attr.CHANNEL_NUMBER);
  const channel = numberAttr ? decodeChannelNumber(numberAttr) : null;
  if (channel === null || !isChannelNumber(channel)) return { error: ErrorCode.badRequest };
  const peers = peersOf(core, ctx, a);
  if (!Array.isArray(peers)) return peers;
  const peer = peers[0]!;
  if (peers.length !== 1 || a.channelConflict(channel, peer, ctx.now)) return { error: ErrorCode.badRequest };
  if (!a.hasPermission(peer.address, ctx.now) && a.permissionCount >= core.options.quotas.maxPermissionsPerAllocation) {
    return { error: ErrorCode.insufficientCapacity };
  }
  a.bindChannel(channel, peer, ctx.now);
  return { attrs: [] };
}
