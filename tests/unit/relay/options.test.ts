import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RelayError } from '../../../relay/errors';
import { DEFAULT_LIMITS, REPO_ROOT, relayOptionsFromEnv, resolveRelayOptions } from '../../../relay/options';

function envError(env: Record<string, string | undefined>): string | undefined {
  try {
    relayOptionsFromEnv(env);
  } catch (err) {
    return err instanceof RelayError ? err.code : 'other';
  }
  return undefined;
}

describe('relay options', () => {
  it('has documented defaults', () => {
    const o = relayOptionsFromEnv({});
    expect(o).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      staticDir: path.join(REPO_ROOT, 'dist', 'app'),
      iceServers: [],
      maxMeshParticipants: 6,
      maxParticipants: 256,
      e2ee: true,
    });
    expect(o.limits).toEqual(DEFAULT_LIMITS);
  });

  it('reads the environment', () => {
    const o = relayOptionsFromEnv({
      PORT: '0',
      HOST: '0.0.0.0',
      STATIC_DIR: '/tmp/x',
      ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"}]',
      MAX_MESH_PARTICIPANTS: '8',
      MAX_PARTICIPANTS: '1000',
      E2EE: 'off',
    });
    expect(o).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      staticDir: path.resolve('/tmp/x'),
      iceServers: [{ urls: ['stun:stun.example.org:3478'] }],
      maxMeshParticipants: 8,
      maxParticipants: 1000,
      e2ee: false,
    });
  });

  it.each<Record<string, string>>([
    { PORT: '70000' },
    { PORT: 'abc' },
    { E2EE: 'maybe' },
    { ICE_SERVERS: 'not json' },
    { ICE_SERVERS: '[{"urls":"http://x"}]' },
    { ICE_SERVERS: '{}' },
    { MAX_MESH_PARTICIPANTS: '1' },
    { MAX_MESH_PARTICIPANTS: '6.5' },
    { MAX_PARTICIPANTS: '1001' },
    { MAX_PARTICIPANTS: '1' },
  ])('refuses bad env %o with bad-env', (env) => {
    expect(envError(env)).toBe('bad-env');
  });

  it('merges partial limits over defaults', () => {
    const o = resolveRelayOptions({ limits: { rateBurst: 5 } });
    expect(o.limits.rateBurst).toBe(5);
    expect(o.limits.ratePerSecond).toBe(DEFAULT_LIMITS.ratePerSecond);
  });
});
