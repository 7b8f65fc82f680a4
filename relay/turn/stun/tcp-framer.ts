/**
 * Splits a TCP byte stream into STUN messages and ChannelData frames (RFC 8489 §6.2.2,
 * RFC 8656 §12.5). Over TCP there is no datagram boundary, so each frame's own length says
 * where the next begins; ChannelData is padded to 4 bytes on stream transports.
 */
import { TurnError } from '../turn-error';
import { HEADER_LENGTH } from './constants';

/** Larger than any STUN message or ChannelData frame (both have 16-bit lengths). */
const MAX_BUFFERED = 65536 + HEADER_LENGTH + 4;

export class TcpFramer {
  private buffer: Uint8Array = new Uint8Array(0);

  /**
   * Appends bytes and returns the complete frames, or a `tcp-framing` error when the stream
   * cannot be STUN/TURN (the caller closes the connection: there is no way to resynchronise).
   */
  push(chunk: Uint8Array): { frames: Uint8Array[]; error?: TurnError } {
    let buf: Uint8Array;
    if (this.buffer.length === 0) buf = chunk;
    else {
      buf = new Uint8Array(this.buffer.length + chunk.length);
      buf.set(this.buffer, 0);
      buf.set(chunk, this.buffer.length);
    }
    const frames: Uint8Array[] = [];
    let offset = 0;
    for (;;) {
      const left = buf.length - offset;
      if (left < 4) break;
      const first = buf[offset]!;
      const len = (buf[offset + 2]! << 8) | buf[offset + 3]!;
      let size: number;
      if ((first & 0xc0) === 0) size = HEADER_LENGTH + len;
      else if ((first & 0xc0) === 0x40) size = (4 + len + 3) & ~3;
      else {
        this.buffer = new Uint8Array(0);
        return { frames, error: new TurnError('tcp-framing', `byte 0x${first.toString(16)} starts neither STUN nor ChannelData`) };
      }
      if (left < size) break;
      frames.push(buf.slice(offset, offset + size));
      offset += size;
    }
    this.buffer = offset === buf.length ? new Uint8Array(0) : buf.slice(offset);
    if (this.buffer.length > MAX_BUFFERED) {
      this.buffer = new Uint8Array(0);
      return { frames, error: new TurnError('tcp-framing', 'frame larger than any STUN/TURN frame') };
    }
    return { frames };
  }
}
