import path from 'node:path';
import { chromium } from '@playwright/test';
import { createRelay } from '../../relay/server';
import { REPO_ROOT } from '../../relay/options';
import { CHROMIUM_ARGS, chromiumExecutable } from '../chromium';
import { createRoom, formatRoomHash } from '../../src/room/room-link';

const app = await createRelay({ host: '127.0.0.1', port: 0, staticDir: path.join(REPO_ROOT, 'dist/app'), log: () => undefined });
const exe = chromiumExecutable();
const browser = await chromium.launch({ ...(exe ? { executablePath: exe } : {}), args: CHROMIUM_ARGS });
for (let i = 0; i < 3; i++) {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  const { roomId, secret } = createRoom();
  await p.goto(`${app.url}/${formatRoomHash(roomId, secret, { prejoin: false, name: 'X' })}`);
  await p.waitForFunction(() => performance.getEntriesByType('mark').some((m) => m.name.includes('config-loaded')));
  await p.waitForTimeout(1500);
  const r = await p.evaluate(() => ({
    res: performance.getEntriesByType('resource').map((e) => { const x = e as PerformanceResourceTiming; return `${x.name.split('/').pop()} ${x.initiatorType} start=${x.startTime.toFixed(0)} end=${x.responseEnd.toFixed(0)}`; }),
    marks: performance.getEntriesByType('mark').map((m) => `${m.name}=${m.startTime.toFixed(0)}`),
    nav: (() => { const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming; return `domInteractive=${n.domInteractive.toFixed(0)} dcl=${n.domContentLoadedEventEnd.toFixed(0)}`; })(),
  }));
  console.log(r.nav, '\n ', r.res.join('\n  '), '\n ', r.marks.join(' '));
  await ctx.close();
}
await browser.close();
await app.close();
