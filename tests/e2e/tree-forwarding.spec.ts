/**
 * Large rooms (issue 7) in real Chromium: a chain of pages where each forwarder passes the
 * origin's SFrame ciphertext on byte for byte (RTCRtpScriptTransform on its receiver →
 * createEncodedStreams on its senders), decodes its own copy, and never re-encodes.
 * The test is the signalling (offer/answer through page.evaluate); media is real WebRTC.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { createRoom } from '../../src/room/room-link';
import type { LedgerEntry } from '../../src/tree/forwarding/payload-ledger';
import { startRelay, type RelayProcess } from './harness/relay-process';
import { linkPages, openChainPage, type ChainPage } from './harness/tree-chain';

const CAMERA = { width: 320, height: 240, frameRate: 15 };

let relay: RelayProcess;
test.beforeEach(async () => {
  relay = await startRelay({ STATIC_DIR: path.resolve('dist/test-pages') });
});
test.afterEach(async () => {
  await relay.stop();
});

interface Seen {
  decoded: number;
  samples: number;
  decryptedAudio: number;
}

async function seen(p: ChainPage, source: ChainPage): Promise<Seen> {
  const s = await p.stats();
  return {
    decoded: s.upstream?.framesDecoded ?? 0,
    samples: s.upstream?.audioSamplesReceived ?? 0,
    decryptedAudio: s.counters.streams[`audio:${source.id}`]?.decrypted ?? 0,
  };
}

/** Waits until `p` decodes `source`'s video and plays its decrypted audio, both still rising. */
async function expectDecoding(p: ChainPage, source: ChainPage, timeout = 20_000): Promise<void> {
  let prev: Seen | null = null;
  await expect
    .poll(
      async () => {
        const now = await seen(p, source);
        const rising = prev !== null && now.decoded > prev.decoded && now.samples > prev.samples && now.decryptedAudio > prev.decryptedAudio;
        prev = now;
        return rising && now.decoded > 5;
      },
      { timeout, intervals: [100, 250, 500], message: `${p.name} should decode ${source.name}'s video and audio` },
    )
    .toBe(true);
}

/** Same CTR ⇒ same ciphertext hash at both pages; returns how many frames were compared. */
function compareLedgers(a: Record<number, LedgerEntry>, b: Record<number, LedgerEntry>): { common: number; mismatched: number } {
  let common = 0;
  let mismatched = 0;
  for (const [ctr, entry] of Object.entries(b)) {
    const other = a[Number(ctr)];
    if (other === undefined) continue;
    common++;
    if (other[0] !== entry[0]) mismatched++;
  }
  return { common, mismatched };
}

