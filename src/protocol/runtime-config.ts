/**
 * The runtime configuration a client needs, served by the relay as `GET /config.json`
 * (or placed as a static `config.json` beside `index.html` on a CDN). One static build
 * therefore works against any relay. Pure code: shared by the relay (which builds it)
 * and the app (which validates it: the file crosses a trust boundary).
 */
export const RUNTIME_CONFIG_VERSION = 1;

export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface FeatureSwitches {
  /** End-to-end encryption of media (SFrame). On unless a deployment turns it off for debugging. */
  e2ee: boolean;
  /** Anonymous quality reports to the relay (issue 6); clients may still opt out. */
  qualityReports: boolean;
}

export interface RuntimeConfig {
  version: typeof RUNTIME_CONFIG_VERSION;
  /**
   * Base URL of the relay (http/https; the WebSocket routes hang off it). `null` means
   * "the origin that served the app".
   */
  relayUrl: string | null;
  iceServers: IceServerConfig[];
  /**
   * Default mesh threshold: above this many people a call moves its media to the relay tree
   * (a link's `meshMax=N` overrides it).
   */
  maxMeshParticipants: number;
  /** Largest room; the next person sees "meeting is full". */
  maxParticipants: number;
  features: FeatureSwitches;
}

/** The "1,000 on request" ceiling of large rooms. */
export const MAX_ROOM_SIZE = 1000;

export const DEFAULT_RUNTIME_CONFIG: RuntimeConfig = {
  version: RUNTIME_CONFIG_VERSION,
  relayUrl: null,
  iceServers: [],
  maxMeshParticipants: 6,
  maxParticipants: 256,
  features: { e2ee: true, qualityReports: true },
};

export class RuntimeConfigError extends Error {
  readonly code = 'invalid-runtime-config';
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeConfigError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseIceServer(v: unknown, i: number): IceServerConfig {
  if (!isRecord(v)) throw new RuntimeConfigError(`iceServers[${i}] must be an object`);
  const raw = typeof v.urls === 'string' ? [v.urls] : v.urls;
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((u) => typeof u === 'string' && /^(stun|stuns|turn|turns):/.test(u))) {
    throw new RuntimeConfigError(`iceServers[${i}].urls must be stun:/turn: URLs`);
  }
  const out: IceServerConfig = { urls: raw as string[] };
  if (v.username !== undefined) {
    if (typeof v.username !== 'string') throw new RuntimeConfigError(`iceServers[${i}].username must be a string`);
    out.username = v.username;
  }
  if (v.credential !== undefined) {
    if (typeof v.credential !== 'string') throw new RuntimeConfigError(`iceServers[${i}].credential must be a string`);
    out.credential = v.credential;
  }
  return out;
}

/** Validates untrusted JSON; missing optional fields take their defaults. */
export function parseRuntimeConfig(input: unknown): RuntimeConfig {
  if (!isRecord(input)) throw new RuntimeConfigError('config must be a JSON object');
  if (input.version !== undefined && input.version !== RUNTIME_CONFIG_VERSION) {
    throw new RuntimeConfigError(`unsupported config version ${String(input.version)}`);
  }
  let relayUrl: string | null = DEFAULT_RUNTIME_CONFIG.relayUrl;
  if (input.relayUrl !== undefined && input.relayUrl !== null) {
    if (typeof input.relayUrl !== 'string' || !/^https?:\/\/[^\s]+$/.test(input.relayUrl)) {
      throw new RuntimeConfigError('relayUrl must be an http(s) URL or null');
    }
    relayUrl = input.relayUrl.replace(/\/+$/, '');
  }
  const iceRaw = input.iceServers ?? [];
  if (!Array.isArray(iceRaw) || iceRaw.length > 16) throw new RuntimeConfigError('iceServers must be an array of at most 16');
  const iceServers = iceRaw.map(parseIceServer);
  let maxMeshParticipants = DEFAULT_RUNTIME_CONFIG.maxMeshParticipants;
  if (input.maxMeshParticipants !== undefined) {
    const n = input.maxMeshParticipants;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > 64) {
      throw new RuntimeConfigError('maxMeshParticipants must be an integer from 2 to 64');
    }
    maxMeshParticipants = n;
  }
  let maxParticipants = DEFAULT_RUNTIME_CONFIG.maxParticipants;
  if (input.maxParticipants !== undefined) {
    const n = input.maxParticipants;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > MAX_ROOM_SIZE) {
      throw new RuntimeConfigError(`maxParticipants must be an integer from 2 to ${MAX_ROOM_SIZE}`);
    }
    maxParticipants = n;
  }
  const features: FeatureSwitches = { ...DEFAULT_RUNTIME_CONFIG.features };
  if (input.features !== undefined) {
    if (!isRecord(input.features)) throw new RuntimeConfigError('features must be an object');
    for (const key of Object.keys(features) as (keyof FeatureSwitches)[]) {
      const v = input.features[key];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') throw new RuntimeConfigError(`features.${key} must be a boolean`);
      features[key] = v;
    }
  }
  return { version: RUNTIME_CONFIG_VERSION, relayUrl, iceServers, maxMeshParticipants, maxParticipants, features };
}
