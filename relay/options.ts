import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRuntimeConfig, RuntimeConfigError } from '../src/protocol/runtime-config';
import type { IceServerConfig } from '../src/protocol/runtime-config';
import { RelayError } from './errors';
import { isOriginSyntax, parseAllowedOrigins } from './http/origin-policy';

/** Repository root, so the default STATIC_DIR does not depend on the working directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Abuse and liveness bounds. Defaults suit production; tests shrink them to run fast. */
export interface RelayLimits {
  /** `ws` refuses larger frames with close 1009. */
  maxPayloadBytes: number;
  /** A socket that has not answered the previous ping within this interval is terminated. */
  heartbeatIntervalMs: number;
  /** Sustained messages per second per connection. */
  ratePerSecond: number;
  /** Messages a connection may send at once before the sustained rate applies. */
  rateBurst: number;
  /** Rate-limited messages tolerated (refilling at ratePerSecond / 10) before close 1008. */
  abuseBurst: number;
  /** A peer that does not read its socket is cut off once this much is queued for it. */
  maxBufferedBytes: number;
  peerQueueTtlMs: number;
  peerQueuePerDestination: number;
  peerQueueTotal: number;
  /** How often expired queued PeerJS messages are swept. */
  peerQueueSweepMs: number;
  maxTopicsPerConnection: number;
  maxTopicLength: number;
  maxSubscribersPerTopic: number;
}

export interface RelayOptions {
  port: number;
  host: string;
  staticDir: string;
  iceServers: IceServerConfig[];
  /**
   * Per-request ICE servers (e.g. short-lived TURN credentials). When present it replaces
   * `iceServers` in `/config.json`; it is called for every request, so keep it cheap.
   */
  iceServersFor?: (where: { hostname: string }) => IceServerConfig[];
  maxMeshParticipants: number;
  maxParticipants: number;
  e2ee: boolean;
  qualityReports: boolean;
  limits: RelayLimits;
  /** Operational log lines. Never receives ids, topics, tokens or URLs with query strings. */
  log: (line: string) => void;
  /** `STATS_TOKEN`: bearer token required for `/stats` and `/metrics`. */
  statsToken: string | null;
  /** `STATS_PORT`: serve `/stats` and `/metrics` only on this extra listener (0 = free port). */
  statsPort: number | null;
  /** `STATS_HOST`: bind address of the stats listener; defaults to `host`. */
  statsHost: string | null;
  /** TURN counters (relay/turn's `stats()`), merged into `/stats` and `/metrics`. */
  turnStats?: () => Record<string, number>;
  /** `REPORTS_PER_MINUTE`: quality reports accepted per client address per minute. */
  reportsPerMinute: number;
  /** `WEBHOOK_URLS` / `WEBHOOK_SECRET`. */
  webhookUrls: string[];
  webhookSecret: string | null;
  /** `AUTH_JWT_*`: when set, WebSocket upgrades need `?jwt=`. */
  auth: JwtAuthConfig | null;
  /** `ALLOWED_ORIGINS`: null allows every origin. */
  allowedOrigins: string[] | null;
  /** `REDIS_URL`: join a cluster of relays sharing this Redis. */
  redisUrl: string | null;
}

export interface JwtAuthConfig {
  /** HS256 shared secret (`AUTH_JWT_SECRET`). Exactly one of secret / publicKeyPem. */
  secret?: string;
  /** RS256 public key, SPKI PEM (`AUTH_JWT_PUBLIC_KEY`, the PEM text or a file path). */
  publicKeyPem?: string;
  audience?: string;
  issuer?: string;
}

/** What callers may pass: everything optional, limits merged field by field. */
export type RelayOptionsInput = Partial<Omit<RelayOptions, 'limits'>> & { limits?: Partial<RelayLimits> };

export const DEFAULT_LIMITS: RelayLimits = {
  maxPayloadBytes: 64 * 1024,
  heartbeatIntervalMs: 15_000,
  ratePerSecond: 100,
  rateBurst: 300,
  abuseBurst: 300,
  maxBufferedBytes: 1024 * 1024,
  peerQueueTtlMs: 5_000,
  peerQueuePerDestination: 32,
  peerQueueTotal: 10_000,
  peerQueueSweepMs: 300,
  maxTopicsPerConnection: 32,
  maxTopicLength: 128,
  maxSubscribersPerTopic: 2_000,
};