test('A→B→C→D: D decodes A, forwarders pass A ciphertext on unchanged, and a closed forwarder is repaired', async ({ browser }) => {
  const { secret } = createRoom();
  const a = await openChainPage(browser, relay.url, 'A', { secret, camera: CAMERA });
  const b = await openChainPage(browser, relay.url, 'B', { secret });
  const c = await openChainPage(browser, relay.url, 'C', { secret });
  const d = await openChainPage(browser, relay.url, 'D', { secret });
  await linkPages(a, b, a);
  await linkPages(b, c, a);
  await linkPages(c, d, a);

  // Every member decodes, the leaf three hops down included.
  for (const p of [b, c, d]) await expectDecoding(p, a);
  // Enough frames through the whole chain for the counts and hashes below to mean something.
  await expect
    .poll(async () => {
      const s = await seen(d, a);
      return s.decoded >= 30 && s.decryptedAudio >= 150;
    })
    .toBe(true);
  const dStats = await d.stats();
  expect(dStats.upstream?.frameWidth).toBe(CAMERA.width);

  // No re-encoding: every frame a forwarder received while a child was attached went to that
  // child, and its own sender's encoder only ever saw the 16×16 placeholder.
  for (const [fwd, child] of [
    [b, c],
    [c, d],
  ] as const) {
    const s = await fwd.stats();
    for (const kind of ['video', 'audio'] as const) {
      const stream = s.counters.streams[`${kind}:${a.id}`];
      const out = stream?.children[child.id];
      expect(out, `${fwd.name} forwards ${kind} to ${child.name}`).toBeDefined();
      expect(out?.offered).toBeGreaterThanOrEqual(kind === 'video' ? 30 : 150);
      expect(out?.forwarded).toBe(out?.offered);
      expect(out?.failed).toBe(0);
    }
    expect(s.downstream[child.id]?.frameWidth).toBe(16);
  }

  // Byte for byte: the ciphertext of each SFrame CTR hashes the same at A (after encryption),
  // at each forwarder and at the leaf.
  const sent = await a.ledgers();
  for (const p of [b, c, d]) {
    const got = await p.ledgers();
    for (const kind of ['video', 'audio'] as const) {
      const id = `${kind}:${a.id}`;
      const cmp = compareLedgers(sent[id] ?? {}, got[id] ?? {});
      expect(cmp.common, `${p.name} ${kind} frames compared`).toBeGreaterThanOrEqual(kind === 'video' ? 25 : 140);
      expect(cmp.mismatched, `${p.name} ${kind} frames altered`).toBe(0);
    }
  }

  // Repair: C leaves; B and D hear it (as the app's `bye` tells them) and D re-attaches to C's parent.
  const before = await d.stats();
  const requestsBefore = (await b.stats()).counters.streams[`video:${a.id}`]?.keyFrameRequestsUp ?? 0;
  const closedAt = Date.now();
  await c.close();
  await b.closeDown(c.id);
  await linkPages(b, d, a);
  await expect
    .poll(async () => (await d.stats()).upstream?.framesDecoded ?? 0, { timeout: 20_000, intervals: [50] })
    .toBeGreaterThan(0);
  const recoveredMs = Date.now() - closedAt;
  test.info().annotations.push({ type: 'repair-ms', description: String(recoveredMs) });
  console.log(`repair: D decodes again ${recoveredMs} ms after C closed (had decoded ${before.upstream?.framesDecoded} frames)`);
  await expectDecoding(d, a);
  const afterRepair = (await b.stats()).counters.streams[`video:${a.id}`];
  expect(Object.keys(afterRepair?.children ?? {})).toEqual([d.id]);
  // D's first picture needed a key frame from A: D's request reached B's placeholder encoder and
  // B passed it upstream (the origin's encoder never hears D's request directly).
  expect(afterRepair?.children[d.id]?.placeholderKeyFrames).toBeGreaterThanOrEqual(1);
  expect(afterRepair?.keyFrameRequestsUp).toBeGreaterThan(requestsBefore);
  await Promise.all([a.close(), b.close(), d.close()]);
});

test('pages without the key receive the ciphertext but decode nothing', async ({ browser }) => {
  const { secret } = createRoom();
  const a = await openChainPage(browser, relay.url, 'A', { secret, camera: CAMERA });
  const b = await openChainPage(browser, relay.url, 'B', { secret });
  // X holds another room's secret; Y holds none.
  const x = await openChainPage(browser, relay.url, 'X', { secret: createRoom().secret });
  const y = await openChainPage(browser, relay.url, 'Y', { secret: null });
  await linkPages(a, b, a);
  await linkPages(b, x, a);
  await linkPages(b, y, a);
  await expectDecoding(b, a);

  for (const [p, code] of [
    [x, 'invalid-tag'],
    [y, 'missing-key'],
  ] as const) {
    const rejected = async () => (await p.stats()).counters.cryptor[a.id]?.rejected[code] ?? 0;
    const first = await rejected();
    await expect.poll(rejected, { message: `${p.name} counts ${code} drops` }).toBeGreaterThan(Math.max(first, 50));
    // Audio (50 frames/s) can reach those 50 drops before the video has sent 10 frames: wait for them.
    const videoReceived = async () => (await p.stats()).counters.streams[`video:${a.id}`]?.received ?? 0;
    await expect.poll(videoReceived, { message: `${p.name} receives A's ciphertext` }).toBeGreaterThan(10);
    const s = await p.stats();
    const video = s.counters.streams[`video:${a.id}`];
    expect(video?.decrypted).toBe(0);
    expect(s.counters.streams[`audio:${a.id}`]?.decrypted).toBe(0);
    expect(s.upstream?.framesDecoded).toBe(0);
  }

  // B fans out to both children: one copy each, none lost.
  const s = await b.stats();
  for (const child of [x, y]) {
    const out = s.counters.streams[`video:${a.id}`]?.children[child.id];
    expect(out?.offered).toBeGreaterThan(10);
    expect(out?.forwarded).toBe(out?.offered);
  }
  await Promise.all([a.close(), b.close(), x.close(), y.close()]);
});
