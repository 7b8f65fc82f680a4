import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

/**
 * `npm run bench:room` (after `npm run build`): one real room of RN_PAGES pages (default 24) at
 * the app's default thresholds, every page in this one browser. Not part of `npm test`: two
 * cores do not hold it (docs/large-rooms.md, "A real room of twenty"); it is the check to run
 * on a bigger machine before trusting the default cap further.
 */
export default defineConfig({ ...base, testDir: '.', testMatch: 'room-of-n.spec.ts', timeout: 1_800_000 });
