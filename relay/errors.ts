import { LunarError } from '../src/util/lunar-error';

/**
 * Stable codes the relay sends back to clients and counts in stats. Clients and tests
 * switch on these, so they never change meaning once shipped.
 */
export type RelayErrorCode =
  | 'bad-env'
  | 'bad-json'
  | 'bad-message'
  | 'unknown-type'
  | 'frame-too-large'
  | 'binary-not-supported'
  | 'rate-limited'
  | 'backpressure'
  | 'id-taken'
  | 'invalid-id'
  | 'invalid-token'
  | 'invalid-key'
  | 'not-connected'
  | 'too-many-topics'
  | 'invalid-topic'
  | 'topic-full'
  | 'forbidden-topic'
  | 'unauthorized'
  | 'forbidden-origin'
  | 'cluster-unavailable'
  | 'socket-error'
  | 'internal';

export class RelayError extends LunarError<RelayErrorCode> {
  constructor(code: RelayErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RelayError';
  }
}

/** Anything thrown inside a handler becomes a RelayError so replies always carry a code. */
export function toRelayError(err: unknown): RelayError {
  if (err instanceof RelayError) return err;
  return new RelayError('internal', 'internal relay error', { cause: err });
}
