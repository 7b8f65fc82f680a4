import { LunarError } from '../util/lunar-error';

export type TreeErrorCode =
  /** The shared state handed to the planner does not have the documented shape. */
  | 'invalid-state'
  /** Limits or bitrates that no plan can satisfy (e.g. fewer neighbours than bundles). */
  | 'invalid-limits';

export class TreeError extends LunarError<TreeErrorCode> {
  constructor(code: TreeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'TreeError';
  }
}
