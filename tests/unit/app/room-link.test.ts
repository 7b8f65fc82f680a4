import { describe, expect, it } from 'vitest';
import { createRoom, formatRoomHash, formatRoomLink, parseJoinParams, parseRoute, roomTopic, sanitizeDisplayName } from '../../../src/room/room-link';
import { fromBase64Url } from '../../../src/util/base64url';

describe('room links', () => {
  it('creates independent unguessable ids and secrets (128 bits each)', () => {
    const a = createRoom();
    const b = createRoom();
    expect(fromBase64Url(a.roomId)).toHaveLength(16);
    expect(fromBase64Url(a.secret)).toHaveLength(16);
    expect(a.roomId).not.toBe(b.roomId);
    expect(a.secret).not.toBe(a.roomId);
  });

  it('round-trips a link with parameters', () => {
    const { roomId, secret } = createRoom();
    const hash = formatRoomHash(roomId, secret, { name: 'Zoë Ann', prejoin: false, audio: false, video: true, relayOnly: true });
    const route = parseRoute(hash);
    expect(route).toEqual({ kind: 'room', link: { roomId, secret, params: { name: 'Zoë Ann', prejoin: false, audio: false, video: true, relayOnly: true } } });
  });

  it('keeps the secret in the fragment of a shareable link', () => {
    const link = formatRoomLink('https://meet.example/app/?x=1#/old', `${'a'.repeat(21)}A`, `${'b'.repeat(21)}Q`);
    expect(link).toBe(`https://meet.example/app/?x=1#/r/${'a'.repeat(21)}A/${'b'.repeat(21)}Q`);
    expect(new URL(link).hash).toContain(`${'b'.repeat(21)}Q`);
  });

  it('routes home, and explains incomplete or damaged links', () => {
    expect(parseRoute('')).toEqual({ kind: 'home' });
    expect(parseRoute('#/')).toEqual({ kind: 'home' });
    expect(parseRoute('#/r/abc')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('incomplete') });
    expect(parseRoute('#/r/short/short')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('damaged') });
    expect(parseRoute(`#/r/${'a'.repeat(22)}/${'b'.repeat(21)}!`)).toMatchObject({ kind: 'invalid' });
    // Non-canonical base64url (unused trailing bits set) is a damaged link too.
    expect(parseRoute(`#/r/${'a'.repeat(21)}A/${'b'.repeat(22)}`)).toMatchObject({ kind: 'invalid' });
    expect(parseRoute(`#/r/${'a'.repeat(21)}A/${'b'.repeat(21)}Q`)).toMatchObject({ kind: 'room' });
    expect(parseRoute('#/elsewhere')).toMatchObject({ kind: 'invalid' });
  });

  it('parses join parameters with defaults and ignores junk', () => {
    expect(parseJoinParams('')).toEqual({ prejoin: true, audio: true, video: true, relayOnly: false });
    expect(parseJoinParams('prejoin=0&audio=false&video=0&relay=1&name=%20Bo%0Ab%20')).toEqual({ prejoin: false, audio: false, video: false, relayOnly: true, name: 'Bo b' });
    expect(parseJoinParams('audio=maybe')).toMatchObject({ audio: true });
  });

  it('sanitizes display names to one short plain line', () => {
    expect(sanitizeDisplayName('  a\u0000b\n\tc  ')).toBe('a b c');
    expect(sanitizeDisplayName('x'.repeat(100))).toHaveLength(64);
  });

  it('gives the relay only a one-way, domain-separated hash of the room id', async () => {
    const id = 'q'.repeat(22);
    const topic = await roomTopic(id);
    expect(topic).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(topic).not.toContain(id);
    expect(await roomTopic(id)).toBe(topic);
    expect(await roomTopic(id, 'doc')).not.toBe(topic);
  });
});
