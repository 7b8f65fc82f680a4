import { loadConfig, type LoadedConfig } from './load-config';

let pending: Promise<LoadedConfig> | null = null;

/**
 * The runtime config, fetched once. `main.tsx` starts it before the UI renders so a room
 * link does not wait for the first paint to begin talking to the relay.
 */
export function bootConfig(): Promise<LoadedConfig> {
  pending ??= loadConfig();
  pending.catch(() => {
    pending = null; // A later retry fetches again.
  });
  return pending;
}
