import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueTurnCredentials, restCredentialKeys, restPassword } from '../../../relay/turn/credentials';
import { longTermKey } from '../../../relay/turn/stun/integrity';
import { turnIceServersFor, turnOptionsFromEnv } from '../../../relay/turn/turn-options';

const NOW = 1_700_000_000_000;

describe('TURN REST credentials', () => {
  it('username is "<expiry>:<id>", password base64(HMAC-SHA1(secret, username)) as coturn computes it', () => {
    const c = issueTurnCredentials('north', 3600, NOW, 'alice');
    expect(c.username).toBe(`${NOW / 1000 + 3600}:alice`);
    expect(c.credential).toBe(createHmac('sha1', 'north').update(c.username).digest('base64'));
    expect(restPassword('north', c.username)).toBe(c.credential);
  });

  it('the server derives the long-term key for every accepted secret', () => {
    const c = issueTurnCredentials('old', 600, NOW);
    const r = restCredentialKeys(c.username, 'realm', ['new', 'old'], NOW);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.keys.map((k) => Buffer.from(k).toString('hex'))).toContain(Buffer.from(longTermKey(c.username, 'realm', c.credential)).toString('hex'));
  });

  it('expired and malformed usernames are typed errors', () => {
    const c = issueTurnCredentials('s', 60, NOW);
    const expired = restCredentialKeys(c.username, 'r', ['s'], NOW + 61_000);
    expect(!expired.ok && expired.error.code).toBe('credentials-expired');
    const malformed = restCredentialKeys('alice', 'r', ['s'], NOW);
    expect(!malformed.ok && malformed.error.code).toBe('credentials-malformed');
  });
});

describe('turn options', () => {
  it('defaults: built-in server on 3478 with a random secret', () => {
    const o = turnOptionsFromEnv({});
    expect(o.enabled).toBe(true);
    expect(o.server?.port).toBe(3478);
    expect(o.secrets.length).toBe(1);
    const ice = turnIceServersFor(o, NOW, { hostname: 'chat.example', port: 3478 });
    expect(ice).toHaveLength(1);
    expect(ice[0]!.urls).toEqual(['turn:chat.example:3478?transport=udp', 'turn:chat.example:3478?transport=tcp']);
    expect(ice[0]!.credential).toBe(restPassword(o.secrets[0]!, ice[0]!.username!));
  });

  it('TURN_URIS points clients at an external server and does not start ours', () => {
    const o = turnOptionsFromEnv({ TURN_URIS: 'turns:turn.example:443?transport=tcp', TURN_SECRET: 'a,b', TURN_ALLOW_PEERS: '10.0.0.0/8' });
    expect(o.server).toBeNull();
    expect(o.secrets).toEqual(['a', 'b']);
    expect(turnIceServersFor(o, NOW)[0]!.urls).toEqual(['turns:turn.example:443?transport=tcp']);
    expect(() => turnOptionsFromEnv({ TURN_URIS: 'turn:x' })).toThrow(/TURN_SECRET/);
  });

  it('TURN_ENABLED=false gives no ICE servers; bad values are typed errors', () => {
    expect(turnIceServersFor(turnOptionsFromEnv({ TURN_ENABLED: 'false' }), NOW)).toEqual([]);
    expect(() => turnOptionsFromEnv({ TURN_PORT: 'x' })).toThrow(expect.objectContaining({ code: 'options-invalid' }));
    expect(() => turnOptionsFromEnv({ TURN_ALLOW_PEERS: 'nope' })).toThrow(expect.objectContaining({ code: 'options-invalid' }));
    expect(turnIceServersFor(turnOptionsFromEnv({}), NOW, { hostname: '::1', port: 5 })[0]!.urls[0]).toBe('turn:[::1]:5?transport=udp');
  });

  it('TURN_MAX_BPS sets the relayed bytes per second per allocation (0: unlimited)', () => {
    expect(turnOptionsFromEnv({}).server?.quotas).toBeUndefined();
    expect(turnOptionsFromEnv({ TURN_MAX_BPS: '8000' }).server?.quotas).toEqual({ bytesPerSecond: 8000 });
    expect(turnOptionsFromEnv({ TURN_MAX_BPS: '0' }).server?.quotas).toEqual({ bytesPerSecond: 0 });
    for (const bad of ['-1', '1.5', 'fast']) expect(() => turnOptionsFromEnv({ TURN_MAX_BPS: bad })).toThrow(expect.objectContaining({ code: 'options-invalid' }));
  });
});
