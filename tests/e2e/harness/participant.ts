/**
 * A person in a call: their own browser context (separate storage, like another device),
 * one page, and helpers that read what they would see.
 */
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { PeerMediaStats } from '../../../src/debug/expose-debug';
import { createRoom, formatRoomHash } from '../../../src/room/room-link';

/** A fresh room link on a relay (random id and secret, like "Start a meeting"). */
export function newRoomUrl(relayUrl: string): string {
  const { roomId, secret } = createRoom();
  return `${relayUrl}/${formatRoomHash(roomId, secret)}`;
}

export interface Participant {
  name: string;
  context: BrowserContext;
  page: Page;
  peers: () => Promise<PeerMediaStats[]>;
  close: () => Promise<void>;
}

export interface JoinOptions {
  viewport?: { width: number; height: number };
  /**
   * Keep the app's own audio defaults (RNNoise on). Otherwise a room link gets `ns=0`: RNNoise's
   * worklet cost 59 % of a core for three pages here (of 193 % in all, measured from /proc), and
   * it removes the fake microphone's tone, which tests of audio levels need. Noise suppression
   * has its own tests (essentials-noise, the settings test).
   */
  appDefaults?: boolean;
  /** Runs in the page before the app (say, to hold getUserMedia back like a permission prompt). */
  initScript?: () => void;
}

/** A room link as tests open it: without RNNoise unless asked (see JoinOptions). */
export function testRoomUrl(url: string, opts: JoinOptions = {}): string {
  if (opts.appDefaults || !url.includes('#/r/') || /[?&]ns=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}ns=0`;
}

export async function openParticipant(browser: Browser, rawUrl: string, name: string, opts: JoinOptions = {}): Promise<Participant> {
  const url = testRoomUrl(rawUrl, opts);
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 800, height: 600 } });
  const page = await context.newPage();
  if (opts.initScript) await page.addInitScript(opts.initScript);
  page.on('pageerror', (err) => console.log(`[${name}] pageerror: ${err.message}`));
  // Warnings and errors from the app are part of a failure's story.
  page.on('console', (m) => {
    if ((m.type() === 'warning' || m.type() === 'error') && !m.text().startsWith('WebSocket connection to')) console.log(`[${name}] ${m.type()}: ${m.text()}`);
  });
  await page.goto(url);
  return {
    name,
    context,
    page,
    peers: () => page.evaluate(() => window.__lunar?.peers() ?? Promise.resolve([])),
    close: () => context.close(),
  };
}

/** Joins straight into the call (`prejoin=0`) with a given display name. */
export async function joinCall(browser: Browser, roomUrl: string, name: string, extra = '', opts: JoinOptions = {}): Promise<Participant> {
  const sep = roomUrl.includes('?') ? '&' : '?';
  const p = await openParticipant(browser, `${roomUrl}${sep}prejoin=0&name=${encodeURIComponent(name)}${extra}`, name, opts);
  await expect(p.page.getByRole('button', { name: 'Leave' })).toBeVisible();
  return p;
}

/** Waits until `who` decodes rising video frames and receives audio from every name in `from`. */
export async function expectMediaFrom(who: Participant, from: string[], timeoutMs = 30_000): Promise<void> {
  const first = new Map<string, PeerMediaStats>();
  await expect
    .poll(
      async () => {
        const stats = await who.peers();
        const missing: string[] = [];
        for (const name of from) {
          const s = stats.find((x) => x.name === name);
          if (!s) {
            missing.push(`${name}: no connection`);
            continue;
          }
          const prev = first.get(name);
          if (!prev) {
            first.set(name, s);
            missing.push(`${name}: first sample`);
            continue;
          }
          if (!(s.framesDecoded > prev.framesDecoded && s.framesDecoded > 0)) missing.push(`${name}: frames ${s.framesDecoded}`);
          if (!(s.audioPacketsReceived > prev.audioPacketsReceived)) missing.push(`${name}: audio ${s.audioPacketsReceived}`);
        }
        return missing;
      },
      { timeout: timeoutMs, intervals: [500, 1000], message: `${who.name} should decode video and receive audio from ${from.join(', ')}` },
    )
    .toEqual([]);
}

export async function framesFrom(who: Participant, name: string): Promise<number> {
  const s = (await who.peers()).find((x) => x.name === name);
  return s?.framesDecoded ?? 0;
}
