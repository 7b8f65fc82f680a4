/**
 * The one error base of the TURN server. `code` is stable (tests and logs match on it);
 * `cause` keeps the underlying error. Decoders return these as values instead of throwing,
 * so garbage from the network can never unwind into a socket handler.
 */
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

export class TurnError extends Error {
  readonly code: TurnErrorCode;
  constructor(code: TurnErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TurnError';
    this.code = code;
  }
}
