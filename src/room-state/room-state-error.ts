/**
 * Errors of the shared room state (schema writes, moderation, lobby, passcode). Readers of
 * the document never throw these at the UI: hostile entries are skipped. Writers and
 * verifiers do, with a stable `code` the UI switches on.
 */
import { LunarError } from '../util/lunar-error';

export type RoomStateErrorCode =
  /** A local write was refused by the schema (too long, wrong shape, unknown option...). */
  | 'invalid-input'
  /** The sender went over its rate (reactions). */
  | 'rate-limited'
  /** A second vote by the same voter on the same poll. */
  | 'already-voted'
  /** Vote on a poll that does not exist (or is malformed). */
  | 'unknown-poll'
  /** A moderator action whose signature or MAC does not verify. */
  | 'forged-action'
  /** A moderator action already seen (same id). */
  | 'replayed-action'
  /** A moderator action too old, from the future, or for an older key epoch. */
  | 'stale-action'
  /** A claimed moderator key that does not hash to this room id. */
  | 'wrong-moderator-key'
  /** An HMAC-authenticated action while the room does not let everyone moderate. */
  | 'not-moderator'
  /** A message from across a trust boundary (doc, lobby topic, data channel) with a bad shape. */
  | 'invalid-message'
  /** A lobby answer or knock that fails authentication or decryption. */
  | 'lobby-auth-failed'
  /** The passcode does not match the room's check value. */
  | 'wrong-passcode'
  /** A key or secret with the wrong shape. */
  | 'invalid-key';

export class RoomStateError extends LunarError<RoomStateErrorCode> {
  constructor(code: RoomStateErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RoomStateError';
  }
}
