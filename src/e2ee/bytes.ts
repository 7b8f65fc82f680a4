/** Small byte helpers shared by the E2EE code (no Buffer: this runs in browsers and workers). */

const TEXT = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return TEXT.encode(text);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The ArrayBuffer behind `bytes` when the view covers all of it, else a copy that does. */
export function soleBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}

/** ES2024 `ArrayBuffer.prototype.transfer` (Chromium ≥ 114; not in Node 20, nor in our TS lib). */
type Transfer = (this: ArrayBuffer, newLength: number) => ArrayBuffer;
const transfer = (ArrayBuffer.prototype as { transfer?: Transfer }).transfer;
/** Below this, transfer() costs more than it saves (it too allocates; few pages to fault). */
const TRANSFER_MIN_BYTES = 8192;

/**
 * `buffer`'s bytes moved `front` bytes to the right, in an ArrayBuffer of their own; the
 * caller fills the first `front` bytes. `buffer` is consumed (detached where transfer exists).
 * Why not `new Uint8Array(n).set(...)`: in Chromium a fresh large buffer costs page faults
 * on first write (measured: ~2x a memmove at 60 KB); transfer() grows the already touched
 * buffer, so only the memmove remains.
 */
export function growFront(buffer: ArrayBuffer, front: number): Uint8Array<ArrayBuffer> {
  const length = buffer.byteLength;
  if (transfer === undefined || length < TRANSFER_MIN_BYTES) {
    const out = new Uint8Array(front + length);
    out.set(new Uint8Array(buffer), front);
    return out;
  }
  const out = new Uint8Array(transfer.call(buffer, front + length));
  out.copyWithin(front, 0, length);
  return out;
}

/**
 * Unambiguous concatenation: each part is prefixed with its 4-byte length, so that
 * ("ab","c") and ("a","bc") never produce the same bytes inside a MAC or KDF input.
 */
export function encodeParts(...parts: Uint8Array[]): Uint8Array {
  const framed: Uint8Array[] = [];
  for (const part of parts) {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, part.length);
    framed.push(len, part);
  }
  return concatBytes(...framed);
}

/** Big-endian fixed-width encoding of a non-negative integer (throws if it does not fit). */
export function uintToBytes(value: bigint, width: number): Uint8Array {
  if (value < 0n || value >= 1n << BigInt(width * 8)) throw new RangeError(`${value} does not fit in ${width} bytes`);
  const out = new Uint8Array(width);
  let v = value;
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function bytesToUint(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Constant-time equality (timing must not reveal how many leading tag bytes were right). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError('invalid hex');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Strict base64url (no padding, no other alphabet) decoding; returns null on any invalid input. */
export function base64UrlToBytes(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const ch of text) {
    const v = B64URL.indexOf(ch);
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, otherwise two different strings would decode to the same secret.
  if ((acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let s = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      s += B64URL[(acc >> bits) & 63];
    }
  }
  if (bits > 0) s += B64URL[(acc << (6 - bits)) & 63];
  return s;
}
