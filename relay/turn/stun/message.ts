/**
 * STUN message codec (RFC 8489 §5, §14). Decoding never throws: it returns a typed error for
 * anything that is not a well-formed STUN message, and reports comprehension-required
 * attributes it does not know so the server can answer 420 instead of silently dropping.
 */
import { TurnError } from '../turn-error';
import {
  Attr,
  FINGERPRINT_XOR,
  HEADER_LENGTH,
  KNOWN_REQUIRED_ATTRIBUTES,
  MAGIC_COOKIE,
  TRANSACTION_ID_LENGTH,
} from './constants';
import type { StunClass } from './constants';
import { constantTimeEqual, crc32, hmacSha1, hmacSha256 } from './integrity';

export interface StunAttribute {
  type: number;
  value: Uint8Array;
}

/** What the encoder needs; MESSAGE-INTEGRITY and FINGERPRINT are added by `encodeStun` options. */
export interface StunMessageDraft {
  cls: StunClass;
  method: number;
  transactionId: Uint8Array;
  attributes: StunAttribute[];
}

export interface StunMessage extends StunMessageDraft {
  /** The exact bytes decoded; integrity is verified against them, not a re-encoding. */
  raw: Uint8Array;
  /** Byte offset of the MESSAGE-INTEGRITY attribute header, or -1. */
  integrityOffset: number;
  integritySha256Offset: number;
  hasFingerprint: boolean;
  /** Comprehension-required attribute types this codec does not understand (→ 420). */
  unknownRequired: number[];
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: TurnError };

function fail(code: TurnError['code'], message: string): { ok: false; error: TurnError } {
  return { ok: false, error: new TurnError(code, message) };
}

function padded(len: number): number {
  return (len + 3) & ~3;
}

/** Cheap pre-check used to demultiplex STUN from ChannelData on a shared socket. */
export function looksLikeStun(bytes: Uint8Array): boolean {
  return (
    bytes.length >= HEADER_LENGTH &&
    (bytes[0]! & 0xc0) === 0 &&
    bytes[4] === 0x21 &&
    bytes[5] === 0x12 &&
    bytes[6] === 0xa4 &&
    bytes[7] === 0x42
  );
}

export function decodeStun(bytes: Uint8Array): DecodeResult<StunMessage> {
  if (bytes.length < HEADER_LENGTH) return fail('stun-too-short', `${bytes.length} bytes is shorter than a STUN header`);
  if ((bytes[0]! & 0xc0) !== 0) return fail('stun-not-stun', 'the two top bits of a STUN message are zero');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(0);
  const length = view.getUint16(2);
  if (length % 4 !== 0 || HEADER_LENGTH + length !== bytes.length) {
    return fail('stun-bad-length', `header length ${length} does not match ${bytes.length - HEADER_LENGTH} body bytes`);
  }
  if (view.getUint32(4) !== MAGIC_COOKIE) return fail('stun-bad-cookie', 'magic cookie missing (RFC 3489 messages are not accepted)');
  const cls = (((type >> 7) & 0x2) | ((type >> 4) & 0x1)) as StunClass;
  const method = (type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80);
  const transactionId = bytes.slice(8, 8 + TRANSACTION_ID_LENGTH);

  const attributes: StunAttribute[] = [];
  const unknownRequired: number[] = [];
  let integrityOffset = -1;
  let integritySha256Offset = -1;
  let hasFingerprint = false;
  let offset = HEADER_LENGTH;
  while (offset < bytes.length) {
    if (hasFingerprint) return fail('stun-attribute-after-fingerprint', 'FINGERPRINT must be the last attribute');
    if (offset + 4 > bytes.length) return fail('stun-bad-attribute', 'truncated attribute header');
    const atype = view.getUint16(offset);
    const alen = view.getUint16(offset + 2);
    const end = offset + 4 + alen;
    if (end > bytes.length) return fail('stun-bad-attribute', `attribute 0x${atype.toString(16)} overruns the message`);
    const value = bytes.subarray(offset + 4, end);
    if (atype === Attr.FINGERPRINT) {
      if (alen !== 4) return fail('stun-bad-attribute', 'FINGERPRINT must be 4 bytes');
      const expected = (crc32(bytes.subarray(0, offset)) ^ FINGERPRINT_XOR) >>> 0;
      if (view.getUint32(offset + 4) !== expected) return fail('stun-bad-fingerprint', 'FINGERPRINT does not match');
      hasFingerprint = true;
    } else if (atype === Attr.MESSAGE_INTEGRITY) {
      if (alen !== 20) return fail('stun-bad-attribute', 'MESSAGE-INTEGRITY must be 20 bytes');
      if (integrityOffset < 0 && integritySha256Offset < 0) integrityOffset = offset;
    } else if (atype === Attr.MESSAGE_INTEGRITY_SHA256) {
      if (alen < 16 || alen > 32 || alen % 4 !== 0) return fail('stun-bad-attribute', 'MESSAGE-INTEGRITY-SHA256 must be 16..32 bytes');
      if (integritySha256Offset < 0) integritySha256Offset = offset;
    } else if (integrityOffset >= 0 || integritySha256Offset >= 0) {
      // RFC 8489 §14.5: attributes after the integrity check are not protected; ignore them.
      offset += 4 + padded(alen);
      continue;
    } else if (atype < 0x8000 && !KNOWN_REQUIRED_ATTRIBUTES.has(atype) && !unknownRequired.includes(atype)) {
      unknownRequired.push(atype);
    }
    attributes.push({ type: atype, value });
    offset += 4 + padded(alen);
  }
  if (offset !== bytes.length) return fail('stun-bad-attribute', 'last attribute padding overruns the message');
  return {
    ok: true,
    value: { cls, method, transactionId, attributes, raw: bytes, integrityOffset, integritySha256Offset, hasFingerprint, unknownRequired },
  };
}

