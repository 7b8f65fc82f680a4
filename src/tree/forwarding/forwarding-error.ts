import { LunarError } from '../../util/lunar-error';

export type ForwardingErrorCode =
  /** Options or calls that crossed the main-thread → worker boundary failed validation. */
  | 'invalid-message'
  /** This browser cannot write encoded frames into a sender (no `createEncodedStreams`). */
  | 'unsupported'
  /** The forward worker failed to load or crashed: no frame can flow. */
  | 'worker-failed';

export interface ForwardingErrorData {
  code: ForwardingErrorCode;
  message: string;
}

const CODES: ReadonlySet<string> = new Set<ForwardingErrorCode>(['invalid-message', 'unsupported', 'worker-failed']);

export class ForwardingError extends LunarError<ForwardingErrorCode> {
  constructor(code: ForwardingErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ForwardingError';
  }

  toData(): ForwardingErrorData {
    return { code: this.code, message: this.message };
  }

  /** Codes survive postMessage as data; anything else becomes `invalid-message`. */
  static fromData(data: unknown): ForwardingError {
    if (typeof data === 'object' && data !== null) {
      const { code, message } = data as Record<string, unknown>;
      if (typeof code === 'string' && CODES.has(code)) {
        return new ForwardingError(code as ForwardingErrorCode, typeof message === 'string' ? message : code);
      }
    }
    return new ForwardingError('invalid-message', 'not a forwarding error payload');
  }
}
