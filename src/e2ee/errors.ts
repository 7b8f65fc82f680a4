/**
 * One error type for the whole E2EE layer. The `code` is a stable string so that callers
 * (and the UI) branch on it, and so that it survives `postMessage` out of the worker as
 * plain data: `{ code, message }`.
 */
import { LunarError } from '../util/lunar-error';

export type E2eeErrorCode =
  /** No key for this KID/epoch (yet): e.g. a sender moved to an epoch we have not received. */
  | 'missing-key'
  /** The authentication tag did not verify: tampering, or a key from another secret. */
  | 'invalid-tag'
  /** The CTR was already seen, or is older than the replay window. */
  | 'replay'
  /** Bytes that are not a well-formed SFrame header. */
  | 'malformed-header'
  /** A frame that is not SFrame from the expected sender (plaintext, or someone else's KID). */
  | 'unencrypted'
  /** A frame too short for its codec's clear prefix. */
  | 'frame-too-short'
  /** The link secret or a key has the wrong shape. */
  | 'invalid-key'
  /** Key changes must move forward: an epoch not newer than the current one. */
  | 'epoch-order'
  /** The per-key frame counter ran out (never in practice, but the nonce must not repeat). */
  | 'counter-exhausted'
  | 'unsupported-suite'
  /** The browser has neither RTCRtpScriptTransform nor createEncodedStreams: no E2EE possible. */
  | 'unsupported'
  /** Input from across a trust boundary (worker message, transform options) failed validation. */
  | 'invalid-message'
  /** The E2EE worker could not start (its script failed to load): nothing can be encrypted. */
  | 'worker-failed';

export interface E2eeErrorData {
  code: E2eeErrorCode;
  message: string;
}

const CODES: ReadonlySet<string> = new Set<E2eeErrorCode>([
  'missing-key',
  'invalid-tag',
  'replay',
  'malformed-header',
  'unencrypted',
  'frame-too-short',
  'invalid-key',
  'epoch-order',
  'counter-exhausted',
  'unsupported-suite',
  'unsupported',
  'invalid-message',
  'worker-failed',
]);

export function isE2eeErrorCode(value: unknown): value is E2eeErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

export class E2eeError extends LunarError<E2eeErrorCode> {
  constructor(code: E2eeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'E2eeError';
  }

  /** Structured-clone friendly form: class identity does not survive postMessage, this does. */
  toData(): E2eeErrorData {
    return { code: this.code, message: this.message };
  }

  static fromData(data: unknown): E2eeError {
    if (typeof data === 'object' && data !== null) {
      const { code, message } = data as Record<string, unknown>;
      if (isE2eeErrorCode(code)) return new E2eeError(code, typeof message === 'string' ? message : code);
    }
    return new E2eeError('invalid-message', 'not an E2EE error payload');
  }
}
