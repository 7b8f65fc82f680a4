import { describe, expect, it } from 'vitest';
import { base64UrlToBytes, bytesToBase64Url, bytesToHex } from '../../../src/e2ee/bytes';
import {
  deriveRoomKey,
  deriveSenderBaseKey,
  deriveSubKey,
  generateRoomSecret,
  makeKid,
  nextEpochKey,
  parseKid,
  ratchetEpochKey,
  senderNumber,
} from '../../../src/e2ee/room-keys';
import { OTHER_SECRET, SECRET } from './frames';

const hex = bytesToHex;

describe('room and sender keys', () => {
  it('derives the same room key from the same secret, and different ones from different secrets', () => {
    expect(hex(deriveRoomKey(SECRET))).toBe(hex(deriveRoomKey(SECRET)));
    expect(hex(deriveRoomKey(SECRET))).not.toBe(hex(deriveRoomKey(OTHER_SECRET)));
    expect(deriveRoomKey(SECRET)).toHaveLength(32);
  });

  it('rejects secrets that are short or not base64url', () => {
    for (const bad of ['', 'q83vEjRWeJq83vEjRWeJ', 'q83vEjRWeJq83vEjRWeJq+', 'q83vEjRWeJq83vEjRWeJq=', 'q83vEjRWeJq83vEjRWeJqx']) {
      expect(() => deriveRoomKey(bad), bad).toThrowError(expect.objectContaining({ code: 'invalid-key' }));
    }
  });

  it('generates 256-bit secrets that round-trip through base64url', () => {
    const secret = generateRoomSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(base64UrlToBytes(secret)).toHaveLength(32);
    expect(generateRoomSecret()).not.toBe(secret);
    const bytes = base64UrlToBytes(secret)!;
    expect(bytesToBase64Url(bytes)).toBe(secret);
  });

  it('separates sender base keys by sender, epoch and room', () => {
    const room = deriveRoomKey(SECRET);
    const keys = [
      deriveSenderBaseKey(room, 'alice', 0),
      deriveSenderBaseKey(room, 'bob', 0),
      deriveSenderBaseKey(room, 'alice', 1),
      deriveSenderBaseKey(deriveRoomKey(OTHER_SECRET), 'alice', 0),
      deriveSubKey(room, 'peer auth v1'),
      deriveSubKey(room, 'safety words v1'),
      room,
    ].map(hex);
    expect(new Set(keys).size).toBe(keys.length);
    expect(hex(deriveSenderBaseKey(room, 'alice', 0))).toBe(keys[0]);
  });

  it('derives next-epoch keys that depend on the fresh randomness, and one-way ratchets', () => {
    const k0 = deriveRoomKey(SECRET);
    const r1 = new Uint8Array(32).fill(1);
    const r2 = new Uint8Array(32).fill(2);
    expect(hex(nextEpochKey(k0, r1, 1))).toBe(hex(nextEpochKey(k0, r1, 1)));
    const all = [nextEpochKey(k0, r1, 1), nextEpochKey(k0, r2, 1), nextEpochKey(k0, r1, 2), ratchetEpochKey(k0, 1), k0].map(hex);
    expect(new Set(all).size).toBe(all.length);
    expect(() => nextEpochKey(k0, new Uint8Array(8), 1)).toThrowError(expect.objectContaining({ code: 'invalid-key' }));
  });
});

describe('KID layout', () => {
  it('packs sender number, kind and epoch and parses them back', () => {
    const num = senderNumber('alice');
    expect(num).toBeLessThan(1n << 40n);
    expect(senderNumber('alice')).toBe(num);
    expect(senderNumber('bob')).not.toBe(num);
    for (const kind of ['audio', 'video'] as const) {
      for (const epoch of [0, 1, 255, 256, 1000]) {
        const kid = makeKid(num, kind, epoch);
        expect(kid).toBeLessThan(1n << 49n);
        expect(parseKid(kid)).toEqual({ senderNumber: num, kind, epochLow: epoch & 0xff });
      }
    }
    expect(makeKid(num, 'audio', 3)).not.toBe(makeKid(num, 'video', 3));
  });

  it('refuses KIDs wider than the layout', () => {
    expect(parseKid(1n << 49n)).toBeNull();
    expect(parseKid((1n << 64n) - 1n)).toBeNull();
  });
});
