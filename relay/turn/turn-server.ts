/**
 * The thin I/O layer of the built-in TURN server: one UDP socket and one TCP listener on the
 * same port, one UDP socket per allocation for the relayed address. Everything protocol-shaped
 * lives in `TurnCore`; this file only moves bytes and owns sockets and the one sweep timer.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';
import type { ClientLink, RelaySocket } from './allocation';
import { toTransportAddress } from './ip-address';
import type { IpFamily, TransportAddress } from './ip-address';
import { createPeerFilter, parseAllowList } from './peer-filter';
import { TcpFramer } from './stun/tcp-framer';
import { TurnCore } from './turn-core';
import type { RelayOpener, TurnStats } from './turn-core';
import { DEFAULT_QUOTAS } from './turn-quotas';
import type { TurnQuotas } from './turn-quotas';
import { TurnError } from './turn-error';

export interface TurnServerOptions {
  /** Listening address for UDP and TCP; default 0.0.0.0. */
  host?: string;
  /** Default 3478; 0 picks a free port (the same number for UDP and TCP). */
  port?: number;
  /** Where relayed sockets bind; default `host`. */
  relayHost?: string;
  /** Address put in XOR-RELAYED-ADDRESS when relay sockets bind a wildcard; default: first public interface. */
  externalIp?: string;
  realm?: string;
  /** REST secrets; the first issues credentials, all are accepted. */
  secrets: readonly string[];
  /** Peers allowed despite the deny list: IPs or CIDRs (`TURN_ALLOW_PEERS`). */
  allowPeers?: string | readonly string[];
  quotas?: Partial<TurnQuotas>;
  software?: string;
  /** Listen on TCP as well (RFC 8656 §3.1); default true. */
  tcp?: boolean;
  maxLifetimeSeconds?: number;
  /** Injected clock in ms, for tests. */
  clock?: () => number;
  sweepIntervalMs?: number;
}

export interface TurnServer {
  readonly udpPort: number;
  /** Null when TCP is disabled. */
  readonly tcpPort: number | null;
  readonly realm: string;
  stats(): TurnServerStats;
  /** Frees every socket and timer. */
  close(): Promise<void>;
}

export interface TurnServerStats extends TurnStats {
  tcpConnections: number;
  relaySockets: number;
}

const TCP_IDLE_MS = 30_000;
const MAX_TCP_CONNECTIONS = 4096;
const TCP_MAX_QUEUED = 1024 * 1024;
/** UDP client links kept for reuse; bounded so a flood of spoofed sources costs fixed memory. */
const UDP_LINK_CACHE = 4096;
/** Kernel socket buffers: bursts of media must not overflow the ~200 KB default (capped by rmem_max). */
const MAIN_SOCKET_BUFFER = 4 * 1024 * 1024;
const RELAY_SOCKET_BUFFER = 1024 * 1024;

class UdpLink implements ClientLink {
  readonly protocol = 'udp';
  readonly remote: TransportAddress;
  constructor(
    private readonly socket: dgram.Socket,
    readonly key: string,
    address: string,
    port: number,
  ) {
    this.remote = toTransportAddress(address, port);
  }
  send(bytes: Uint8Array): void {
    this.socket.send(bytes, this.remote.port, this.remote.address);
  }
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

function firstPublicAddress(family: IpFamily): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const i of list ?? []) {
      if (!i.internal && i.family === (family === 4 ? 'IPv4' : 'IPv6') && !i.address.startsWith('fe80')) return i.address;
    }
  }
  return undefined;
}

function bindUdp(host: string, port: number, bufferBytes: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: bufferBytes, sendBufferSize: bufferBytes });
    const onError = (err: Error): void => {
      socket.close();
      reject(err);
    };
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

