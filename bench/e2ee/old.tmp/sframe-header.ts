/**
 * The SFrame header (RFC 9605 §4.3): one config byte `X KKK Y CCC`, then the KID and CTR
 * as minimal big-endian unsigned integers. Values below 8 sit inside the config byte
 * (X/Y = 0); larger ones follow it with their byte length minus one in KKK/CCC.
 * Values go up to 2^64 - 1, so they are BigInts.
 */
import { E2eeError } from './errors';

export interface SFrameHeader {
  kid: bigint;
  ctr: bigint;
}

export interface DecodedHeader extends SFrameHeader {
  /** Number of bytes the header occupies. */
  length: number;
}

const MAX_U64 = (1n << 64n) - 1n;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// The hot path (one header per media frame) uses Number arithmetic whenever the value is
// below 2^53, which is always the case for our KIDs and counters; BigInt only above that.
function byteLength(value: bigint): number {
  let n = 1;
  if (value <= MAX_SAFE) {
    for (let v = Number(value); v >= 256; v = Math.floor(v / 256)) n++;
    return n;
  }
  while (value >> BigInt(n * 8) > 0n) n++;
  return n;
}

function checkRange(name: string, value: bigint): void {
  if (value < 0n || value > MAX_U64) throw new E2eeError('malformed-header', `${name} out of range: ${value}`);
}

export function encodedHeaderLength(header: SFrameHeader): number {
  return 1 + (header.kid < 8n ? 0 : byteLength(header.kid)) + (header.ctr < 8n ? 0 : byteLength(header.ctr));
}

export function encodeHeader(header: SFrameHeader): Uint8Array {
  const { kid, ctr } = header;
  checkRange('KID', kid);
  checkRange('CTR', ctr);
  const out = new Uint8Array(encodedHeaderLength(header));
  let config = 0;
  let offset = 1;
  if (kid < 8n) {
    config |= Number(kid) << 4;
  } else {
    const n = byteLength(kid);
    config |= 0x80 | ((n - 1) << 4);
    writeUint(out, offset, kid, n);
    offset += n;
  }
  if (ctr < 8n) {
    config |= Number(ctr);
  } else {
    const n = byteLength(ctr);
    config |= 0x08 | (n - 1);
    writeUint(out, offset, ctr, n);
  }
  out[0] = config;
  return out;
}

/** Decodes the header that starts at `offset`; throws `malformed-header` if it is cut short. */
export function decodeHeader(bytes: Uint8Array, offset = 0): DecodedHeader {
  const config = bytes[offset];
  if (config === undefined) throw new E2eeError('malformed-header', 'empty SFrame header');
  let pos = offset + 1;
  let kid: bigint;
  if (config & 0x80) {
    const n = ((config >> 4) & 0x07) + 1;
    kid = readUint(bytes, pos, n);
    pos += n;
  } else {
    kid = BigInt((config >> 4) & 0x07);
  }
  let ctr: bigint;
  if (config & 0x08) {
    const n = (config & 0x07) + 1;
    ctr = readUint(bytes, pos, n);
    pos += n;
  } else {
    ctr = BigInt(config & 0x07);
  }
  return { kid, ctr, length: pos - offset };
}

function writeUint(out: Uint8Array, offset: number, value: bigint, n: number): void {
  if (value <= MAX_SAFE) {
    let v = Number(value);
    for (let i = n - 1; i >= 0; i--) {
      out[offset + i] = v % 256;
      v = Math.floor(v / 256);
    }
    return;
  }
  let v = value;
  for (let i = n - 1; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function readUint(bytes: Uint8Array, offset: number, n: number): bigint {
  if (offset + n > bytes.length) throw new E2eeError('malformed-header', 'SFrame header truncated');
  // Up to 6 bytes (48 bits) fit a Number exactly; beyond, the high part is combined as BigInt.
  const split = Math.max(0, n - 6);
  let high = 0;
  for (let i = 0; i < split; i++) high = high * 256 + (bytes[offset + i] ?? 0);
  let low = 0;
  for (let i = split; i < n; i++) low = low * 256 + (bytes[offset + i] ?? 0);
  return split === 0 ? BigInt(low) : (BigInt(high) << 48n) | BigInt(low);
}