export function resolveRelayOptions(input: RelayOptionsInput = {}): RelayOptions {
  const { limits, ...rest } = input;
  const options: RelayOptions = {
    port: 8080,
    host: '127.0.0.1',
    staticDir: path.join(REPO_ROOT, 'dist', 'app'),
    iceServers: [],
    maxMeshParticipants: 6,
    maxParticipants: 256,
    e2ee: true,
    qualityReports: true,
    log: (line) => console.log(line),
    statsToken: null,
    statsPort: null,
    statsHost: null,
    reportsPerMinute: 6,
    webhookUrls: [],
    webhookSecret: null,
    auth: null,
    allowedOrigins: null,
    redisUrl: null,
    ...stripUndefined(rest),
    limits: { ...DEFAULT_LIMITS, ...stripUndefined(limits ?? {}) },
  };
  return options;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function parsePort(raw: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw new RelayError('bad-env', `PORT must be 0..65535, got "${raw}"`);
  return Number(raw);
}

function parseBool(name: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'on', 'yes'].includes(v)) return true;
  if (['0', 'false', 'off', 'no'].includes(v)) return false;
  throw new RelayError('bad-env', `${name} must be on/off/true/false/1/0, got "${raw}"`);
}

/**
 * Reads PORT, HOST, STATIC_DIR, ICE_SERVERS, MAX_MESH_PARTICIPANTS, MAX_PARTICIPANTS, E2EE, QUALITY_REPORTS
 * and the operations settings of `opsOptionsFromEnv` (docs/relay-operations.md).
 * ICE servers and the mesh size reuse the client's own config validation, so the relay can
 * never serve a `/config.json` its clients would reject.
 */
export function relayOptionsFromEnv(env: NodeJS.ProcessEnv, base: RelayOptionsInput = {}): RelayOptions {
  const input: RelayOptionsInput = { ...base };
  if (env.PORT !== undefined && env.PORT !== '') input.port = parsePort(env.PORT);
  if (env.HOST !== undefined && env.HOST !== '') input.host = env.HOST;
  if (env.STATIC_DIR !== undefined && env.STATIC_DIR !== '') input.staticDir = path.resolve(env.STATIC_DIR);
  if (env.E2EE !== undefined && env.E2EE !== '') input.e2ee = parseBool('E2EE', env.E2EE);
  if (env.QUALITY_REPORTS !== undefined && env.QUALITY_REPORTS !== '') {
    input.qualityReports = parseBool('QUALITY_REPORTS', env.QUALITY_REPORTS);
  }
  if (env.ICE_SERVERS !== undefined && env.ICE_SERVERS !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.ICE_SERVERS);
    } catch (cause) {
      throw new RelayError('bad-env', 'ICE_SERVERS must be a JSON array', { cause });
    }
    input.iceServers = validated(() => parseRuntimeConfig({ iceServers: parsed }).iceServers, 'ICE_SERVERS');
  }
  if (env.MAX_MESH_PARTICIPANTS !== undefined && env.MAX_MESH_PARTICIPANTS !== '') {
    const raw = env.MAX_MESH_PARTICIPANTS;
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    input.maxMeshParticipants = validated(
      () => parseRuntimeConfig({ maxMeshParticipants: n }).maxMeshParticipants,
      'MAX_MESH_PARTICIPANTS',
    );
  }
  if (env.MAX_PARTICIPANTS !== undefined && env.MAX_PARTICIPANTS !== '') {
    const raw = env.MAX_PARTICIPANTS;
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    input.maxParticipants = validated(() => parseRuntimeConfig({ maxParticipants: n }).maxParticipants, 'MAX_PARTICIPANTS');
  }
  Object.assign(input, opsOptionsFromEnv(env));
  return resolveRelayOptions(input);
}

const set = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

