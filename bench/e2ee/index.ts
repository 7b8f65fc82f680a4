/**
 * E2EE cost per frame inside a worker in Chromium: our SFrame encrypt+decrypt against raw
 * WebCrypto AES-GCM (target ≤ 1.5×) and @noble/ciphers, for 100 B, 1.2 KB, 6 KB, 60 KB frames.
 * Two raw baselines (see bench-worker.ts): "WebCrypto frame" builds the same kind of frame
 * with the copies the encoded-frame API forces (the like-for-like target), "WebCrypto only"
 * is bare encrypt+decrypt with no frame assembly (the floor). Both ratios are printed.
 * The worker is bundled with Vite in memory and served from 127.0.0.1 (WebCrypto needs a
 * secure context; loopback counts as one).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumExecutable } from '../chromium';
import { printTable } from '../stats';
import type { E2eeBenchRequest, E2eeBenchRow } from './bench-worker';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const TARGET_RATIO = 1.5;

export interface E2eeBenchResult {
  /** ratio: ours / WebCrypto frame (the target); floorRatio: ours / WebCrypto only. */
  rows: (E2eeBenchRow & { ratio: number; floorRatio: number })[];
  targetRatio: number;
}

async function bundleWorker(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root: REPO_ROOT,
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry: path.join(HERE, 'bench-worker.ts'), formats: ['es'], fileName: 'bench-worker' },
    },
  });
  const outputs = Array.isArray(output) ? output : [output];
  for (const o of outputs) {
    if ('output' in o) {
      const chunk = o.output.find((c) => c.type === 'chunk');
      if (chunk && chunk.type === 'chunk') return chunk.code;
    }
  }
  throw new Error('vite produced no worker chunk');
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>e2ee bench</title>
<script>
window.runBench = (request) => new Promise((resolve, reject) => {
  const worker = new Worker('./bench-worker.js', { type: 'module' });
  worker.onmessage = (e) => { worker.terminate(); e.data.ok ? resolve(e.data.rows) : reject(new Error(e.data.error)); };
  worker.onerror = (e) => reject(new Error(e.message));
  worker.postMessage(request);
});
</script>`;

export async function runE2eeBench(request: E2eeBenchRequest): Promise<E2eeBenchResult> {
  const workerCode = await bundleWorker();
  const server = createServer((req, res) => {
    if (req.url === '/bench-worker.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(workerCode);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const exe = chromiumExecutable();
  const browser = await chromium.launch({ ...(exe ? { executablePath: exe } : {}), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const rows = await page.evaluate(
      (req) => (window as unknown as { runBench(r: E2eeBenchRequest): Promise<E2eeBenchRow[]> }).runBench(req),
      request,
    );
    const result: E2eeBenchResult = {
      rows: rows.map((r) => ({ ...r, ratio: r.oursUs / r.webCryptoFrameUs, floorRatio: r.oursUs / r.webCryptoUs })),
      targetRatio: TARGET_RATIO,
    };
    const fmt = (us: number) => us.toFixed(1);
    const label = (size: number) => (size >= 1000 ? `${(size / 1000).toFixed(1)} KB` : `${size} B`);
    printTable(
      'E2EE in a Chromium worker: encrypt+decrypt per frame (VP8 delta, AES_128_GCM_SHA256_128)',
      ['frame', 'ours µs', 'ours VP9 µs', 'WebCrypto frame µs', 'WebCrypto only µs', 'noble µs', 'ours / WC frame', 'ours / WC only'],
      result.rows.map((r) => [
        label(r.size),
        fmt(r.oursUs),
        fmt(r.oursVp9Us),
        fmt(r.webCryptoFrameUs),
        fmt(r.webCryptoUs),
        fmt(r.nobleUs),
        `${r.ratio.toFixed(2)} (≤ ${TARGET_RATIO})`,
        r.floorRatio.toFixed(2),
      ]),
    );
    mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(REPO_ROOT, 'bench/results/e2ee.json'), JSON.stringify(result, null, 2));
    return result;
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await runE2eeBench({
    sizes: [100, 1200, 6000, 60000],
    rounds: Number(process.env.BENCH_ROUNDS ?? 5),
    budgetMs: Number(process.env.BENCH_BUDGET_MS ?? 300),
  });
}
