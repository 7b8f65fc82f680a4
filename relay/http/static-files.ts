import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { acceptsGzip, GZIP_SUFFIX, isCompressible } from './gzip-sidecars';
import { sendText, setBaseHeaders } from './response-headers';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const NOT_BUILT_HTML =
  '<!doctype html><meta charset="utf-8"><title>Lunar Chat</title>' +
  '<p>app not built: run <code>npm run build</code></p>';

/**
 * Maps a URL pathname to a file strictly inside `root`, or null. Decoding happens before
 * the containment check so `%2e%2e%2f` cannot climb out.
 */
export function resolveStaticPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.endsWith('/')) decoded += 'index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, '.' + path.posix.normalize('/' + decoded));
  if (file !== base && !file.startsWith(base + path.sep)) return null;
  return file;
}

/** Vite fingerprints everything under assets/, so those never change at a given URL. */
function cacheControlFor(pathname: string): string {
  return pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, pathname: string): Promise<void> {
  const head = req.method === 'HEAD';
  const file = resolveStaticPath(root, pathname);
  const info = file === null ? null : await fileInfo(file);
  if (file === null || info === null) {
    if (pathname === '/' || pathname === '/index.html') {
      sendText(res, 200, 'text/html; charset=utf-8', NOT_BUILT_HTML, head);
      return;
    }
    sendText(res, 404, 'text/plain; charset=utf-8', 'not found', head);
    return;
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  setBaseHeaders(res, type);
  res.setHeader('Cache-Control', cacheControlFor(pathname));
  // The build's gzip sidecar (gzip-sidecars.ts), for a browser that accepts it.
  const sidecar = pathname.startsWith('/assets/') && isCompressible(file) ? await gzipSidecar(file, info.mtimeMs) : null;
  if (sidecar !== null) res.setHeader('Vary', 'Accept-Encoding');
  const gzip = sidecar !== null && acceptsGzip(req.headers['accept-encoding']);
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', gzip ? sidecar.size : info.size);
  res.statusCode = 200;
  if (head) {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(gzip ? sidecar.path : file), res);
  } catch {
    // Client went away or the file vanished mid-read; nothing sensible left to send.
    res.destroy();
  }
}

async function fileInfo(file: string): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
  } catch {
    return null;
  }
}

/** `file`'s sidecar, unless missing or older than the file (a file replaced after the build). */
async function gzipSidecar(file: string, fileMtimeMs: number): Promise<{ path: string; size: number } | null> {
  const sidecar = file + GZIP_SUFFIX;
  const info = await fileInfo(sidecar);
  return info !== null && info.mtimeMs >= fileMtimeMs ? { path: sidecar, size: info.size } : null;
}
