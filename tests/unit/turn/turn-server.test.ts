import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { issueTurnCredentials } from '../../../relay/turn/credentials';
import { decodeChannelData, encodeChannelData } from '../../../relay/turn/stun/channel-data';
import { Attr, ErrorCode, StunClass, StunMethod } from '../../../relay/turn/stun/constants';
import { decodeStun, getAttribute } from '../../../relay/turn/stun/message';
import type { StunMessage } from '../../../relay/turn/stun/message';
import { decodeAddress } from '../../../relay/turn/stun/attributes';
import { TcpFramer } from '../../../relay/turn/stun/tcp-framer';
import { createTurnServer } from '../../../relay/turn/turn-server';
import type { TurnServer } from '../../../relay/turn/turn-server';
import type { TransportAddress } from '../../../relay/turn/ip-address';
import { attrs, buildRequest, buildSendIndication, challengeOf, errorCodeOf } from './turn-test-client';
import type { ClientAuth } from './turn-test-client';

const SECRET = 'udp-test-secret';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A client transport: frames out, frames in (datagrams for UDP, framed stream for TCP). */
interface Wire {
  send(bytes: Uint8Array): void;
  next(match: (b: Uint8Array) => boolean, timeoutMs?: number): Promise<Uint8Array>;
}

function queueWire(send: (b: Uint8Array) => void): { wire: Wire; push: (b: Uint8Array) => void } {
  const inbox: Uint8Array[] = [];
  const waiters: { match: (b: Uint8Array) => boolean; resolve: (b: Uint8Array) => void }[] = [];
  const push = (b: Uint8Array) => {
    const w = waiters.findIndex((x) => x.match(b));
    if (w >= 0) waiters.splice(w, 1)[0]!.resolve(b);
    else inbox.push(b);
  };
  const wire: Wire = {
    send,
    next(match, timeoutMs = 3000) {
      const i = inbox.findIndex(match);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]!);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for a packet')), timeoutMs);
        waiters.push({ match, resolve: (b) => (clearTimeout(timer), resolve(b)) });
      });
    },
  };
  return { wire, push };
}

async function udpWire(port: number): Promise<Wire> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => sock.close(() => r())));
  const { wire, push } = queueWire((b) => sock.send(b, port, '127.0.0.1'));
  sock.on('message', (m) => push(new Uint8Array(m)));
  return wire;
}

async function tcpWire(port: number): Promise<Wire> {
  const sock = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((r) => sock.once('connect', () => r()));
  cleanups.push(() => void sock.destroy());
  const framer = new TcpFramer();
  const { wire, push } = queueWire((b) => sock.write(b));
  sock.on('data', (chunk) => framer.push(chunk).frames.forEach(push));
  return wire;
}

async function transact(wire: Wire, bytes: Uint8Array): Promise<StunMessage> {
  const txid = Buffer.from(bytes.subarray(8, 20));
  wire.send(bytes);
  const res = await wire.next((b) => b.length >= 20 && txid.equals(b.subarray(8, 20)));
  const d = decodeStun(res);
  if (!d.ok) throw d.error;
  return d.value;
}

async function echoPeer(): Promise<TransportAddress> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (m, r) => sock.send(m, r.port, r.address));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => sock.close(() => r())));
  return { family: 4, address: '127.0.0.1', port: sock.address().port };
}

async function startServer(allowPeers = '127.0.0.1'): Promise<TurnServer> {
  const server = await createTurnServer({ host: '127.0.0.1', port: 0, secrets: [SECRET], allowPeers, realm: 'it' });
  cleanups.push(() => server.close());
  return server;
}

