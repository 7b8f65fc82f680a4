/**
 * Drives tests/pages/tree-chain.html: one browser context per node, and the test itself as the
 * signalling (each link is one offer from the child and one answer from the parent, carried
 * through page.evaluate). Shared by tests/e2e/tree-forwarding.spec.ts and bench/tree-hop.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { LedgerEntry } from '../../../src/tree/forwarding/payload-ledger';
import type { ChainInit, ChainStats } from '../../pages/tree-chain';

export interface ChainPage {
  name: string;
  id: string;
  context: BrowserContext;
  page: Page;
  stats(): Promise<ChainStats>;
  ledgers(): Promise<Record<string, Record<number, LedgerEntry>>>;
  /** Stops sending to a child (it left). */
  closeDown(childId: string): Promise<void>;
  close(): Promise<void>;
}

export async function openChainPage(browser: Browser, pagesUrl: string, name: string, init: Omit<ChainInit, 'id'>): Promise<ChainPage> {
  const context = await browser.newContext({ viewport: { width: 320, height: 240 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.log(`[${name}] pageerror: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') console.log(`[${name}] ${m.type()}: ${m.text()}`);
  });
  await page.goto(`${pagesUrl}/tree-chain.html`);
  await page.waitForFunction(() => window.treeChain !== undefined);
  // A random sender id per page, like the app's peer ids (SFrame keys are derived per sender).
  const id = `${name}-${crypto.randomUUID()}`;
  await page.evaluate((o) => window.treeChain.init(o), { ...init, id });
  return {
    name,
    id,
    context,
    page,
    stats: () => page.evaluate(() => window.treeChain.stats()),
    ledgers: () => page.evaluate(() => window.treeChain.ledgers()),
    closeDown: (childId) => page.evaluate((c) => window.treeChain.closeDown(c), childId),
    close: () => context.close(),
  };
}

/** Connects `child` under `parent` for `source`'s audio and video; resolves once both descriptions are applied. */
export async function linkPages(parent: ChainPage, child: ChainPage, source: ChainPage): Promise<void> {
  const offer = await child.page.evaluate((s) => window.treeChain.connectUp(s), source.id);
  const answer = await parent.page.evaluate(([c, s, o]) => window.treeChain.acceptDown(c, s, o), [child.id, source.id, offer] as const);
  await child.page.evaluate((a) => window.treeChain.acceptUp(a), answer);
}
