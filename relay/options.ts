import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRuntimeConfig, RuntimeConfigError } from '../src/protocol/runtime-config';
import type { IceServerConfig } from '../src/protocol/runtime-config';
import { RelayError } from './errors';

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
  iceServersFor?: () => IceServerConfig[];
  maxMeshParticipants: number;
  e2ee: boolean;
  qualityReports: boolean;
  limits: RelayLimits;
  /** Operational log lines. Never receives ids, topics, tokens or URLs with query strings. */
  log: (line: string) => void;
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
    e2ee: true,
    qualityReports: true,
    log: (line) => console.log(line),
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
 * Reads PORT, HOST, STATIC_DIR, ICE_SERVERS, MAX_MESH_PARTICIPANTS, E2EE, QUALITY_REPORTS.
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
  return resolveRelayOptions(input);
}

function validated<T>(parse: () => T, name: string): T {
  try {
    return parse();
  } catch (cause) {
    if (cause instanceof RuntimeConfigError) throw new RelayError('bad-env', `${name}: ${cause.message}`, { cause });
    throw cause;
  }
}
