/**
 * ChannelData framing (RFC 8656 §12.4): 2-byte channel number, 2-byte length, data. Over UDP
 * padding is optional (and ignored); over TCP the frame is padded to a multiple of 4.
 */
import { TurnError } from '../turn-error';
import { CHANNEL_MAX, CHANNEL_MIN } from './constants';
import type { DecodeResult } from './message';

export interface ChannelData {
  channel: number;
  data: Uint8Array;
}

export function isChannelNumber(n: number): boolean {
  return n >= CHANNEL_MIN && n <= CHANNEL_MAX;
}

/** First byte 0x40..0x7F: a ChannelData frame rather than STUN (whose top bits are 00). */
export function looksLikeChannelData(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && (bytes[0]! & 0xc0) === 0x40;
}

export function decodeChannelData(bytes: Uint8Array): DecodeResult<ChannelData> {
  if (bytes.length < 4) return { ok: false, error: new TurnError('channel-data-bad', 'ChannelData shorter than its header') };
  const channel = (bytes[0]! << 8) | bytes[1]!;
  const length = (bytes[2]! << 8) | bytes[3]!;
  if (!isChannelNumber(channel)) {
    return { ok: false, error: new TurnError('channel-data-bad', `channel 0x${channel.toString(16)} is out of range`) };
  }
  if (4 + length > bytes.length) return { ok: false, error: new TurnError('channel-data-bad', 'ChannelData length overruns the datagram') };
  return { ok: true, value: { channel, data: bytes.subarray(4, 4 + length) } };
}

export function encodeChannelData(channel: number, data: Uint8Array, pad = false): Uint8Array {
  const size = 4 + data.length;
  const out = new Uint8Array(pad ? (size + 3) & ~3 : size);
  out[0] = channel >> 8;
  out[1] = channel & 0xff;
  out[2] = data.length >> 8;
  out[3] = data.length & 0xff;
  out.set(data, 4);
  return out;
}
