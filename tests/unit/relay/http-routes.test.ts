import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStaticPath } from '../../../relay/http/static-files';
import type { Relay } from '../../../relay/server';
import { parseRuntimeConfig } from '../../../src/protocol/runtime-config';
import { startRelay } from './test-client';

/** Sends a request byte-for-byte (fetch would normalise `..` away before it left). */
function rawGet(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    s.on('data', (d) => (text += d.toString()));
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
}

describe('relay HTTP routes', () => {
  let relay: Relay;
  let root: string;
  let dir: string;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'lunar-static-'));
    dir = path.join(root, 'app');
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Lunar</title>');
    writeFileSync(path.join(dir, 'assets', 'main-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'manifest.webmanifest'), '{}');
    writeFileSync(path.join(root, 'secret.txt'), 'outside');
    relay = await startRelay({
      staticDir: dir,
      maxMeshParticipants: 4,
      e2ee: false,
      iceServersFor: () => [{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }],
    });
  });
  afterAll(async () => {
    await relay.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('GET /healthz', async () => {
    const res = await fetch(`${relay.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('GET /config.json matches RuntimeConfig and uses iceServersFor', async () => {
    const res = await fetch(`${relay.url}/config.json`);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body: unknown = await res.json();
    expect(parseRuntimeConfig(body)).toEqual(body);
    expect(body).toEqual({
      version: 1,
      relayUrl: null,
      iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }],
      maxMeshParticipants: 4,
      maxParticipants: 256,
      features: { e2ee: false, qualityReports: true },
    });
  });

  it('GET /peerjs/id returns a fresh valid PeerJS id', async () => {
    const a = await fetch(`${relay.url}/peerjs/id?ts=123&version=1.5.5`);
    const b = await fetch(`${relay.url}/peerjs/id?ts=124&version=1.5.5`);
    expect(a.headers.get('access-control-allow-origin')).toBe('*');
    expect(a.headers.get('content-type')).toMatch(/^text\/plain/);
    const [ida, idb] = [await a.text(), await b.text()];
    expect(ida).toMatch(/^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/);
    expect(ida).not.toBe(idb);
  });

  it('serves index.html at / with CSP and no-cache', async () => {
    const res = await fetch(`${relay.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(await res.text()).toContain('<title>Lunar</title>');
  });

  it('serves fingerprinted assets as immutable with the right type', async () => {
    const res = await fetch(`${relay.url}/assets/main-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect(await res.text()).toBe('console.log(1)');
    const manifest = await fetch(`${relay.url}/manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json');
  });

  it('HEAD sends headers only; other methods get 405', async () => {
    const head = await fetch(`${relay.url}/assets/main-abc123.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('14');
    expect(await head.text()).toBe('');
    const post = await fetch(`${relay.url}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('404s unknown files and directories', async () => {
    expect((await fetch(`${relay.url}/nope.js`)).status).toBe(404);
    expect((await fetch(`${relay.url}/assets`)).status).toBe(404);
    expect((await fetch(`${relay.url}/assets/`)).status).toBe(404);
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00', '/%E0%A4%A'])(
    'refuses traversal %s',
    async (target) => {
      const reply = await rawGet(relay.port, target);
      expect(reply).toMatch(/^HTTP\/1\.1 (400|404)/);
      expect(reply).not.toContain('outside');
    },
  );

  it('resolveStaticPath keeps every path inside the root', () => {
    expect(resolveStaticPath('/srv/app', '/')).toBe(path.resolve('/srv/app/index.html'));
    expect(resolveStaticPath('/srv/app', '/a/../b.js')).toBe(path.resolve('/srv/app/b.js'));
    expect(resolveStaticPath('/srv/app', '/../../etc/passwd')).toBe(path.resolve('/srv/app/etc/passwd'));
    expect(resolveStaticPath('/srv/app', '/%2e%2e%2fetc')).toBe(path.resolve('/srv/app/etc'));
    expect(resolveStaticPath('/srv/app', '/%zz')).toBeNull();
    expect(resolveStaticPath('/srv/app', '/a%00b')).toBeNull();
  });

  it('answers / with "app not built" when STATIC_DIR has no index.html', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'lunar-empty-'));
    const r = await startRelay({ staticDir: empty });
    try {
      const res = await fetch(`${r.url}/`);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).not.toBeNull();
      expect(await res.text()).toContain('app not built: run');
      expect((await fetch(`${r.url}/x.js`)).status).toBe(404);
    } finally {
      await r.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
