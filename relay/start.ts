import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './options';

/**
 * `npm start`: build the app once if there is no build yet, then run the relay. The
 * relay's one "listening on <url>" line is the URL to open.
 */
const staticDir = process.env.STATIC_DIR ? path.resolve(process.env.STATIC_DIR) : path.join(REPO_ROOT, 'dist', 'app');
if (!existsSync(path.join(staticDir, 'index.html'))) {
  console.log('No app build found; running `npx vite build` first…');
  const result = spawnSync('npx', ['vite', 'build'], { cwd: REPO_ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error('Build failed; the relay will answer / with "app not built".');
  }
}
const { main } = await import('./main');
await main();
console.log('Open the URL above in a browser to start a meeting.');
