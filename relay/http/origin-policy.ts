import type { IncomingMessage } from 'node:http';

/**
 * `ALLOWED_ORIGINS`: which web origins may open signalling sockets, read `/config.json` and
 * post reports. With no list every origin is allowed (the default, as before). The app's
 * own origin (Origin host = Host header) is always allowed, so a relay that serves the app
 * keeps working behind any TLS proxy without listing itself. Requests without an Origin
 * header are not from a browser page and are let through: the allowlist stops other sites
 * from embedding the relay, not determined non-browser clients (use JWT auth for that).
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string> | null;

  constructor(allowed: readonly string[] | null) {
    this.allowed = allowed && allowed.length > 0 ? new Set(allowed.map(normalizeOrigin)) : null;
  }

  get restricted(): boolean {
    return this.allowed !== null;
  }

  allows(req: IncomingMessage): boolean {
    const origin = headerOf(req, 'origin');
    if (origin === undefined || this.allowed === null) return true;
    if (this.allowed.has(normalizeOrigin(origin))) return true;
    return sameHost(origin, headerOf(req, 'host'));
  }

  /** Value for Access-Control-Allow-Origin, or null to send none (the browser then refuses). */
  corsOrigin(req: IncomingMessage): string | null {
    if (this.allowed === null) return '*';
    const origin = headerOf(req, 'origin');
    if (origin === undefined) return null;
    return this.allows(req) ? origin : null;
  }
}

/** Parses `ALLOWED_ORIGINS` (comma-separated `scheme://host[:port]`); null when unset. */
export function parseAllowedOrigins(raw: string | undefined): string[] | null {
  if (raw === undefined || raw.trim() === '') return null;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function isOriginSyntax(origin: string): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === origin.trim().replace(/\/$/, '').toLowerCase();
  } catch {
    return false;
  }
}

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin.trim().toLowerCase();
  }
}

function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
