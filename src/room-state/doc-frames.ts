/**
 * Doc messages cut into data-channel frames and joined back. A room doc's first sync can be
 * larger than one SCTP message may be (Chromium allows 256 KiB), so every message goes out as
 * frames of at most `DOC_FRAME_BYTES`, each led by one byte: whole, part (more follows) or
 * last part. Pure: the doc sync and its Node tests use it as is.
 */
import { RoomStateError } from './room-state-error';

/** Below Chromium's SCTP message limit with room to spare. */
export const DOC_FRAME_BYTES = 60 * 1024;
/** A joined message larger than this is refused: the sender is broken or hostile. */
export const MAX_DOC_MESSAGE_BYTES = 16 * 1024 * 1024;

const WHOLE = 0;
const PART = 1;
const LAST = 2;

export function splitDocMessage(message: Uint8Array, frameBytes: number = DOC_FRAME_BYTES): Uint8Array[] {
  const room = frameBytes - 1;
  if (room < 1) throw new RoomStateError('invalid-input', 'frame size too small');
  if (message.length <= room) return [withLead(WHOLE, message)];
  const frames: Uint8Array[] = [];
  for (let at = 0; at < message.length; at += room) {
    const end = Math.min(at + room, message.length);
    frames.push(withLead(end === message.length ? LAST : PART, message.subarray(at, end)));
  }
  return frames;
}

function withLead(lead: number, body: Uint8Array): Uint8Array {
  const frame = new Uint8Array(body.length + 1);
  frame[0] = lead;
  frame.set(body, 1);
  return frame;
}

/** Joins one peer's frames, in order (the channel is ordered and reliable). */
export class DocFrameJoiner {
  private parts: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number = MAX_DOC_MESSAGE_BYTES) {}

  /**
   * Returns the message a frame completes, or null while parts are pending. A malformed or
   * oversized frame throws `invalid-message` and drops whatever was pending.
   */
  push(frame: Uint8Array): Uint8Array | null {
    const lead = frame[0];
    if (lead === undefined || lead > LAST) return this.fail('unknown frame lead');
    const body = frame.subarray(1);
    if (lead === WHOLE) {
      if (this.parts.length > 0) return this.fail('a whole message inside a split one');
      return body;
    }
    this.size += body.length;
    if (this.size > this.maxBytes) return this.fail(`message over ${this.maxBytes} bytes`);
    this.parts.push(body);
    if (lead === PART) return null;
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    this.parts = [];
    this.size = 0;
    return out;
  }

  private fail(why: string): never {
    this.parts = [];
    this.size = 0;
    throw new RoomStateError('invalid-message', `doc frame: ${why}`);
  }
}
