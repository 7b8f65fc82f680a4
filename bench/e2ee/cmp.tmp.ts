import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, chromiumExecutable } from '../chromium';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(HERE, 'cpuprof-page.tmp.ts');
const out = await build({ configFile: false, logLevel: 'silent', root: path.resolve(HERE, '../..'), build: { write: false, minify: true, target: 'es2022', lib: { entry, formats: ['es'], fileName: 'x' } } });
const js = ((Array.isArray(out) ? out : [out]).flatMap((o) => ('output' in o ? o.output : [])).find((c) => c.type === 'chunk') as { code: string }).code;
const server = createServer((req, res) => { if (req.url === '/x.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js); else res.writeHead(200, { 'content-type': 'text/html' }).end('<script type="module" src="/x.js"></script>'); });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const exe = chromiumExecutable();
const browser = await chromium.launch({ ...(exe ? { executablePath: exe } : {}), args: CHROMIUM_ARGS });
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
await page.waitForFunction(() => 'runProf' in window);
for (const size of [100, 60000]) {
  const r: Record<string, number[]> = { runProf: [], runRaw: [] };
  for (let i = 0; i < 6; i++) for (const fn of ['runProf', 'runRaw']) r[fn]!.push(await page.evaluate(([s, f]) => (window as any)[f](s, s > 10000 ? 1000 : 5000), [size, fn] as const));
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[3]!;
  console.log(size, 'ours', med(r.runProf!).toFixed(1), 'raw', med(r.runRaw!).toFixed(1), 'ratio', (med(r.runProf!) / med(r.runRaw!)).toFixed(2));
}
await browser.close(); server.close();
