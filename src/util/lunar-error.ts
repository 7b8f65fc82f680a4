/**
 * The one error base of the app. `code` is stable (tests and the UI switch on it) and
 * survives postMessage/JSON because it is a plain string field.
 */
export class LunarError<C extends string = string> extends Error {
  readonly code: C;
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'LunarError';
  }

  toJSON(): { code: C; message: string } {
    return { code: this.code, message: this.message };
  }
}
