/**
 * Typed values of individual STUN/TURN attributes. Decoders return `null` on a malformed value
 * (the message decoder turns that into a typed error); encoders produce the value bytes only,
 * the message encoder adds type, length and padding.
 */
import { formatIp, parseIp } from '../ip-address';
import type { TransportAddress } from '../ip-address';
import { MAGIC_COOKIE } from './constants';

const FAMILY_V4 = 0x01;
const FAMILY_V6 = 0x02;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

function xorMask(transactionId: Uint8Array): Uint8Array {
  const mask = new Uint8Array(16);
  new DataView(mask.buffer).setUint32(0, MAGIC_COOKIE);
  mask.set(transactionId, 4);
  return mask;
}

export function decodeAddress(value: Uint8Array, xorWith: Uint8Array | null): TransportAddress | null {
  if (value.length < 4) return null;
  const family = value[1];
  const len = family === FAMILY_V4 ? 4 : family === FAMILY_V6 ? 16 : 0;
  if (len === 0 || value.length !== 4 + len) return null;
  let port = (value[2]! << 8) | value[3]!;
  const bytes = value.slice(4, 4 + len);
  if (xorWith) {
    const mask = xorMask(xorWith);
    port ^= MAGIC_COOKIE >>> 16;
    for (let i = 0; i < len; i++) bytes[i]! ^= mask[i]!;
  }
  return { family: len === 4 ? 4 : 6, address: formatIp(bytes), port };
}

/** `xorWith` is the transaction id for the XOR-* forms, `null` for MAPPED-ADDRESS. */
export function encodeAddress(addr: TransportAddress, xorWith: Uint8Array | null): Uint8Array {
  const ip = parseIp(addr.address);
  if (!ip) throw new RangeError(`not an IP address: ${addr.address}`);
  const out = new Uint8Array(4 + ip.bytes.length);
  out[1] = ip.family === 4 ? FAMILY_V4 : FAMILY_V6;
  let port = addr.port;
  const bytes = ip.bytes;
  if (xorWith) {
    const mask = xorMask(xorWith);
    port ^= MAGIC_COOKIE >>> 16;
    for (let i = 0; i < bytes.length; i++) bytes[i]! ^= mask[i]!;
  }
  out[2] = port >> 8;
  out[3] = port & 0xff;
  out.set(bytes, 4);
  return out;
}

export function decodeUint32(value: Uint8Array): number | null {
  if (value.length !== 4) return null;
  return new DataView(value.buffer, value.byteOffset, 4).getUint32(0);
}

export function encodeUint32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0);
  return out;
}

export function decodeString(value: Uint8Array): string {
  return utf8Decoder.decode(value);
}

export function encodeString(s: string): Uint8Array {
  return utf8.encode(s);
}

export interface ErrorCodeValue {
  code: number;
  reason: string;
}

export function decodeErrorCode(value: Uint8Array): ErrorCodeValue | null {
  if (value.length < 4) return null;
  const cls = value[2]! & 0x07;
  const num = value[3]!;
  if (cls < 3 || cls > 6 || num > 99) return null;
  return { code: cls * 100 + num, reason: decodeString(value.subarray(4)) };
}

export function encodeErrorCode(code: number, reason: string): Uint8Array {
  const text = encodeString(reason);
  const out = new Uint8Array(4 + text.length);
  out[2] = Math.floor(code / 100);
  out[3] = code % 100;
  out.set(text, 4);
  return out;
}

/** CHANNEL-NUMBER: 16-bit number then 16 bits RFFU. */
export function decodeChannelNumber(value: Uint8Array): number | null {
  if (value.length !== 4) return null;
  return (value[0]! << 8) | value[1]!;
}

export function encodeChannelNumber(n: number): Uint8Array {
  return new Uint8Array([n >> 8, n & 0xff, 0, 0]);
}

/** REQUESTED-TRANSPORT: protocol number then 24 bits RFFU. */
export function decodeRequestedTransport(value: Uint8Array): number | null {
  return value.length === 4 ? value[0]! : null;
}

export function encodeRequestedTransport(protocol: number): Uint8Array {
  return new Uint8Array([protocol, 0, 0, 0]);
}

/** REQUESTED-ADDRESS-FAMILY: 0x01 IPv4, 0x02 IPv6 (RFC 6156). */
export function decodeAddressFamily(value: Uint8Array): 4 | 6 | null {
  if (value.length !== 4) return null;
  return value[0] === FAMILY_V4 ? 4 : value[0] === FAMILY_V6 ? 6 : null;
}

export function encodeAddressFamily(family: 4 | 6): Uint8Array {
  return new Uint8Array([family === 4 ? FAMILY_V4 : FAMILY_V6, 0, 0, 0]);
}

export function decodeUnknownAttributes(value: Uint8Array): number[] | null {
  if (value.length % 2 !== 0) return null;
  const out: number[] = [];
  for (let i = 0; i < value.length; i += 2) out.push((value[i]! << 8) | value[i + 1]!);
  return out;
}

export function encodeUnknownAttributes(types: readonly number[]): Uint8Array {
  const out = new Uint8Array(types.length * 2);
  types.forEach((t, i) => {
    out[i * 2] = t >> 8;
    out[i * 2 + 1] = t & 0xff;
  });
  return out;
}

/** EVEN-PORT: the R bit asks the server to reserve the next port too. */
export function decodeEvenPort(value: Uint8Array): { reserveNext: boolean } | null {
  return value.length === 1 || value.length === 4 ? { reserveNext: (value[0]! & 0x80) !== 0 } : null;
}
