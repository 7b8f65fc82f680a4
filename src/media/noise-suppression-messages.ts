/** Messages across the AudioWorklet port (main thread ⇄ RNNoise processor), validated on receipt. */

export const NOISE_PROCESSOR_NAME = 'lunar-rnnoise';

export type ToWorklet = { type: 'set-enabled'; enabled: boolean } | { type: 'dispose' };

export type FromWorklet =
  | { type: 'ready' }
  /** Loading RNNoise failed: audio passes through unprocessed. `code` is stable. */
  | { type: 'error'; code: 'rnnoise-load-failed'; message: string };

export function parseToWorklet(data: unknown): ToWorklet | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  if (m['type'] === 'set-enabled' && typeof m['enabled'] === 'boolean') return { type: 'set-enabled', enabled: m['enabled'] };
  if (m['type'] === 'dispose') return { type: 'dispose' };
  return null;
}

export function parseFromWorklet(data: unknown): FromWorklet | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  if (m['type'] === 'ready') return { type: 'ready' };
  if (m['type'] === 'error' && m['code'] === 'rnnoise-load-failed' && typeof m['message'] === 'string') return { type: 'error', code: 'rnnoise-load-failed', message: m['message'] };
  return null;
}
