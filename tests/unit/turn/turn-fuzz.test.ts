import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueTurnCredentials } from '../../../relay/turn/credentials';
import { decodeChannelData, encodeChannelData } from '../../../relay/turn/stun/channel-data';
import { StunMethod } from '../../../relay/turn/stun/constants';
import { decodeStun } from '../../../relay/turn/stun/message';
import { TcpFramer } from '../../../relay/turn/stun/tcp-framer';
import { attrs, buildRequest, buildSendIndication, challengeOf } from './turn-test-client';
import { exchange, FakeLink, makeCore, SECRET, START } from './turn-fakes';
import { seededRandom } from '../../support/prng';


function isMalformed(bytes: Uint8Array): boolean {
  const first = bytes[0] ?? 0xff;
  if ((first & 0xc0) === 0x40) return !decodeChannelData(bytes).ok;
  if ((first & 0xc0) === 0) return !decodeStun(bytes).ok;
  return true;
}

const SEEDS = [1, 42, 20261122];

describe('fuzzed input', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: random and mutated packets never throw and malformed ones are counted`, async () => {
      const rand = seededRandom(seed);
      const { core, relays } = makeCore({ allowPeers: '127.0.0.1' });
      const link = new FakeLink();
      const challenge = challengeOf(await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()])));
      const creds = issueTurnCredentials(SECRET, 3600, START);
      const auth = { username: creds.username, password: creds.credential, ...challenge };
      await exchange(core, link, buildRequest(StunMethod.allocate, [attrs.udp()], auth));
      const peer = { family: 4 as const, address: '127.0.0.1', port: 7 };
      const txid = randomBytes(12);
      await exchange(core, link, buildRequest(StunMethod.channelBind, [attrs.channel(0x4001), attrs.peer(peer, txid)], auth, txid));
      const valid = [
        buildRequest(StunMethod.binding, []),
        buildRequest(StunMethod.allocate, [attrs.udp()], auth),
        buildRequest(StunMethod.refresh, [attrs.lifetime(600)], auth),
        buildRequest(StunMethod.createPermission, [attrs.peer(peer, txid)], auth, txid),
        buildSendIndication(peer, new Uint8Array(40)),
        encodeChannelData(0x4001, new Uint8Array(30)),
      ];
      let expectedMalformed = core.stats().malformedDropped;
      const framer = new TcpFramer();
      for (let i = 0; i < 3000; i++) {
        let pkt: Uint8Array;
        if (i % 3 === 0) {
          pkt = new Uint8Array(Math.floor(rand() * 120));
          for (let j = 0; j < pkt.length; j++) pkt[j] = Math.floor(rand() * 256);
        } else {
          const base = valid[Math.floor(rand() * valid.length)]!;
          pkt = base.slice();
          const flips = 1 + Math.floor(rand() * 4);
          for (let f = 0; f < flips; f++) pkt[Math.floor(rand() * pkt.length)] = Math.floor(rand() * 256);
          if (rand() < 0.2) pkt = pkt.subarray(0, Math.floor(rand() * pkt.length));
        }
        if (isMalformed(pkt)) expectedMalformed++;
        expect(() => core.handlePacket(link, pkt)).not.toThrow();
        expect(() => framer.push(pkt)).not.toThrow();
        if (i % 100 === 0) await new Promise((r) => setImmediate(r));
      }
      await new Promise((r) => setImmediate(r));
      const stats = core.stats();
      expect(stats.internalErrors, `seed ${seed}`).toBe(0);
      expect(stats.malformedDropped, `seed ${seed}`).toBe(expectedMalformed);
      expect(expectedMalformed).toBeGreaterThan(1000);
      // The allocation survived the noise and still relays.
      core.handlePacket(link, encodeChannelData(0x4001, new Uint8Array([1, 2, 3])));
      expect(relays[0]!.sent.at(-1)?.data).toEqual(new Uint8Array([1, 2, 3]));
    });
  }
});