export function messageType(cls: StunClass, method: number): number {
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((cls & 0x1) << 4) | ((cls & 0x2) << 7);
}

export interface EncodeOptions {
  /** Adds MESSAGE-INTEGRITY (HMAC-SHA1) keyed with this. */
  integrityKey?: Uint8Array;
  /** Adds MESSAGE-INTEGRITY-SHA256 keyed with this. */
  integritySha256Key?: Uint8Array;
  fingerprint?: boolean;
}

export function encodeStun(msg: StunMessageDraft, options: EncodeOptions = {}): Uint8Array {
  let attrBytes = 0;
  for (const a of msg.attributes) attrBytes += 4 + padded(a.value.length);
  const total =
    HEADER_LENGTH +
    attrBytes +
    (options.integrityKey ? 24 : 0) +
    (options.integritySha256Key ? 36 : 0) +
    (options.fingerprint ? 8 : 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint16(0, messageType(msg.cls, msg.method));
  view.setUint32(4, MAGIC_COOKIE);
  out.set(msg.transactionId.subarray(0, TRANSACTION_ID_LENGTH), 8);
  let offset = HEADER_LENGTH;
  for (const a of msg.attributes) {
    view.setUint16(offset, a.type);
    view.setUint16(offset + 2, a.value.length);
    out.set(a.value, offset + 4);
    offset += 4 + padded(a.value.length);
  }
  // Each integrity attribute covers a header whose length field ends at that attribute.
  if (options.integrityKey) {
    view.setUint16(2, offset + 24 - HEADER_LENGTH);
    const mac = hmacSha1(options.integrityKey, out.subarray(0, offset));
    view.setUint16(offset, Attr.MESSAGE_INTEGRITY);
    view.setUint16(offset + 2, 20);
    out.set(mac, offset + 4);
    offset += 24;
  }
  if (options.integritySha256Key) {
    view.setUint16(2, offset + 36 - HEADER_LENGTH);
    const mac = hmacSha256(options.integritySha256Key, out.subarray(0, offset));
    view.setUint16(offset, Attr.MESSAGE_INTEGRITY_SHA256);
    view.setUint16(offset + 2, 32);
    out.set(mac, offset + 4);
    offset += 36;
  }
  view.setUint16(2, total - HEADER_LENGTH);
  if (options.fingerprint) {
    view.setUint16(offset, Attr.FINGERPRINT);
    view.setUint16(offset + 2, 4);
    view.setUint32(offset + 4, (crc32(out.subarray(0, offset)) ^ FINGERPRINT_XOR) >>> 0);
  }
  return out;
}

function macInput(raw: Uint8Array, attrOffset: number, attrTotal: number): Uint8Array {
  const copy = raw.slice(0, attrOffset);
  new DataView(copy.buffer).setUint16(2, attrOffset + attrTotal - HEADER_LENGTH);
  return copy;
}

/** Verifies whichever integrity attribute is present (SHA-256 preferred). False when none is. */
export function verifyIntegrity(msg: StunMessage, key: Uint8Array): boolean {
  if (msg.integritySha256Offset >= 0) {
    const o = msg.integritySha256Offset;
    const len = (msg.raw[o + 2]! << 8) | msg.raw[o + 3]!;
    const mac = hmacSha256(key, macInput(msg.raw, o, 4 + len)).subarray(0, len);
    return constantTimeEqual(mac, msg.raw.subarray(o + 4, o + 4 + len));
  }
  if (msg.integrityOffset >= 0) {
    const o = msg.integrityOffset;
    const mac = hmacSha1(key, macInput(msg.raw, o, 24));
    return constantTimeEqual(mac, msg.raw.subarray(o + 4, o + 24));
  }
  return false;
}

export function getAttribute(msg: StunMessageDraft, type: number): Uint8Array | undefined {
  for (const a of msg.attributes) if (a.type === type) return a.value;
  return undefined;
}
