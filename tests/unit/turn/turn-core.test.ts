import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueTurnCredentials } from '../../../relay/turn/credentials';
import { Attr, ErrorCode, StunClass, StunMethod } from '../../../relay/turn/stun/constants';
import { decodeStun, getAttribute, verifyIntegrity } from '../../../relay/turn/stun/message';
import { decodeAddress, decodeUint32, decodeUnknownAttributes, encodeAddressFamily } from '../../../relay/turn/stun/attributes';
import { decodeChannelData, encodeChannelData } from '../../../relay/turn/stun/channel-data';
import { longTermKey } from '../../../relay/turn/stun/integrity';
import type { TurnCore } from '../../../relay/turn/turn-core';
import { attrs, buildRequest, buildSendIndication, challengeOf, errorCodeOf } from './turn-test-client';
import type { ClientAuth } from './turn-test-client';
import { exchange, FakeLink, makeCore, REALM, SECRET, START } from './turn-fakes';

const PEER = { family: 4 as const, address: '127.0.0.1', port: 9000 };
const PUBLIC_PEER = { family: 4 as const, address: '192.0.2.44', port: 9001 };

async function login(core: TurnCore, link: FakeLink, secret = SECRET, now = START): Promise<ClientAuth> {
  const creds = issueTurnCredentials(secret, 3600, now);
  const challenge = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()]));
  expect(errorCodeOf(challenge)).toBe(ErrorCode.unauthorized);
  return { username: creds.username, password: creds.credential, ...challengeOf(challenge) };
}

async function allocate(core: TurnCore, link: FakeLink, extra = [attrs.udp()]) {
  const auth = await login(core, link);
  const res = await exchange(core, link, buildRequest(StunMethod.allocate, extra, auth));
  return { auth, res };
}

async function send(core: TurnCore, link: FakeLink, method: number, auth: ClientAuth, build: (txid: Uint8Array) => ReturnType<typeof attrs.udp>[]) {
  const txid = randomBytes(12);
  return exchange(core, link, buildRequest(method, build(txid), auth, txid));
}

describe('TurnCore: Binding and authentication', () => {
  it('answers Binding with XOR-MAPPED-ADDRESS and no credentials', async () => {
    const { core } = makeCore();
    const link = new FakeLink(51000);
    const res = await exchange(core, link, buildRequest(StunMethod.binding, []));
    expect(res.cls).toBe(StunClass.success);
    expect(decodeAddress(getAttribute(res, Attr.XOR_MAPPED_ADDRESS)!, res.transactionId)).toEqual(link.remote);
  });

  it('401 with REALM and NONCE, then allocates with REST credentials', async () => {
    const { core, relays } = makeCore();
    const link = new FakeLink();
    const { auth, res } = await allocate(core, link);
    expect(auth.realm).toBe(REALM);
    expect(res.cls).toBe(StunClass.success);
    expect(verifyIntegrity(res, longTermKey(auth.username, REALM, auth.password))).toBe(true);
    expect(decodeAddress(getAttribute(res, Attr.XOR_RELAYED_ADDRESS)!, res.transactionId)).toEqual(relays[0]!.address);
    expect(decodeUint32(getAttribute(res, Attr.LIFETIME)!)).toBe(600);
    expect(core.stats().allocationsCurrent).toBe(1);
  });

  it('rejects expired credentials and wrong passwords with 401', async () => {
    const { core } = makeCore();
    const link = new FakeLink();
    const auth = await login(core, link);
    const expired = issueTurnCredentials(SECRET, 60, START - 3_600_000);
    let res = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()], { ...auth, username: expired.username, password: expired.credential }));
    expect(errorCodeOf(res)).toBe(ErrorCode.unauthorized);
    res = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()], { ...auth, password: 'nope' }));
    expect(errorCodeOf(res)).toBe(ErrorCode.unauthorized);
    expect(core.stats().allocationsCurrent).toBe(0);
  });

  it('accepts credentials signed with a previous secret during rotation', async () => {
    const { core } = makeCore({ secrets: ['new-secret', 'old-secret'] });
    const link = new FakeLink();
    const challenge = challengeOf(await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()])));
    const old = issueTurnCredentials('old-secret', 600, START);
    const res = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()], { username: old.username, password: old.credential, ...challenge }));
    expect(res.cls).toBe(StunClass.success);
  });

  it('438 with a fresh nonce for stale or forged nonces', async () => {
    const { core, clock } = makeCore();
    const link = new FakeLink();
    const auth = await login(core, link);
    let res = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()], { ...auth, nonce: 'AAAAAAAAAAAAAAAAAAAAAA' }));
    expect(errorCodeOf(res)).toBe(ErrorCode.staleNonce);
    clock.now += 700_000;
    res = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()], auth));
    expect(errorCodeOf(res)).toBe(ErrorCode.staleNonce);
    const fresh = challengeOf(res).nonce;
    expect(fresh).not.toBe(auth.nonce);
    res = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()], { ...auth, nonce: fresh }));
    expect(res.cls).toBe(StunClass.success);
  });

  it('400 for a signed request without USERNAME/REALM/NONCE', async () => {
    const { core } = makeCore();
    const link = new FakeLink();
    const { encodeStun } = await import('../../../relay/turn/stun/message');
    const bytes = encodeStun({ cls: StunClass.request, method: StunMethod.allocate, transactionId: randomBytes(12), attributes: [attrs.udp()] }, { integrityKey: new Uint8Array(16) });
    expect(errorCodeOf(await exchange(core, link, bytes))).toBe(ErrorCode.badRequest);
  });
});

