import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Attr, StunClass, StunMethod } from '../../../relay/turn/stun/constants';
import { decodeStun, encodeStun, getAttribute, verifyIntegrity } from '../../../relay/turn/stun/message';
import type { StunMessage } from '../../../relay/turn/stun/message';
import { decodeAddress, decodeString, decodeUint32 } from '../../../relay/turn/stun/attributes';
import { longTermKey, saslprep, shortTermKey } from '../../../relay/turn/stun/integrity';
import { decodeChannelData, encodeChannelData } from '../../../relay/turn/stun/channel-data';
import { TcpFramer } from '../../../relay/turn/stun/tcp-framer';

interface Vector {
  name: string;
  hex: string;
  transaction_id: string;
  short_term_password?: string;
  attributes?: Record<string, string>;
  username?: string;
  password_after_saslprep?: string;
  password_before_saslprep?: string;
  nonce?: string;
  realm?: string;
  long_term_key_md5?: string;
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/stun-rfc5769.json', import.meta.url), 'utf8')) as { vectors: Vector[] };
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function keyFor(v: Vector): Uint8Array {
  if (v.short_term_password) return shortTermKey(v.short_term_password);
  return longTermKey(v.username!, v.realm!, v.password_before_saslprep!);
}

function decodeOk(bytes: Uint8Array): StunMessage {
  const r = decodeStun(bytes);
  if (!r.ok) throw r.error;
  return r.value;
}

describe('RFC 5769 vectors', () => {
  for (const v of fixture.vectors) {
    it(`${v.name}: decodes and verifies`, () => {
      const msg = decodeOk(hex(v.hex));
      expect(toHex(msg.transactionId)).toBe(v.transaction_id);
      expect(msg.unknownRequired).toEqual([]);
      expect(verifyIntegrity(msg, keyFor(v))).toBe(true);
      expect(verifyIntegrity(msg, shortTermKey('wrong password'))).toBe(false);
      const software = getAttribute(msg, Attr.SOFTWARE);
      if (v.attributes?.SOFTWARE) expect(decodeString(software!)).toBe(v.attributes.SOFTWARE);
      if (v.attributes?.USERNAME) expect(decodeString(getAttribute(msg, Attr.USERNAME)!)).toBe(v.attributes.USERNAME);
      const mapped = v.attributes?.['XOR-MAPPED-ADDRESS'];
      if (mapped) {
        const a = decodeAddress(getAttribute(msg, Attr.XOR_MAPPED_ADDRESS)!, msg.transactionId)!;
        expect(a.family === 6 ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`).toBe(mapped);
      }
      if (v.attributes?.PRIORITY) expect(decodeUint32(getAttribute(msg, Attr.PRIORITY)!)).toBe(Number(v.attributes.PRIORITY));
    });

    it(`${v.name}: every single flipped byte is rejected`, () => {
      const good = hex(v.hex);
      const hadFingerprint = decodeOk(good).hasFingerprint;
      for (let i = 0; i < good.length; i++) {
        const bad = good.slice();
        bad[i]! ^= 0x01;
        const r = decodeStun(bad);
        // A flip in FINGERPRINT's own type turns it into an unknown trailing attribute, which the
        // RFC says to ignore; a receiver that expects FINGERPRINT (ICE does) still notices it is gone.
        const accepted = r.ok && verifyIntegrity(r.value, keyFor(v)) && r.value.hasFingerprint === hadFingerprint;
        expect(accepted, `byte ${i}`).toBe(false);
      }
    });
  }

  it('2.4: long-term key and SASLprep match the RFC', () => {
    const v = fixture.vectors[3]!;
    expect(saslprep(v.password_before_saslprep!)).toBe(v.password_after_saslprep);
    expect(toHex(longTermKey(v.username!, v.realm!, v.password_before_saslprep!))).toBe(v.long_term_key_md5);
  });

  it('2.4: re-encodes byte for byte', () => {
    const v = fixture.vectors[3]!;
    const msg = decodeOk(hex(v.hex));
    expect(msg.cls).toBe(StunClass.request);
    expect(msg.method).toBe(StunMethod.binding);
    const attributes = msg.attributes.filter((a) => a.type !== Attr.MESSAGE_INTEGRITY);
    expect(attributes.map((a) => a.type)).toEqual([Attr.USERNAME, Attr.NONCE, Attr.REALM]);
    expect(decodeString(getAttribute(msg, Attr.NONCE)!)).toBe(v.nonce);
    const out = encodeStun({ cls: msg.cls, method: msg.method, transactionId: msg.transactionId, attributes }, { integrityKey: keyFor(v) });
    expect(toHex(out)).toBe(v.hex);
  });
});

describe('codec', () => {
  const txid = hex('0102030405060708090a0b0c');

  it('round-trips integrity, SHA-256 integrity and fingerprint', () => {
    const key = shortTermKey('secret');
    const bytes = encodeStun(
      { cls: StunClass.success, method: StunMethod.allocate, transactionId: txid, attributes: [{ type: Attr.SOFTWARE, value: new Uint8Array([65, 66, 67]) }] },
      { integrityKey: key, integritySha256Key: key, fingerprint: true },
    );
    const msg = decodeOk(bytes);
    expect(msg.cls).toBe(StunClass.success);
    expect(msg.method).toBe(StunMethod.allocate);
    expect(msg.hasFingerprint).toBe(true);
    expect(msg.integrityOffset).toBeGreaterThan(0);
    expect(msg.integritySha256Offset).toBeGreaterThan(msg.integrityOffset);
    expect(verifyIntegrity(msg, key)).toBe(true);
    expect(verifyIntegrity(msg, shortTermKey('other'))).toBe(false);
  });

  it('reports unknown comprehension-required attributes and ignores optional ones', () => {
    const bytes = encodeStun({
      cls: StunClass.request,
      method: StunMethod.allocate,
      transactionId: txid,
      attributes: [
        { type: 0x7777, value: new Uint8Array(3) },
        { type: 0x802f, value: new Uint8Array(5) },
      ],
    });
    expect(decodeOk(bytes).unknownRequired).toEqual([0x7777]);
  });

  it('ignores attributes after MESSAGE-INTEGRITY except FINGERPRINT', () => {
    const key = shortTermKey('k');
    const signed = encodeStun({ cls: StunClass.request, method: StunMethod.refresh, transactionId: txid, attributes: [] }, { integrityKey: key });
    const extra = new Uint8Array([0x77, 0x77, 0, 4, 1, 2, 3, 4]);
    const bytes = new Uint8Array(signed.length + extra.length);
    bytes.set(signed);
    bytes.set(extra, signed.length);
    new DataView(bytes.buffer).setUint16(2, bytes.length - 20);
    const msg = decodeOk(bytes);
    expect(msg.unknownRequired).toEqual([]);
    expect(verifyIntegrity(msg, key)).toBe(true);
  });

  it('returns typed errors for garbage', () => {
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(5), 'stun-too-short'],
      [hex('c0010000' + '2112a442' + '00'.repeat(12)), 'stun-not-stun'],
      [hex('00010004' + '2112a442' + '00'.repeat(12)), 'stun-bad-length'],
      [hex('00010000' + '2112a443' + '00'.repeat(12)), 'stun-bad-cookie'],
      [hex('00010004' + '2112a442' + '00'.repeat(12) + '00060008'), 'stun-bad-attribute'],
    ];
    for (const [bytes, code] of cases) {
      const r = decodeStun(bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe(code);
    }
  });

  it('frames ChannelData with optional UDP padding and TCP padding', () => {
    const data = new Uint8Array([1, 2, 3, 4, 5]);
    expect(encodeChannelData(0x4001, data).length).toBe(9);
    const padded = encodeChannelData(0x4001, data, true);
    expect(padded.length).toBe(12);
    const r = decodeChannelData(padded);
    expect(r.ok && r.value.channel === 0x4001 && toHex(r.value.data) === '0102030405').toBe(true);
    expect(decodeChannelData(hex('80000000')).ok).toBe(false);
    expect(decodeChannelData(hex('7fff0000')).ok).toBe(true);
    expect(decodeChannelData(hex('40000009010203')).ok).toBe(false);
  });

  it('splits a TCP stream at arbitrary chunk boundaries', () => {
    const stun = encodeStun({ cls: StunClass.request, method: StunMethod.binding, transactionId: txid, attributes: [] }, { fingerprint: true });
    const cd = encodeChannelData(0x4002, new Uint8Array([9, 9, 9]), true);
    const stream = new Uint8Array([...stun, ...cd, ...stun]);
    for (let cut = 1; cut < stream.length; cut++) {
      const f = new TcpFramer();
      const frames = [...f.push(stream.subarray(0, cut)).frames, ...f.push(stream.subarray(cut)).frames];
      expect(frames.map(toHex)).toEqual([toHex(stun), toHex(cd), toHex(stun)]);
    }
    expect(new TcpFramer().push(hex('ff000000')).error?.code).toBe('tcp-framing');
  });
});
