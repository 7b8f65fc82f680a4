/**
 * Validation helpers for values read from the shared document. Every reader goes through
 * these: a value written by another peer is `unknown` until proven otherwise.
 */
import { ROOM_LIMITS } from './room-limits';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** A string of 1..max UTF-16 units (the UI renders text, never HTML, so content is free). */
export function isBoundedString(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max;
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Ids and peer ids: url-safe tokens, so they are safe as map keys and in composite keys. */
export function isToken(v: unknown, max: number = ROOM_LIMITS.peerIdChars): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max && TOKEN.test(v);
}

/** Milliseconds since the epoch, within reason (no NaN, no negative, no year 10000). */
export function isTimestamp(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 253_402_300_800_000;
}

export function isIndex(v: unknown, length: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < length;
}

/** Random url-safe id for messages, polls, reactions and actions. */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let s = '';
  for (const b of bytes) s += 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[b & 63];
  return s;
}

/** Runs a reader; a Yjs type clash or any surprise in hostile data yields the fallback. */
export function safeRead<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