describe('TurnCore: Allocate', () => {
  it('answers a retransmission with the cached response; a new transaction gets 437', async () => {
    const { core } = makeCore();
    const link = new FakeLink();
    const auth = await login(core, link);
    const txid = randomBytes(12);
    const first = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()], auth, txid));
    const again = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()], auth, txid));
    expect(Buffer.from(again.raw).equals(Buffer.from(first.raw))).toBe(true);
    expect(core.stats().allocationsTotal).toBe(1);
    const other = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()], auth));
    expect(errorCodeOf(other)).toBe(ErrorCode.allocationMismatch);
  });

  it('442 for TCP relaying, 400 without REQUESTED-TRANSPORT, 440 for IPv6', async () => {
    const { core } = makeCore();
    const link = new FakeLink();
    const auth = await login(core, link);
    expect(errorCodeOf(await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.transport(6)], auth)))).toBe(ErrorCode.unsupportedTransport);
    expect(errorCodeOf(await exchange(core, link, buildRequest(StunMethod.allocate, [], auth)))).toBe(ErrorCode.badRequest);
    const v6 = { type: Attr.REQUESTED_ADDRESS_FAMILY, value: encodeAddressFamily(6) };
    expect(errorCodeOf(await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp(), v6], auth)))).toBe(ErrorCode.addressFamilyNotSupported);
  });

  it('420 lists unknown comprehension-required attributes; optional ones are ignored', async () => {
    const { core } = makeCore();
    const link = new FakeLink();
    const auth = await login(core, link);
    const res = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp(), { type: 0x7f01, value: new Uint8Array(4) }], auth));
    expect(errorCodeOf(res)).toBe(ErrorCode.unknownAttribute);
    expect(decodeUnknownAttributes(getAttribute(res, Attr.UNKNOWN_ATTRIBUTES)!)).toEqual([0x7f01]);
    // ORIGIN (0x802F) is what Chrome sends and node-turn choked on.
    const ok = await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp(), { type: 0x802f, value: new TextEncoder().encode('https://x') }], auth));
    expect(ok.cls).toBe(StunClass.success);
  });

  it('EVEN-PORT with R reserves the next port for a RESERVATION-TOKEN Allocate (RTP/RTCP)', async () => {
    const { core, relays, clock } = makeCore();
    const rtp = new FakeLink(1);
    const evenR = { type: Attr.EVEN_PORT, value: new Uint8Array([0x80]) };
    const { auth, res } = await allocate(core, rtp, [attrs.udp(), evenR]);
    const token = getAttribute(res, Attr.RESERVATION_TOKEN)!;
    expect(token.length).toBe(8);
    const rtpPort = decodeAddress(getAttribute(res, Attr.XOR_RELAYED_ADDRESS)!, res.transactionId)!.port;
    expect(rtpPort % 2).toBe(0);
    const rtcp = new FakeLink(2);
    const withToken = [attrs.udp(), { type: Attr.RESERVATION_TOKEN, value: token }];
    const res2 = await exchange(core, rtcp, buildRequest(StunMethod.allocate, withToken, auth));
    expect(decodeAddress(getAttribute(res2, Attr.XOR_RELAYED_ADDRESS)!, res2.transactionId)!.port).toBe(rtpPort + 1);
    expect(errorCodeOf(await exchange(core, new FakeLink(3), buildRequest(StunMethod.allocate, withToken, auth)))).toBe(ErrorCode.insufficientCapacity);
    expect(errorCodeOf(await exchange(core, new FakeLink(4), buildRequest(StunMethod.allocate, [...withToken, evenR], auth)))).toBe(ErrorCode.badRequest);
    // An unclaimed reservation is released after 30 s.
    await allocate(core, new FakeLink(5), [attrs.udp(), evenR]);
    const reserved = relays.at(-1)!;
    clock.now += 31_000;
    core.sweep();
    expect(reserved.closed).toBe(true);
  });

  it('486 past the per-user and total quotas', async () => {
    const { core } = makeCore({ quotas: { maxAllocationsPerUser: 1, maxAllocations: 2 } });
    const a = new FakeLink(1);
    const { auth } = await allocate(core, a);
    const b = new FakeLink(2);
    expect(errorCodeOf(await exchange(core, b, buildRequest(StunMethod.allocate, [attrs.udp()], auth)))).toBe(ErrorCode.allocationQuotaReached);
    await allocate(core, new FakeLink(3));
    const d = new FakeLink(4);
    const res = await allocate(core, d);
    expect(errorCodeOf(res.res)).toBe(ErrorCode.allocationQuotaReached);
  });

  it('Refresh extends, lifetime 0 deletes, then 437; another user gets 441', async () => {
    const { core, relays, clock } = makeCore();
    const link = new FakeLink();
    const { auth } = await allocate(core, link);
    clock.now += 500_000;
    let res = await exchange(core, link, buildRequest(StunMethod.refresh, [attrs.lifetime(1200)], auth));
    expect(decodeUint32(getAttribute(res, Attr.LIFETIME)!)).toBe(1200);
    clock.now += 1_000_000;
    core.sweep();
    expect(core.stats().allocationsCurrent).toBe(1);
    // The nonce from START is stale by now: 438 hands out a fresh one.
    res = await exchange(core, link, buildRequest(StunMethod.refresh, [], auth));
    expect(errorCodeOf(res)).toBe(ErrorCode.staleNonce);
    const fresh = challengeOf(res).nonce;
    const other = issueTurnCredentials(SECRET, 3600, clock.now);
    res = await exchange(core, link, buildRequest(StunMethod.refresh, [], { ...auth, nonce: fresh, username: other.username, password: other.credential }));
    expect(errorCodeOf(res)).toBe(ErrorCode.wrongCredentials);
    res = await exchange(core, link, buildRequest(StunMethod.refresh, [attrs.lifetime(0)], { ...auth, nonce: fresh }));
    expect(res.cls).toBe(StunClass.success);
    expect(relays[0]!.closed).toBe(true);
    res = await exchange(core, link, buildRequest(StunMethod.refresh, [], { ...auth, nonce: fresh }));
    expect(errorCodeOf(res)).toBe(ErrorCode.allocationMismatch);
  });

  it('expires after its lifetime and frees the relayed socket', async () => {
    const { core, relays, clock } = makeCore();
    await allocate(core, new FakeLink());
    clock.now += 599_000;
    core.sweep();
    expect(relays[0]!.closed).toBe(false);
    clock.now += 2_000;
    core.sweep();
    expect(relays[0]!.closed).toBe(true);
    expect(core.stats()).toMatchObject({ allocationsCurrent: 0, allocationsTotal: 1 });
  });
});

