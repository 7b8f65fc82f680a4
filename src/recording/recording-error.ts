import { LunarError } from '../util/lunar-error';

export type RecordingErrorCode =
  /** The passphrase does not open this file (the key check in the header did not match). */
  | 'wrong-passphrase'
  /** A chunk failed authentication: the file was modified, reordered or damaged. */
  | 'corrupt-recording'
  /** The file ends early: the last chunk is missing or cut. */
  | 'truncated-recording'
  /** Not a Lunar recording, or a version or parameters we do not accept. */
  | 'unsupported-recording'
  /** MediaRecorder is missing or refused to record. */
  | 'recorder-unavailable';

export class RecordingError extends LunarError<RecordingErrorCode> {
  constructor(code: RecordingErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RecordingError';
  }
}
