/** The same Chromium discovery and flags as the Playwright tests. */
import { existsSync } from 'node:fs';
export { CHROMIUM_ARGS } from '../playwright.config';

export function chromiumExecutable(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return undefined;
}
