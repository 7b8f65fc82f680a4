/** Synthetic encoded frames for tests: shaped like real VP8/Opus payloads where it matters. */

/** A VP8 key frame: frame tag with bit 0 = 0, start code 9d 01 2a, 640x480, then payload. */
export function vp8KeyFrame(payloadBytes = 200, seed = 1): Uint8Array {
  const frame = new Uint8Array(10 + payloadBytes);
  frame.set([0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]);
  fill(frame.subarray(10), seed);
  return frame;
}

/** A VP8 delta frame: frame tag with bit 0 = 1. */
export function vp8DeltaFrame(payloadBytes = 80, seed = 2): Uint8Array {
  const frame = new Uint8Array(3 + payloadBytes);
  frame.set([0x31, 0x07, 0x00]);
  fill(frame.subarray(3), seed);
  return frame;
}

/** An Opus packet: TOC byte (SILK WB 20 ms, mono, one frame) then payload. */
export function opusFrame(payloadBytes = 60, seed = 3): Uint8Array {
  const frame = new Uint8Array(1 + payloadBytes);
  frame[0] = 0x48;
  fill(frame.subarray(1), seed);
  return frame;
}

function fill(bytes: Uint8Array, seed: number): void {
  let x = seed * 2654435761;
  for (let i = 0; i < bytes.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
}

export const SECRET = 'q83vEjRWeJq83vEjRWeJqw'; // 128 bits, base64url
export const OTHER_SECRET = 'AAECAwQFBgcICQoLDA0ODw';