async function allocate(wire: Wire): Promise<{ auth: ClientAuth; relayed: TransportAddress }> {
  const challenge = await transact(wire, buildRequest(StunMethod.allocate, [attrs.udp()]));
  expect(errorCodeOf(challenge)).toBe(ErrorCode.unauthorized);
  const c = issueTurnCredentials(SECRET, 600, Date.now());
  const auth = { username: c.username, password: c.credential, ...challengeOf(challenge) };
  const res = await transact(wire, buildRequest(StunMethod.allocate, [attrs.udp()], auth));
  expect(res.cls).toBe(StunClass.success);
  return { auth, relayed: decodeAddress(getAttribute(res, Attr.XOR_RELAYED_ADDRESS)!, res.transactionId)! };
}

async function relayBothWays(wire: Wire, auth: ClientAuth, peer: TransportAddress): Promise<void> {
  const txid = randomBytes(12);
  const perm = await transact(wire, buildRequest(StunMethod.createPermission, [attrs.peer(peer, txid)], auth, txid));
  expect(perm.cls).toBe(StunClass.success);
  wire.send(buildSendIndication(peer, new TextEncoder().encode('hello')));
  const dataInd = decodeStun(await wire.next((b) => b[0] === 0x00 && b[1] === 0x17));
  expect(dataInd.ok).toBe(true);
  if (dataInd.ok) {
    expect(new TextDecoder().decode(getAttribute(dataInd.value, Attr.DATA))).toBe('hello');
    expect(decodeAddress(getAttribute(dataInd.value, Attr.XOR_PEER_ADDRESS)!, dataInd.value.transactionId)).toEqual(peer);
  }
  const t2 = randomBytes(12);
  const bind = await transact(wire, buildRequest(StunMethod.channelBind, [attrs.channel(0x4000), attrs.peer(peer, t2)], auth, t2));
  expect(bind.cls).toBe(StunClass.success);
  wire.send(encodeChannelData(0x4000, new TextEncoder().encode('world'), true));
  const cd = decodeChannelData(await wire.next((b) => b[0] === 0x40));
  expect(cd.ok && cd.value.channel === 0x4000 && new TextDecoder().decode(cd.value.data) === 'world').toBe(true);
}

describe('createTurnServer on 127.0.0.1', () => {
  it('relays to a UDP echo peer through Send/Data and ChannelData over UDP', async () => {
    const server = await startServer();
    const peer = await echoPeer();
    const wire = await udpWire(server.udpPort);
    const { auth, relayed } = await allocate(wire);
    expect(relayed.address).toBe('127.0.0.1');
    await relayBothWays(wire, auth, peer);
    const s = server.stats();
    expect(s).toMatchObject({ allocationsCurrent: 1, packetsToPeers: 2, packetsFromPeers: 2, relaySockets: 1 });
    await server.close();
    expect(server.stats().relaySockets).toBe(0);
  });

  it('relays over TCP with RFC 8656 framing', async () => {
    const server = await startServer();
    expect(server.tcpPort).toBe(server.udpPort);
    const peer = await echoPeer();
    const wire = await tcpWire(server.tcpPort!);
    const { auth } = await allocate(wire);
    await relayBothWays(wire, auth, peer);
  });

  it('403 for peer 127.0.0.1 without TURN_ALLOW_PEERS', async () => {
    const server = await startServer('');
    const wire = await udpWire(server.udpPort);
    const { auth } = await allocate(wire);
    const txid = randomBytes(12);
    const res = await transact(wire, buildRequest(StunMethod.createPermission, [attrs.peer({ family: 4, address: '127.0.0.1', port: 9 }, txid)], auth, txid));
    expect(errorCodeOf(res)).toBe(ErrorCode.forbidden);
  });

  it('drops and counts malformed datagrams and keeps answering', async () => {
    const server = await startServer();
    const wire = await udpWire(server.udpPort);
    for (let i = 0; i < 200; i++) wire.send(randomBytes(1 + (i % 90)).map((b, j) => (j === 0 ? b | 0x80 : b)));
    wire.send(new Uint8Array(0));
    const res = await transact(wire, buildRequest(StunMethod.binding, []));
    expect(res.cls).toBe(StunClass.success);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.stats().malformedDropped).toBeGreaterThanOrEqual(200);
    expect(server.stats().internalErrors).toBe(0);
  });
});
