/**
 * Gzip sidecars for the build's fingerprinted assets: `assets/x.js` gets `assets/x.js.gz`,
 * written once by `vite build` (vite.config.ts), so the relay sends a browser about a third of
 * the bytes (the main chunk: 230 KB → 78 KB) without compressing anything per request. A CDN
 * may use or ignore the sidecars; files outside `assets/` (index.html, config.json, which a
 * deployment edits) never get one.
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const GZIP_SUFFIX = '.gz';
/** What compresses well; images other than SVG are compressed already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|svg|json|wasm|txt)$/i;
/** Below this, the headers outweigh what compression saves. */
export const MIN_GZIP_BYTES = 1024;
/** A sidecar that saves less than this share of the file is not worth a second file. */
const MIN_SAVING = 0.1;

export interface SidecarReport {
  written: number;
  bytesIn: number;
  bytesOut: number;
}

export function isCompressible(file: string): boolean {
  return COMPRESSIBLE.test(file);
}

/** Writes (or refreshes) the sidecars under `<dir>/assets`; removes sidecars that no longer pay. */
export function writeGzipSidecars(dir: string): SidecarReport {
  const report: SidecarReport = { written: 0, bytesIn: 0, bytesOut: 0 };
  const assets = path.join(dir, 'assets');
  let names: string[];
  try {
    names = readdirSync(assets, { recursive: true, encoding: 'utf8' });
  } catch {
    return report; // Nothing built yet.
  }
  for (const name of names) {
    const file = path.join(assets, name);
    if (!isCompressible(file) || !isFile(file)) continue;
    const raw = readFileSync(file);
    const sidecar = file + GZIP_SUFFIX;
    const gz = raw.length >= MIN_GZIP_BYTES ? gzipSync(raw, { level: 9 }) : null;
    if (gz === null || gz.length > raw.length * (1 - MIN_SAVING)) {
      rmSync(sidecar, { force: true });
      continue;
    }
    // Written after the file, so its mtime is not older: the relay ignores an older sidecar.
    writeFileSync(sidecar, gz);
    report.written++;
    report.bytesIn += raw.length;
    report.bytesOut += gz.length;
  }
  return report;
}

/** A regular file (a directory named like a script, or a dangling link, is skipped). */
function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Does an `Accept-Encoding` header accept gzip? `gzip` (or `x-gzip`, or `*`) listed with a
 * q-value above 0, and not refused by name.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  let named: boolean | null = null;
  let star = false;
  for (const part of text.split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    const coding = token.trim();
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    const ok = Number.isFinite(weight) && weight > 0;
    if (coding === 'gzip' || coding === 'x-gzip') named = named === true || ok;
    else if (coding === '*') star = ok;
  }
  return named ?? star;
}
