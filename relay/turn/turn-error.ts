/**
 * Errors of the TURN server, on the app's one error base: `code` is stable (tests and logs
 * match on it), `cause` keeps the underlying error. Decoders return these as values instead of
 * throwing, so garbage from the network can never unwind into a socket handler.
 */
import { LunarError } from '../../src/util/lunar-error';

export type TurnErrorCode =
  | 'stun-too-short'
  | 'stun-not-stun'
  | 'stun-bad-length'
  | 'stun-bad-cookie'
  | 'stun-bad-attribute'
  | 'stun-bad-fingerprint'
  | 'stun-attribute-after-fingerprint'
  | 'channel-data-bad'
  | 'tcp-framing'
  | 'credentials-malformed'
  | 'credentials-expired'
  | 'credentials-unknown'
  | 'options-invalid'
  | 'relay-bind-failed';

export class TurnError extends LunarError<TurnErrorCode> {
  constructor(code: TurnErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'TurnError';
  }
}
