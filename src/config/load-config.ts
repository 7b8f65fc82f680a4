/**
 * Finds the relay and its runtime configuration. Order (documented in the README):
 *  1. `config.json` beside index.html (served by the relay itself, or a static file on a CDN);
 *  2. its `relayUrl`, else the build-time `VITE_RELAY_URL`, else the page's own origin;
 *  3. when the relay is elsewhere, the relay's own `/config.json` supplies ICE servers.
 */
import { DEFAULT_RUNTIME_CONFIG, parseRuntimeConfig, type RuntimeConfig } from '../protocol/runtime-config';
import { LunarError } from '../util/lunar-error';

export interface LoadedConfig {
  config: RuntimeConfig;
  /** http(s) base URL of the relay, ending in `/`. */
  relayBase: string;
}

export class RelayUnreachableError extends LunarError<'relay-unreachable'> {}

async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(url, { cache: 'no-store', signal: ctrl.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.json();
  } finally {
    clearTimeout(timer);
  }
}

function withSlash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`;
}

export async function loadConfig(pageUrl: string = location.href): Promise<LoadedConfig> {
  const pageBase = new URL('.', pageUrl).href;
  let local: RuntimeConfig | null = null;
  try {
    local = parseRuntimeConfig(await fetchJson(new URL('config.json', pageBase).href, 5000));
  } catch {
    local = null; // A CDN deployment may rely on the build-time relay URL instead.
  }
  const buildTimeRelay = (import.meta.env.VITE_RELAY_URL as string | undefined) || null;
  const relayUrl = local?.relayUrl ?? buildTimeRelay;
  const relayBase = withSlash(relayUrl ?? pageBase);
  if (local && relayBase === pageBase) return { config: local, relayBase };
  try {
    const remote = parseRuntimeConfig(await fetchJson(new URL('config.json', relayBase).href, 5000));
    return { config: { ...remote, relayUrl: relayUrl ?? null }, relayBase };
  } catch (err) {
    if (local) return { config: local, relayBase };
    throw new RelayUnreachableError('relay-unreachable', unreachableMessage(relayBase), { cause: err });
  }
}

/** What a person reads when the relay does not answer, and what to do about it. */
export function unreachableMessage(relayBase: string): string {
  return `Can't reach the meeting server (${new URL(relayBase).host}). Check your internet connection and try again; if it keeps failing, the server may be down.`;
}

export { DEFAULT_RUNTIME_CONFIG };