describe('TurnCore: permissions, channels and relaying', () => {
  it('403 for 127.0.0.1 without an allow list, success with one', async () => {
    const denied = makeCore();
    let link = new FakeLink();
    let { auth } = await allocate(denied.core, link);
    let res = await send(denied.core, link, StunMethod.createPermission, auth, (t) => [attrs.peer(PEER, t)]);
    expect(errorCodeOf(res)).toBe(ErrorCode.forbidden);
    res = await send(denied.core, link, StunMethod.channelBind, auth, (t) => [attrs.channel(0x4000), attrs.peer({ ...PEER, address: '::ffff:127.0.0.1', family: 6 }, t)]);
    expect([ErrorCode.forbidden, ErrorCode.peerAddressFamilyMismatch]).toContain(errorCodeOf(res));
    const allowed = makeCore({ allowPeers: '127.0.0.1' });
    link = new FakeLink();
    ({ auth } = await allocate(allowed.core, link));
    res = await send(allowed.core, link, StunMethod.createPermission, auth, (t) => [attrs.peer(PEER, t)]);
    expect(res.cls).toBe(StunClass.success);
  });

  it('relays Send/Data only while the 300 s permission lives', async () => {
    const { core, relays, clock } = makeCore();
    const link = new FakeLink();
    const { auth } = await allocate(core, link);
    const relay = relays[0]!;
    relay.deliver(new Uint8Array([1]), PUBLIC_PEER);
    expect(link.sent.length).toBe(2);
    expect((await send(core, link, StunMethod.createPermission, auth, (t) => [attrs.peer(PUBLIC_PEER, t)])).cls).toBe(StunClass.success);
    const indication = () => buildSendIndication(PUBLIC_PEER, new Uint8Array([7, 7]));
    core.handlePacket(link, indication());
    expect(relay.sent).toEqual([{ data: new Uint8Array([7, 7]), peer: PUBLIC_PEER }]);
    relay.deliver(new Uint8Array([9, 8]), PUBLIC_PEER);
    const data = decodeStun(link.last());
    expect(data.ok && data.value.method === StunMethod.data && data.value.cls === StunClass.indication).toBe(true);
    if (data.ok) {
      expect(decodeAddress(getAttribute(data.value, Attr.XOR_PEER_ADDRESS)!, data.value.transactionId)).toEqual(PUBLIC_PEER);
      expect(getAttribute(data.value, Attr.DATA)).toEqual(new Uint8Array([9, 8]));
    }
    clock.now += 301_000;
    const sentBefore = link.sent.length;
    relay.deliver(new Uint8Array([1]), PUBLIC_PEER);
    core.handlePacket(link, indication());
    expect(link.sent.length).toBe(sentBefore);
    expect(relay.sent.length).toBe(1);
    expect(core.stats().relayDropped).toBeGreaterThanOrEqual(3);
  });

  it('binds channels (0x4000-0x7FFF, RFC 5766 range), relays ChannelData, expires after 600 s', async () => {
    const { core, relays, clock } = makeCore();
    const link = new FakeLink();
    const { auth } = await allocate(core, link, [attrs.udp(), attrs.lifetime(3600)]);
    const relay = relays[0]!;
    const bind = (n: number, peer = PUBLIC_PEER) => send(core, link, StunMethod.channelBind, auth, (t) => [attrs.channel(n), attrs.peer(peer, t)]);
    expect(errorCodeOf(await bind(0x3fff))).toBe(ErrorCode.badRequest);
    expect(errorCodeOf(await bind(0x8000))).toBe(ErrorCode.badRequest);
    expect((await bind(0x4000)).cls).toBe(StunClass.success);
    expect(errorCodeOf(await bind(0x4000, { ...PUBLIC_PEER, port: 1234 }))).toBe(ErrorCode.badRequest);
    expect(errorCodeOf(await bind(0x4001))).toBe(ErrorCode.badRequest);
    core.handlePacket(link, encodeChannelData(0x4000, new Uint8Array([5, 6, 7])));
    expect(relay.sent.at(-1)).toEqual({ data: new Uint8Array([5, 6, 7]), peer: PUBLIC_PEER });
    relay.deliver(new Uint8Array([4, 2]), PUBLIC_PEER);
    const cd = decodeChannelData(link.last());
    expect(cd.ok && cd.value.channel === 0x4000 && cd.value.data.join() === '4,2').toBe(true);
    // Re-binding refreshes both the channel and the permission.
    clock.now += 290_000;
    expect((await bind(0x4000)).cls).toBe(StunClass.success);
    clock.now += 200_000;
    core.handlePacket(link, encodeChannelData(0x4000, new Uint8Array([1])));
    expect(relay.sent.length).toBe(2);
    // t=700 s: a fresh permission, but the channel (bound at 290 s) dies at 890 s.
    clock.now += 210_000;
    const fresh = { ...auth, nonce: challengeOf(await send(core, link, StunMethod.createPermission, auth, (t) => [attrs.peer(PUBLIC_PEER, t)])).nonce };
    expect((await send(core, link, StunMethod.createPermission, fresh, (t) => [attrs.peer(PUBLIC_PEER, t)])).cls).toBe(StunClass.success);
    clock.now += 200_000;
    core.handlePacket(link, encodeChannelData(0x4000, new Uint8Array([1])));
    expect(relay.sent.length).toBe(2);
    // The expired channel number is free again.
    core.sweep();
    expect((await send(core, link, StunMethod.channelBind, fresh, (t) => [attrs.channel(0x4000), attrs.peer({ ...PUBLIC_PEER, port: 1234 }, t)])).cls).toBe(StunClass.success);
  });

  it('enforces the per-allocation byte rate', async () => {
    const { core, relays, clock } = makeCore({ quotas: { bytesPerSecond: 1000 } });
    const link = new FakeLink();
    const { auth } = await allocate(core, link);
    await send(core, link, StunMethod.channelBind, auth, (t) => [attrs.channel(0x4000), attrs.peer(PUBLIC_PEER, t)]);
    const pkt = encodeChannelData(0x4000, new Uint8Array(600));
    core.handlePacket(link, pkt);
    core.handlePacket(link, pkt);
    expect(relays[0]!.sent.length).toBe(1);
    clock.now += 1000;
    core.handlePacket(link, pkt);
    expect(relays[0]!.sent.length).toBe(2);
  });

  it('a TCP link gets padded ChannelData and loses its allocation with the connection', async () => {
    const { core, relays } = makeCore();
    const link = new FakeLink(50001, 'tcp');
    const { auth } = await allocate(core, link);
    await send(core, link, StunMethod.channelBind, auth, (t) => [attrs.channel(0x4444), attrs.peer(PUBLIC_PEER, t)]);
    relays[0]!.deliver(new Uint8Array([1, 2, 3, 4, 5]), PUBLIC_PEER);
    expect(link.last().length).toBe(12);
    core.linkClosed(link.key);
    expect(relays[0]!.closed).toBe(true);
  });
});
