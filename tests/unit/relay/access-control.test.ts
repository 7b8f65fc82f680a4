import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createJwtVerifier } from '../../../relay/auth/jwt-verifier';
import { RelayError } from '../../../relay/errors';
import type { RelayOptionsInput } from '../../../relay/options';
import type { Relay } from '../../../relay/server';
import { peerUrl, startRelay, TestClient, wsUrl } from './test-client';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const TOPIC = 'k'.repeat(43);
const enc = new TextEncoder();

async function hs256(claims: Record<string, unknown>, opts: { exp?: string | number; aud?: string; iss?: string; secret?: string } = {}) {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (opts.exp !== undefined) jwt = jwt.setExpirationTime(opts.exp);
  if (opts.aud) jwt = jwt.setAudience(opts.aud);
  if (opts.iss) jwt = jwt.setIssuer(opts.iss);
  return jwt.sign(enc.encode(opts.secret ?? SECRET));
}

/** An unsigned token, as an attacker would send it. */
function algNone(claims: Record<string, unknown>): string {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/** Resolves the HTTP status of a refused upgrade, or 101 when the socket opened. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(-1));
  });
}

const relays: Relay[] = [];
async function relayWith(input: RelayOptionsInput): Promise<Relay> {
  const r = await startRelay(input);
  relays.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.close()));
});

describe('JWT verifier', () => {
  it('HS256: accepts a valid token and returns its room', async () => {
    const v = await createJwtVerifier({ secret: SECRET, audience: 'lunar', issuer: 'billing' });
    const token = await hs256({ room: TOPIC }, { exp: '5m', aud: 'lunar', iss: 'billing' });
    expect(await v.verify(token)).toEqual({ room: TOPIC });
  });

  it.each([
    ['missing', async () => null],
    ['alg none', async () => algNone({ room: '*', exp: Math.floor(Date.now() / 1000) + 300 })],
    ['expired', async () => hs256({ room: '*' }, { exp: Math.floor(Date.now() / 1000) - 120, aud: 'lunar' })],
    ['without exp', async () => hs256({ room: '*' }, { aud: 'lunar' })],
    ['wrong audience', async () => hs256({ room: '*' }, { exp: '5m', aud: 'other' })],
    ['wrong secret', async () => hs256({ room: '*' }, { exp: '5m', aud: 'lunar', secret: 'x'.repeat(40) })],
    ['no room claim', async () => hs256({}, { exp: '5m', aud: 'lunar' })],
    ['non-string room', async () => hs256({ room: 42 }, { exp: '5m', aud: 'lunar' })],
    ['garbage', async () => 'not.a.jwt'],
  ])('refuses a token that is %s', async (_label, make) => {
    const v = await createJwtVerifier({ secret: SECRET, audience: 'lunar' });
    const err = await v.verify(await make()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RelayError);
    expect((err as RelayError).code).toBe('unauthorized');
  });

  it('RS256: accepts the key pair, refuses an HS256 token made with the public key (alg confusion)', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const v = await createJwtVerifier({ publicKeyPem: pem, issuer: 'idp' });
    const good = await new SignJWT({ room: '*' }).setProtectedHeader({ alg: 'RS256' }).setIssuer('idp').setExpirationTime('1m').sign(privateKey);
    expect(await v.verify(good)).toEqual({ room: '*' });
    const confused = await new SignJWT({ room: '*' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('idp').setExpirationTime('1m').sign(enc.encode(pem));
    await expect(v.verify(confused)).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

describe('relay with AUTH_JWT_SECRET', () => {
  it('refuses upgrades without a valid ?jwt= on both routes', async () => {
    const relay = await relayWith({ auth: { secret: SECRET } });
    expect(await upgradeStatus(wsUrl(relay, '/yjs'))).toBe(401);
    expect(await upgradeStatus(peerUrl(relay, 'p1'))).toBe(401);
    expect(await upgradeStatus(wsUrl(relay, `/yjs?jwt=${algNone({ room: '*', exp: 9e9 })}`))).toBe(401);
    const token = await hs256({ room: '*' }, { exp: '5m' });
    expect(await upgradeStatus(wsUrl(relay, `/yjs?jwt=${token}`))).toBe(101);
    expect(await upgradeStatus(`${peerUrl(relay, 'p2')}&jwt=${token}`)).toBe(101);
    expect(relay.stats().errors.unauthorized).toBe(3);
  });

  it('a room-bound token may subscribe and publish to that topic only', async () => {
    const relay = await relayWith({ auth: { secret: SECRET } });
    const token = await hs256({ room: TOPIC }, { exp: '5m' });
    const c = await TestClient.open(wsUrl(relay, `/yjs?jwt=${token}`));
    c.send({ type: 'subscribe', topics: ['some-other-topic'] });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'forbidden-topic' });
    c.send({ type: 'publish', topic: 'some-other-topic', data: 1 });
    expect(await c.next()).toMatchObject({ type: 'error', code: 'forbidden-topic' });
    c.send({ type: 'subscribe', topics: [TOPIC] });
    c.send({ type: 'publish', topic: TOPIC, data: 'ok' });
    expect(await c.next()).toMatchObject({ type: 'publish', topic: TOPIC, data: 'ok' });
    c.close();
  });
});

describe('ALLOWED_ORIGINS', () => {
  it('gates WebSocket upgrades and /config.json by Origin', async () => {
    const relay = await relayWith({ allowedOrigins: ['https://chat.example.org'] });
    const host = new URL(relay.url).host;
    expect(await upgradeStatus(wsUrl(relay, '/yjs'), { Origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(peerUrl(relay, 'p3'), { Origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(wsUrl(relay, '/yjs'), { Origin: 'https://chat.example.org' })).toBe(101);
    // The relay's own origin (served the app itself) and non-browser clients (no Origin).
    expect(await upgradeStatus(wsUrl(relay, '/yjs'), { Origin: `http://${host}` })).toBe(101);
    expect(await upgradeStatus(wsUrl(relay, '/yjs'))).toBe(101);
    expect(relay.stats().errors['forbidden-origin']).toBe(2);

    const evil = await fetch(`${relay.url}/config.json`, { headers: { Origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const good = await fetch(`${relay.url}/config.json`, { headers: { Origin: 'https://chat.example.org' } });
    expect(good.status).toBe(200);
    expect(good.headers.get('access-control-allow-origin')).toBe('https://chat.example.org');
    expect(good.headers.get('vary')).toBe('Origin');
  });

  it('without a list every origin is allowed, as before', async () => {
    const relay = await relayWith({});
    expect(await upgradeStatus(wsUrl(relay, '/yjs'), { Origin: 'https://anywhere.example' })).toBe(101);
    expect((await fetch(`${relay.url}/config.json`)).headers.get('access-control-allow-origin')).toBe('*');
  });
});
