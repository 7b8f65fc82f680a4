/** In-memory stand-ins for the sockets around `TurnCore`: a client link, relayed sockets, a clock. */
import type { ClientLink, RelaySocket } from '../../../relay/turn/allocation';
import type { TransportAddress } from '../../../relay/turn/ip-address';
import { createPeerFilter, parseAllowList } from '../../../relay/turn/peer-filter';
import { TurnCore } from '../../../relay/turn/turn-core';
import type { RelayOpener } from '../../../relay/turn/turn-core';
import { DEFAULT_QUOTAS } from '../../../relay/turn/turn-quotas';
import type { TurnQuotas } from '../../../relay/turn/turn-quotas';
import type { StunMessage } from '../../../relay/turn/stun/message';
import { decodeOrThrow } from './turn-test-client';

export class FakeLink implements ClientLink {
  readonly sent: Uint8Array[] = [];
  readonly key: string;
  readonly remote: TransportAddress;
  constructor(
    port = 50000,
    readonly protocol: 'udp' | 'tcp' = 'udp',
  ) {
    this.remote = { family: 4, address: '198.51.100.7', port };
    this.key = `${protocol}|${this.remote.address}|${port}`;
  }
  send(bytes: Uint8Array): void {
    this.sent.push(bytes);
  }
  last(): Uint8Array {
    const b = this.sent.at(-1);
    if (!b) throw new Error('nothing sent');
    return b;
  }
}

export class FakeRelay implements RelaySocket {
  readonly sent: { data: Uint8Array; peer: TransportAddress }[] = [];
  closed = false;
  onPacket: RelaySocket['onPacket'] = null;
  constructor(readonly address: TransportAddress) {}
  /** A datagram from `from` arriving at this relayed address. */
  deliver(data: Uint8Array, from: TransportAddress): void {
    this.onPacket?.(data, from);
  }
  send(data: Uint8Array, peer: TransportAddress): void {
    this.sent.push({ data, peer });
  }
  close(): void {
    this.closed = true;
  }
}

export const SECRET = 'test-secret';
export const REALM = 'test.realm';
export const START = 1_700_000_000_000;

export function makeCore(opts: { allowPeers?: string; quotas?: Partial<TurnQuotas>; secrets?: string[] } = {}) {
  const clock = { now: START };
  const relays: FakeRelay[] = [];
  let nextPort = 40000;
  const openRelay: RelayOpener = async ({ family, reserveNext }) => {
    const port = nextPort;
    nextPort += 2;
    const relay = new FakeRelay({ family, address: '203.0.113.5', port });
    relays.push(relay);
    if (!reserveNext) return { relay };
    const reserved = new FakeRelay({ family, address: '203.0.113.5', port: port + 1 });
    relays.push(reserved);
    return { relay, reserved };
  };
  const core = new TurnCore(
    {
      realm: REALM,
      secrets: opts.secrets ?? [SECRET],
      peerFilter: createPeerFilter(parseAllowList(opts.allowPeers ?? '')!),
      quotas: { ...DEFAULT_QUOTAS, ...opts.quotas },
      relayFamily: 4,
    },
    openRelay,
    () => clock.now,
  );
  return { core, clock, relays };
}

/** Feeds one packet and waits for the (possibly async) answer. */
export async function exchange(core: TurnCore, link: FakeLink, bytes: Uint8Array): Promise<StunMessage> {
  const before = link.sent.length;
  core.handlePacket(link, bytes);
  for (let i = 0; i < 10 && link.sent.length === before; i++) await new Promise((r) => setImmediate(r));
  if (link.sent.length === before) throw new Error('no answer');
  return decodeOrThrow(link.last());
}
