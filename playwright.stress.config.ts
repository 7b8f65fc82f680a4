import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * Stress tests: real browsers at the edge of what two cores carry (eight pages in one relay
 * tree). Not part of `npm test`, because they do not pass reliably on a 2-core machine yet
 * (docs/large-rooms.md, "Eight pages in one room"); run them with `npm run test:stress`.
 */
export default defineConfig({ ...base, testDir: 'tests/stress' });