/** STATS_*, REPORTS_PER_MINUTE, WEBHOOK_*, AUTH_JWT_*, ALLOWED_ORIGINS, REDIS_URL. */
function opsOptionsFromEnv(env: NodeJS.ProcessEnv): RelayOptionsInput {
  const input: RelayOptionsInput = {};
  if (set(env.STATS_TOKEN)) input.statsToken = env.STATS_TOKEN.trim();
  if (set(env.STATS_PORT)) input.statsPort = parsePort(env.STATS_PORT);
  if (set(env.STATS_HOST)) input.statsHost = env.STATS_HOST.trim();
  if (set(env.REPORTS_PER_MINUTE)) {
    const n = Number(env.REPORTS_PER_MINUTE);
    if (!Number.isInteger(n) || n < 1 || n > 600) throw new RelayError('bad-env', 'REPORTS_PER_MINUTE must be 1..600');
    input.reportsPerMinute = n;
  }
  if (set(env.WEBHOOK_URLS)) {
    const urls = env.WEBHOOK_URLS.split(',').map((u) => u.trim()).filter((u) => u !== '');
    for (const u of urls) {
      if (!/^https?:\/\//.test(u) || !URL.canParse(u)) throw new RelayError('bad-env', 'WEBHOOK_URLS must be comma-separated http(s) URLs');
    }
    if (!set(env.WEBHOOK_SECRET)) throw new RelayError('bad-env', 'WEBHOOK_URLS needs WEBHOOK_SECRET (every delivery is signed)');
    input.webhookUrls = urls;
  }
  if (set(env.WEBHOOK_SECRET)) input.webhookSecret = env.WEBHOOK_SECRET;
  if (set(env.AUTH_JWT_SECRET) || set(env.AUTH_JWT_PUBLIC_KEY)) {
    if (set(env.AUTH_JWT_SECRET) && set(env.AUTH_JWT_PUBLIC_KEY)) {
      throw new RelayError('bad-env', 'set AUTH_JWT_SECRET or AUTH_JWT_PUBLIC_KEY, not both');
    }
    const auth: JwtAuthConfig = {};
    if (set(env.AUTH_JWT_SECRET)) {
      if (env.AUTH_JWT_SECRET.length < 32) throw new RelayError('bad-env', 'AUTH_JWT_SECRET must be at least 32 characters');
      auth.secret = env.AUTH_JWT_SECRET;
    } else if (set(env.AUTH_JWT_PUBLIC_KEY)) {
      auth.publicKeyPem = readPem(env.AUTH_JWT_PUBLIC_KEY);
    }
    if (set(env.AUTH_JWT_AUDIENCE)) auth.audience = env.AUTH_JWT_AUDIENCE.trim();
    if (set(env.AUTH_JWT_ISSUER)) auth.issuer = env.AUTH_JWT_ISSUER.trim();
    input.auth = auth;
  }
  const origins = parseAllowedOrigins(env.ALLOWED_ORIGINS);
  if (origins) {
    const bad = origins.find((o) => !isOriginSyntax(o));
    if (bad !== undefined) throw new RelayError('bad-env', `ALLOWED_ORIGINS: "${bad}" is not an origin like https://chat.example.org`);
    input.allowedOrigins = origins;
  }
  if (set(env.REDIS_URL)) {
    if (!/^rediss?:\/\//.test(env.REDIS_URL) || !URL.canParse(env.REDIS_URL)) {
      throw new RelayError('bad-env', 'REDIS_URL must be redis://host:port or rediss://…');
    }
    input.redisUrl = env.REDIS_URL.trim();
  }
  return input;
}

/** A PEM given inline (\\n escapes allowed, as env files often need) or as a file path. */
function readPem(raw: string): string {
  const text = raw.includes('-----BEGIN') ? raw.replace(/\\n/g, '\n') : readKeyFile(raw.trim());
  if (!text.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new RelayError('bad-env', 'AUTH_JWT_PUBLIC_KEY must be an SPKI PEM ("-----BEGIN PUBLIC KEY-----") or a path to one');
  }
  return text;
}

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new RelayError('bad-env', 'AUTH_JWT_PUBLIC_KEY: cannot read the key file', { cause });
  }
}

function validated<T>(parse: () => T, name: string): T {
  try {
    return parse();
  } catch (cause) {
    if (cause instanceof RuntimeConfigError) throw new RelayError('bad-env', `${name}: ${cause.message}`, { cause });
    throw cause;
  }
}
