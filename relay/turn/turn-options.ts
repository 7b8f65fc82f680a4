/**
 * TURN configuration from the environment, in one place, and the ICE server entries the relay
 * hands to clients in `/config.json`.
 *
 *   TURN_ENABLED      "false"/"0"/"off" disables TURN entirely (default on)
 *   TURN_PORT         UDP and TCP port of the built-in server (default 3478)
 *   TURN_HOST         listening address (default 0.0.0.0)
 *   TURN_RELAY_HOST   address relayed sockets bind (default TURN_HOST)
 *   TURN_EXTERNAL_IP  address advertised for relayed sockets bound to a wildcard
 *   TURN_SECRET       REST secret(s), comma-separated, newest first (random per process if unset)
 *   TURN_REALM        realm (default "lunar-chat")
 *   TURN_ALLOW_PEERS  comma-separated IPs/CIDRs exempt from the private-range deny list
 *   TURN_URIS         comma-separated turn:/turns: URIs of an external server (coturn with
 *                     use-auth-secret and the same TURN_SECRET); the built-in server is then not started
 *   TURN_CREDENTIAL_TTL  seconds a credential handed to a client stays valid (default 86400)
 *   TURN_MAX_BPS      relayed bytes per second per allocation, both directions (default
 *                     5000000; 0 = unlimited): what one connection through the relay may carry
 */
import { randomBytes } from 'node:crypto';
import type { IceServerConfig } from '../../src/protocol/runtime-config';
import { issueTurnCredentials } from './credentials';
import { parseAllowList } from './peer-filter';
import { TurnError } from './turn-error';
import type { TurnServerOptions } from './turn-server';

export interface TurnOptions {
  enabled: boolean;
  /** Options for `createTurnServer`, or null when TURN is disabled or external (`TURN_URIS`). */
  server: TurnServerOptions | null;
  /** External TURN URIs; null means "the built-in server". */
  externalUris: string[] | null;
  /** Newest first: the first one signs the credentials handed out. */
  secrets: string[];
  credentialTtlSeconds: number;
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function port(v: string | undefined, fallback: number): number {
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new TurnError('options-invalid', `TURN_PORT ${v} is not a port`);
  return n;
}

export function turnOptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): TurnOptions {
  const enabled = !/^(0|false|no|off)$/i.test((env.TURN_ENABLED ?? '').trim());
  const configured = list(env.TURN_SECRET);
  const externalUris = list(env.TURN_URIS);
  if (externalUris.some((u) => !/^turns?:/.test(u))) throw new TurnError('options-invalid', 'TURN_URIS must be turn: or turns: URIs');
  if (externalUris.length > 0 && configured.length === 0) {
    throw new TurnError('options-invalid', 'TURN_URIS needs TURN_SECRET (the static-auth-secret of the external server)');
  }
  const secrets = configured.length > 0 ? configured : [randomBytes(24).toString('base64url')];
  const allowPeers = list(env.TURN_ALLOW_PEERS);
  if (!parseAllowList(allowPeers)) throw new TurnError('options-invalid', 'TURN_ALLOW_PEERS must list IPs or CIDRs');
  const ttl = Number(env.TURN_CREDENTIAL_TTL ?? 86_400);
  if (!Number.isFinite(ttl) || ttl < 60) throw new TurnError('options-invalid', 'TURN_CREDENTIAL_TTL must be at least 60 seconds');
  const maxBps = env.TURN_MAX_BPS?.trim() ? Number(env.TURN_MAX_BPS) : undefined;
  if (maxBps !== undefined && (!Number.isInteger(maxBps) || maxBps < 0)) throw new TurnError('options-invalid', 'TURN_MAX_BPS must be a whole number of bytes per second (0: unlimited)');
  const server: TurnServerOptions | null =
    enabled && externalUris.length === 0
      ? {
          host: env.TURN_HOST?.trim() || '0.0.0.0',
          port: port(env.TURN_PORT, 3478),
          ...(env.TURN_RELAY_HOST?.trim() ? { relayHost: env.TURN_RELAY_HOST.trim() } : {}),
          ...(env.TURN_EXTERNAL_IP?.trim() ? { externalIp: env.TURN_EXTERNAL_IP.trim() } : {}),
          realm: env.TURN_REALM?.trim() || 'lunar-chat',
          secrets,
          allowPeers,
          ...(maxBps !== undefined ? { quotas: { bytesPerSecond: maxBps } } : {}),
        }
      : null;
  return { enabled, server, externalUris: externalUris.length > 0 ? externalUris : null, secrets, credentialTtlSeconds: ttl };
}

/**
 * The ICE servers a client should use: fresh REST credentials plus either the external URIs or
 * UDP and TCP URIs of the built-in server at `where.hostname` (the relay's public host name, e.g.
 * from the request's Host header) and `where.port` (the server's actual port).
 */
export function turnIceServersFor(
  opts: TurnOptions,
  now: number,
  where: { hostname: string; port?: number } = { hostname: 'localhost' },
): IceServerConfig[] {
  if (!opts.enabled || opts.secrets.length === 0) return [];
  const { username, credential } = issueTurnCredentials(opts.secrets[0]!, opts.credentialTtlSeconds, now);
  if (opts.externalUris) return [{ urls: opts.externalUris, username, credential }];
  if (!opts.server) return [];
  const host = where.hostname.includes(':') && !where.hostname.startsWith('[') ? `[${where.hostname}]` : where.hostname;
  const p = where.port ?? opts.server.port ?? 3478;
  return [{ urls: [`turn:${host}:${p}?transport=udp`, `turn:${host}:${p}?transport=tcp`], username, credential }];
}