function listenTcp(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export async function createTurnServer(options: TurnServerOptions): Promise<TurnServer> {
  const host = options.host ?? '0.0.0.0';
  const relayHost = options.relayHost ?? host;
  const relayFamily: IpFamily = relayHost.includes(':') ? 6 : 4;
  const realm = options.realm ?? 'lunar-chat';
  const allow = parseAllowList(options.allowPeers ?? []);
  if (!allow) throw new TurnError('options-invalid', 'allowPeers must list IP addresses or CIDRs');
  if (options.secrets.length === 0) throw new TurnError('options-invalid', 'at least one TURN secret is required');
  const advertised = isWildcard(relayHost) ? (options.externalIp ?? firstPublicAddress(relayFamily)) : relayHost;
  if (!advertised) throw new TurnError('options-invalid', 'relay binds a wildcard address and no externalIp could be found');

  const relaySockets = new Set<dgram.Socket>();
  const wrap = (socket: dgram.Socket, family: IpFamily): RelaySocket => {
    relaySockets.add(socket);
    socket.on('error', () => {});
    const relay: RelaySocket = {
      address: { family, address: advertised, port: socket.address().port },
      onPacket: null,
      send: (data, peer) => socket.send(data, peer.port, peer.address),
      close: () => {
        if (relaySockets.delete(socket)) socket.close();
      },
    };
    socket.on('message', (msg, rinfo) => relay.onPacket?.(msg, toTransportAddress(rinfo.address, rinfo.port)));
    return relay;
  };
  const openRelay: RelayOpener = async ({ family, evenPort, reserveNext }) => {
    // EVEN-PORT (RTP convention): ask the kernel again until it hands out an even port, and
    // with R also the odd port after it (RTCP), held for the RESERVATION-TOKEN.
    for (let attempt = 0; attempt < 32; attempt++) {
      const socket = await bindUdp(relayHost, 0, RELAY_SOCKET_BUFFER);
      const port = socket.address().port;
      if (evenPort && port % 2 !== 0) {
        socket.close();
        continue;
      }
      if (!reserveNext) return { relay: wrap(socket, family) };
      const next = await bindUdp(relayHost, port + 1, RELAY_SOCKET_BUFFER).catch(() => null);
      if (!next) {
        socket.close();
        continue;
      }
      return { relay: wrap(socket, family), reserved: wrap(next, family) };
    }
    throw new TurnError('relay-bind-failed', 'no suitable relay port found');
  };

  const core = new TurnCore(
    {
      realm,
      secrets: options.secrets,
      peerFilter: createPeerFilter(allow),
      quotas: { ...DEFAULT_QUOTAS, ...options.quotas },
      relayFamily,
      software: options.software ?? 'lunar-chat',
      ...(options.maxLifetimeSeconds !== undefined ? { maxLifetimeSeconds: options.maxLifetimeSeconds } : {}),
    },
    openRelay,
    options.clock ?? Date.now,
  );

  // UDP and TCP share one port number; with port 0 retry until both are free on the same one.
  const wantTcp = options.tcp ?? true;
  const tcpServer = wantTcp ? net.createServer() : null;
  let udp: dgram.Socket | undefined;
  for (let attempt = 0; ; attempt++) {
    udp = await bindUdp(host, options.port ?? 3478, MAIN_SOCKET_BUFFER);
    if (!tcpServer) break;
    try {
      await listenTcp(tcpServer, host, udp.address().port);
      break;
    } catch (err) {
      udp.close();
      if (options.port !== 0 || attempt >= 8) throw new TurnError('options-invalid', 'TURN TCP port is in use', { cause: err });
    }
  }
  const udpSocket = udp;
  udpSocket.on('error', () => {});
  const udpLinks = new Map<string, UdpLink>();
  udpSocket.on('message', (msg, rinfo) => {
    const key = `u|${rinfo.address}|${rinfo.port}`;
    let link = udpLinks.get(key);
    if (!link) {
      link = new UdpLink(udpSocket, key, rinfo.address, rinfo.port);
      if (udpLinks.size >= UDP_LINK_CACHE) udpLinks.delete(udpLinks.keys().next().value!);
      udpLinks.set(key, link);
    }
    core.handlePacket(link, msg);
  });

  const connections = new Set<net.Socket>();
  if (tcpServer) tcpServer.maxConnections = MAX_TCP_CONNECTIONS;
  tcpServer?.on('error', () => {});
  tcpServer?.on('connection', (socket) => {
    connections.add(socket);
    const framer = new TcpFramer();
    const remoteAddress = socket.remoteAddress ?? '0.0.0.0';
    const remotePort = socket.remotePort ?? 0;
    const link: ClientLink = {
      key: `t|${remoteAddress}|${remotePort}`,
      protocol: 'tcp',
      remote: toTransportAddress(remoteAddress, remotePort),
      send: (bytes) => {
        // A client that stops reading must not grow our memory: past the cap, media is dropped
        // as it would be on UDP (responses are tiny and retransmitted by the client anyway).
        if (socket.writable && socket.writableLength < TCP_MAX_QUEUED) socket.write(bytes);
      },
    };
    socket.setNoDelay(true);
    socket.setTimeout(TCP_IDLE_MS, () => {
      // RFC 8656 §3.1: a connection that has not set up an allocation is not kept open.
      if (!core.allocations.has(link.key)) socket.destroy();
    });
    socket.on('data', (chunk) => {
      const { frames, error } = framer.push(chunk);
      for (const f of frames) core.handlePacket(link, f);
      if (error) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      connections.delete(socket);
      core.linkClosed(link.key);
    });
  });

  const sweep = setInterval(() => core.sweep(), options.sweepIntervalMs ?? 5_000);
  sweep.unref();

  const udpPort = udpSocket.address().port;
  const tcpAddress = tcpServer?.address();
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    clearInterval(sweep);
    core.close();
    for (const s of relaySockets) s.close();
    relaySockets.clear();
    for (const c of connections) c.destroy();
    await Promise.all([
      new Promise<void>((r) => udpSocket.close(() => r())),
      tcpServer ? new Promise<void>((r) => tcpServer.close(() => r())) : Promise.resolve(),
    ]);
  };
  return {
    udpPort,
    tcpPort: tcpAddress && typeof tcpAddress === 'object' ? tcpAddress.port : null,
    realm,
    stats: () => ({ ...core.stats(), tcpConnections: connections.size, relaySockets: relaySockets.size }),
    close: () => (closing ??= close()),
  };
}
