/**
 * How many leading bytes of an encoded frame stay in the clear, per codec.
 *
 * Chromium's sender packetizer and receiver depacketizer read the VP8 payload header, so
 * a fully encrypted VP8 frame never decodes. We keep the VP8 "uncompressed data chunk"
 * (RFC 6386 §9.1) in the clear: 10 bytes on key frames (frame tag + start code +
 * dimensions), 3 on delta frames (frame tag). Key frame ⇔ bit 0 of byte 0 is 0. The
 * receiver re-derives the length from the same clear byte, so both sides always agree,
 * and the prefix is authenticated as SFrame metadata so it cannot be altered.
 *
 * VP9: 0 bytes. Chromium builds the VP9 RTP descriptor from the encoder's codec-specific
 * info, not by parsing the bitstream, so the whole frame can be encrypted.
 * Opus: 0 bytes. The receive transform runs before NetEq, which therefore sees the
 * decrypted TOC byte; nothing on the path needs it in the clear.
 * H.264/AV1 would need NAL-unit/OBU-aware encryption (packetizers split on them); we return
 * 0 and rely on codec negotiation to avoid them (see docs).
 */
export type MediaKind = 'audio' | 'video';

export type Codec = 'vp8' | 'vp9' | 'opus' | 'h264' | 'av1' | 'unknown';

const VP8_KEY_FRAME_PREFIX = 10;
const VP8_DELTA_FRAME_PREFIX = 3;

/** 'video/VP8' → 'vp8'; anything unrecognised → 'unknown'. */
export function codecFromMimeType(mimeType: string | undefined): Codec {
  const name = (mimeType ?? '').split('/').pop()?.toLowerCase() ?? '';
  switch (name) {
    case 'vp8':
    case 'vp9':
    case 'opus':
    case 'h264':
    case 'av1':
      return name;
    default:
      return 'unknown';
  }
}

export function isVp8KeyFrame(frame: Uint8Array): boolean {
  const first = frame[0];
  return first !== undefined && (first & 0x01) === 0;
}

/**
 * The clear prefix length for `frame` (a plaintext frame on the sender, or the received
 * frame on the receiver: the bytes it looks at are identical on both sides).
 */
export function clearPrefixLength(kind: MediaKind, codec: Codec, frame: Uint8Array): number {
  if (kind === 'video' && codec === 'vp8' && frame.length > 0) {
    return isVp8KeyFrame(frame) ? VP8_KEY_FRAME_PREFIX : VP8_DELTA_FRAME_PREFIX;
  }
  return 0;
}
