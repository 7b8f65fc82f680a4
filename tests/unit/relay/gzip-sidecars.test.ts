import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsGzip, writeGzipSidecars } from '../../../relay/http/gzip-sidecars';
import type { Relay } from '../../../relay/server';
import { startRelay } from './test-client';

/** A script that compresses well, like a real chunk. */
const BIG_JS = Array.from({ length: 400 }, (_, i) => `export function f${i}(a) { return a + ${i}; }`).join('\n');

interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** node:http, not fetch: fetch asks for gzip by itself and hides the encoding it got. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('acceptsGzip', () => {
  it.each([
    ['gzip, deflate, br, zstd', true],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['x-gzip', true],
    ['*', true],
    ['identity', false],
    ['', false],
    ['gzip;q=0', false],
    ['gzip;q=0, *', false],
    ['br, *;q=0', false],
    ['gzip;q=abc', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });

  it('reads a header given as several lines, and no header', () => {
    expect(acceptsGzip(['br', 'gzip'])).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});

describe('gzip sidecars: written by the build, served by the relay', () => {
  let root: string;
  let dir: string;
  let relay: Relay;
  const asset = (name: string) => path.join(dir, 'assets', name);

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'lunar-gzip-'));
    dir = path.join(root, 'app');
    mkdirSync(path.join(dir, 'assets', 'nested'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), `<!doctype html><title>Lunar</title>${' '.repeat(4000)}`);
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ relayUrl: null, pad: 'x'.repeat(4000) }));
    writeFileSync(asset('main-abc.js'), BIG_JS);
    writeFileSync(asset('nested/worker-def.js'), BIG_JS);
    writeFileSync(asset('tiny-ghi.js'), 'console.log(1)');
    writeFileSync(asset('photo-jkl.png'), Buffer.alloc(8000, 7));
    mkdirSync(asset('folder.js')); // a directory named like a script
    symlinkSync(asset('gone.js'), asset('dangling.js'));
    relay = await startRelay({ staticDir: dir });
  });
  afterAll(async () => {
    await relay.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes a sidecar for each compressible asset worth it, only under assets/, skipping what is not a file', () => {
    const report = writeGzipSidecars(dir);
    expect(report.written).toBe(2);
    expect(report.bytesOut).toBeLessThan(report.bytesIn / 3);
    for (const name of ['main-abc.js', 'nested/worker-def.js']) {
      expect(gunzipSync(readFileSync(asset(`${name}.gz`))).toString()).toBe(BIG_JS);
    }
    expect(existsSync(asset('tiny-ghi.js.gz'))).toBe(false);
    expect(existsSync(asset('photo-jkl.png.gz'))).toBe(false);
    expect(existsSync(path.join(dir, 'index.html.gz'))).toBe(false);
    expect(existsSync(path.join(dir, 'config.json.gz'))).toBe(false);
  });

  it('removes a sidecar that no longer pays (the asset became incompressible)', () => {
    const file = asset('random-mno.js');
    writeFileSync(file, BIG_JS);
    writeGzipSidecars(dir);
    expect(existsSync(`${file}.gz`)).toBe(true);
    writeFileSync(file, randomBytes(5000));
    writeGzipSidecars(dir);
    expect(existsSync(`${file}.gz`)).toBe(false);
  });

  it('serves the sidecar to a browser that accepts gzip, with the right length and Vary', async () => {
    const res = await get(`${relay.url}/assets/main-abc.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(BIG_JS.length / 3);
    expect(gunzipSync(res.body).toString()).toBe(BIG_JS);
    const head = await get(`${relay.url}/assets/nested/worker-def.js`, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(Number(head.headers['content-length'])).toBe(readFileSync(asset('nested/worker-def.js.gz')).length);
    expect(head.body.length).toBe(0);
  });

  it('serves the file as it is without gzip in Accept-Encoding, or with gzip refused', async () => {
    for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br, gzip;q=0' }] as Record<string, string>[]) {
      const res = await get(`${relay.url}/assets/main-abc.js`, headers);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(res.body.toString()).toBe(BIG_JS);
    }
  });

  it('ignores a sidecar older than its file (replaced after the build) and any outside assets/', async () => {
    const file = asset('main-abc.js');
    const past = new Date(Date.now() - 60_000);
    utimesSync(`${file}.gz`, past, past);
    const stale = await get(`${relay.url}/assets/main-abc.js`, { 'accept-encoding': 'gzip' });
    expect(stale.headers['content-encoding']).toBeUndefined();
    expect(stale.body.toString()).toBe(BIG_JS);
    // A .gz beside a file outside assets/ (which a deployment may edit) is never sent for it.
    writeFileSync(path.join(dir, 'index.html.gz'), gzipSync('<!doctype html><title>Old</title>'));
    const page = await get(`${relay.url}/`, { 'accept-encoding': 'gzip' });
    expect(page.headers['content-encoding']).toBeUndefined();
    expect(page.body.toString()).toContain('<title>Lunar</title>');
    const tiny = await get(`${relay.url}/assets/tiny-ghi.js`, { 'accept-encoding': 'gzip' });
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.headers.vary).toBeUndefined();
    expect(tiny.body.toString()).toBe('console.log(1)');
  });
});
