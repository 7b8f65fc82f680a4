/**
 * The foundation story, as people live it: someone starts a meeting from the home page,
 * two friends open the link, all three see and hear each other; mute shows on the others'
 * tiles; leaving removes the tile; a late joiner connects; the relay restarts mid-call and
 * media keeps flowing while signalling reconnects by itself; a newcomer then meets three.
 *
 * Sizing: up to five pages share two cores here, and a mesh encodes once per peer. At the
 * default 720p every page's encoders starve the others (a newcomer meeting three waited
 * 20–30 s for media, measured), so the host picks "Minimal" in Settings and the others join
 * with `quality=low`, the link parameter made for many pages on one machine.
 */
import { expect, test } from '@playwright/test';
import { expectMediaFrom, framesFrom, joinCall, newRoomUrl, openParticipant } from './harness/participant';
import { startRelay } from './harness/relay-process';
import { useRelayPerTest } from './harness/relay-per-test';

const fx = useRelayPerTest();

test('three people meet from one link, mute, leave, a late joiner, and a relay restart', async ({ browser }) => {
  // Five pages and a relay restart in one story: more than the default two minutes here.
  test.setTimeout(240_000);
  // Ana starts a meeting from the home page and joins through the pre-join screen.
  const ana = await openParticipant(browser, `${fx.relay.url}/`, 'Ana');
  fx.people.push(ana);
  await ana.page.getByRole('button', { name: 'Start a meeting' }).click();
  // The creator's URL carries the host key (`?host=`); the link Ana shares does not.
  await expect(ana.page).toHaveURL(/#\/r\/[A-Za-z0-9_-]{22}\/[A-Za-z0-9_-]{22}\?host=[A-Za-z0-9_-]+$/);
  await ana.page.getByLabel('Display name').fill('Ana');
  await ana.page.getByRole('button', { name: 'Join meeting' }).click();
  await expect(ana.page.getByRole('button', { name: 'Leave' })).toBeVisible();
  await ana.page.getByRole('button', { name: 'Settings' }).click();
  await ana.page.getByRole('combobox', { name: 'Quality' }).selectOption('minimal');
  await ana.page.keyboard.press('Escape');
  const link = `${ana.page.url().replace(/\?host=.*$/, '')}?quality=low`;

  // Bea uses the pre-join screen too; Cem skips it with link parameters.
  const bea = await openParticipant(browser, link, 'Bea');
  fx.people.push(bea);
  await bea.page.getByLabel('Display name').fill('Bea');
  await bea.page.getByRole('button', { name: 'Join meeting' }).click();
  const cem = await joinCall(browser, link, 'Cem');
  fx.people.push(cem);

  await expectMediaFrom(ana, ['Bea', 'Cem']);
  await expectMediaFrom(bea, ['Ana', 'Cem']);
  await expectMediaFrom(cem, ['Ana', 'Bea']);
  for (const p of [ana, bea, cem]) await expect(p.page.getByTestId('tile')).toHaveCount(3);

  // Names arrive over the pairs' data channels.
  await expect(cem.page.getByRole('figure', { name: 'Ana' })).toBeVisible();

  // Ana mutes: the others see it on her tile; unmuting clears it.
  await ana.page.getByRole('button', { name: 'Mute microphone' }).click();
  await expect(ana.page.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
  for (const p of [bea, cem]) {
    await expect(p.page.getByRole('figure', { name: 'Ana' }).getByRole('img', { name: 'Microphone muted' })).toBeVisible();
  }
  await ana.page.getByRole('button', { name: 'Unmute microphone' }).click();
  await expect(bea.page.getByRole('figure', { name: 'Ana' }).getByRole('img', { name: 'Microphone muted' })).toHaveCount(0);

  // Bea turns her camera off: the others see her camera-off placeholder.
  await bea.page.getByRole('button', { name: 'Turn off camera' }).click();
  await expect(ana.page.getByRole('figure', { name: 'Bea' }).getByRole('img', { name: 'Camera off' })).toBeVisible();
  await bea.page.getByRole('button', { name: 'Turn on camera' }).click();
  await expect(ana.page.getByRole('figure', { name: 'Bea' }).getByRole('img', { name: 'Camera off' })).toHaveCount(0);

  // The participants list shows everyone.
  await ana.page.getByRole('button', { name: 'Participants' }).click();
  await expect(ana.page.getByRole('complementary', { name: 'Participants list' }).getByRole('listitem')).toHaveCount(3);

  // Cem leaves: his tile disappears for the others within seconds.
  await cem.page.getByRole('button', { name: 'Leave' }).click();
  await expect(cem.page.getByRole('heading', { name: 'You left the meeting' })).toBeVisible();
  for (const p of [ana, bea]) await expect(p.page.getByTestId('tile')).toHaveCount(2, { timeout: 8000 });
  // His page has nothing left to show: closed, it stops sharing the two cores with the call.
  await cem.close();
  fx.people.splice(fx.people.indexOf(cem), 1);

  // A late joiner connects to both.
  const dan = await joinCall(browser, link, 'Dan');
  fx.people.push(dan);
  await expectMediaFrom(dan, ['Ana', 'Bea']);
  await expectMediaFrom(ana, ['Dan']);

  // The relay goes down: established media keeps flowing, the UI says signalling is down.
  const port = fx.relay.port;
  await fx.relay.stop();
  await expect(ana.page.getByText('Connection to the meeting server lost')).toBeVisible({ timeout: 45_000 });
  const before = await framesFrom(ana, 'Bea');
  await expect.poll(() => framesFrom(ana, 'Bea'), { timeout: 10_000 }).toBeGreaterThan(before + 10);

  // It comes back on the same port: clients reconnect by themselves and new people can join.
  fx.relay = await startRelay({}, port);
  await expect(ana.page.getByText('Connection to the meeting server lost')).toHaveCount(0, { timeout: 20_000 });
  // A newcomer meets three people at once.
  const eve = await joinCall(browser, link, 'Eve');
  fx.people.push(eve);
  try {
    // A page joining three at once is the heaviest moment on two cores (three encoders, three
    // decoders starting): 45 s, not 30, before calling it stuck.
    await expectMediaFrom(eve, ['Ana', 'Bea', 'Dan'], 45_000);
    await expectMediaFrom(bea, ['Ana', 'Dan', 'Eve'], 45_000);
  } catch (error) {
    // A failure's story: each page's signalling state and connections.
    for (const p of [ana, bea, dan, eve]) {
      const state = await p.page.evaluate(() => ({ me: window.__lunar?.myId.slice(0, 4), signaling: window.__lunar?.signaling(), churn: window.__lunar?.churn(), connections: window.__lunar?.connections().map((c) => ({ ...c, peerId: c.peerId.slice(0, 4) })) }));
      console.log(`[call] ${p.name}`, JSON.stringify(state));
      const peers = (await p.peers()).map((x) => ({ name: x.name, trust: x.trust, e2ee: x.e2ee, frames: x.framesDecoded, bytes: x.videoBytesReceived, sent: x.videoBytesSent, audio: x.audioPacketsReceived }));
      console.log(`[peers] ${p.name}`, JSON.stringify(peers), JSON.stringify(await p.page.evaluate(() => window.__lunar?.e2ee())));
    }
    throw error;
  }
});

test('a reload does not leave a ghost tile or a duplicate connection', async ({ browser }) => {
  const room = newRoomUrl(fx.relay.url);
  const ana = await joinCall(browser, room, 'Ana');
  const bea = await joinCall(browser, room, 'Bea');
  fx.people.push(ana, bea);
  await expectMediaFrom(ana, ['Bea']);
  await bea.page.reload();
  await expect(bea.page.getByRole('button', { name: 'Leave' })).toBeVisible();
  await expectMediaFrom(ana, ['Bea']);
  await expect(ana.page.getByTestId('tile')).toHaveCount(2, { timeout: 8000 });
  await expect.poll(async () => (await ana.peers()).length, { timeout: 8000 }).toBe(1);
});

/** The fake camera's 720 lines at the warm-up's half size, with room for rounding. */
const HALF_SIZE_LINES = 400;

test("a newcomer's camera starts at half size for a quick first picture, then goes to full size", async ({ browser }) => {
  // Two pages at the default quality: the fake camera gives 1280×720.
  const room = newRoomUrl(fx.relay.url);
  const ana = await joinCall(browser, room, 'Ana');
  fx.people.push(ana);
  const heights: number[] = [];
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const bea = (await ana.peers().catch(() => [])).find((p) => p.name === 'Bea');
      if (bea && bea.cameraFramesDecoded > 0) heights.push(bea.cameraFrameHeight);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const bea = await joinCall(browser, room, 'Bea');
  fx.people.push(bea);
  try {
    // Our part: the warm-up ends (WARM_UP_MS, 2.5 s, after the connection started) and Bea's
    // sender asks for the full size again.
    const toAna = async () => (await bea.peers()).find((p) => p.name === 'Ana');
    await expect.poll(async () => (await toAna())?.cameraSendScale, { timeout: 15_000 }).toBe(1);
    // What Ana then decodes: past half size, unless Bea's encoder says something else limits it
    // (Chromium's own adaptation on a loaded machine: CI runs saw 540 lines, and once 270, three
    // steps down from 720). Without the warm-up lifted, and nothing limiting, it stays at 360.
    await expect
      .poll(
        async () => {
          const h = heights.at(-1) ?? 0;
          if (h > HALF_SIZE_LINES) return 'past half size';
          const limit = (await toAna())?.cameraLimitation ?? '';
          return limit !== '' && limit !== 'none' ? 'limited by the encoder' : `${h} lines, nothing limiting`;
        },
        { timeout: 15_000 },
      )
      .toMatch(/^(past half size|limited by the encoder)$/);
    console.log(`[call] Bea's encoder towards Ana: ${(await toAna())?.cameraLimitation}`);
  } finally {
    watching = false;
    await watch;
  }
  console.log(`[call] heights of Bea's camera seen by Ana: ${[...new Set(heights)].join(' → ')}`);
  expect(heights[0]).toBeLessThanOrEqual(HALF_SIZE_LINES);
});

test('a newcomer whose camera and mic are slow to open sees and hears the others at once, and is seen once they open', async ({ browser }) => {
  // Bea's devices open only when the test says so (a permission prompt left up). Her page
  // answers Ana's offer without waiting for them, and puts them on the connection once open.
  const room = newRoomUrl(fx.relay.url);
  const ana = await joinCall(browser, room, 'Ana', '&quality=low');
  fx.people.push(ana);
  const holdDevices = () => {
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    const w = window as unknown as { __releaseGum: () => void };
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    w.__releaseGum = release;
    navigator.mediaDevices.getUserMedia = async (c) => {
      const s = await real(c);
      await released;
      return s;
    };
  };
  const bea = await joinCall(browser, room, 'Bea', '&quality=low', { initScript: holdDevices });
  fx.people.push(bea);
  await expectMediaFrom(bea, ['Ana']);
  const fromBea = (await ana.peers()).find((p) => p.name === 'Bea');
  expect(fromBea?.framesDecoded, 'nothing from Bea before her camera opens').toBe(0);
  expect(fromBea?.audioPacketsReceived, 'nothing from Bea before her mic opens').toBe(0);
  await bea.page.evaluate(() => (window as unknown as { __releaseGum: () => void }).__releaseGum());
  await expectMediaFrom(ana, ['Bea']);
});

test("a newcomer sees the first person's picture before the rest of the call renders", async ({ browser }) => {
  // What Bea's screen shows, in order: a frame of Ana's camera (its presentation time, from
  // requestVideoFrameCallback) and the call's Leave button (when it entered the page).
  const room = newRoomUrl(fx.relay.url);
  const ana = await joinCall(browser, room, 'Ana', '&quality=low');
  fx.people.push(ana);
  const watchScreen = () => {
    const seen: { picture?: number; label?: string; leave?: number } = {};
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    const watched = new WeakSet<HTMLVideoElement>();
    new MutationObserver(() => {
      for (const v of document.querySelectorAll<HTMLVideoElement>('main.first-picture video')) {
        if (watched.has(v)) continue;
        watched.add(v);
        seen.label = v.getAttribute('aria-label') ?? '';
        v.requestVideoFrameCallback((_now, meta) => (seen.picture ??= meta.presentationTime));
      }
      if (seen.leave === undefined && [...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Leave')) seen.leave = performance.now();
    }).observe(document, { subtree: true, childList: true });
  };
  const bea = await joinCall(browser, room, 'Bea', '&quality=low', { initScript: watchScreen });
  fx.people.push(bea);
  const seen = await bea.page.evaluate(() => (window as unknown as { __seen: { picture?: number; label?: string; leave?: number } }).__seen);
  console.log(`[call] Bea saw Ana's picture at ${seen.picture?.toFixed(0)} ms and the call's controls at ${seen.leave?.toFixed(0)} ms`);
  expect(seen.label).toBe("Ana's camera");
  expect(seen.picture, "a frame of Ana's camera was on Bea's screen").toBeDefined();
  expect(seen.picture!).toBeLessThan(seen.leave!);
  await expectMediaFrom(bea, ['Ana']);
});

test('a newcomer is offered a connection made before they came, carrying what the host sends now', async ({ browser }) => {
  // Ana is alone: her spare connection is built with her camera on, and offered. She turns
  // the camera off before Bea comes, then on again: what Bea sees must follow, not the spare.
  // Both directions decode: the spare's receivers were bound to Bea after they were made.
  const room = newRoomUrl(fx.relay.url);
  const ana = await joinCall(browser, room, 'Ana', '&quality=low');
  fx.people.push(ana);
  const churnOf = (p: typeof ana) => p.page.evaluate(() => window.__lunar?.churn() ?? {});
  await expect.poll(async () => (await churnOf(ana))['spare-built'] ?? 0).toBeGreaterThanOrEqual(1);
  await ana.page.getByRole('button', { name: 'Turn off camera' }).click();
  const bea = await joinCall(browser, room, 'Bea', '&quality=low');
  fx.people.push(bea);
  await expect(bea.page.getByRole('figure', { name: 'Ana' }).getByRole('img', { name: 'Camera off' })).toBeVisible();
  expect((await churnOf(ana))['spare-used'], 'Ana offered to Bea on her spare').toBe(1);
  await expectMediaFrom(ana, ['Bea']);
  // Camera off: no picture from Ana, though her audio comes.
  await expect.poll(async () => (await bea.peers()).find((p) => p.name === 'Ana')?.audioPacketsReceived ?? 0).toBeGreaterThan(0);
  expect(await framesFrom(bea, 'Ana')).toBe(0);
  await ana.page.getByRole('button', { name: 'Turn on camera' }).click();
  await expectMediaFrom(bea, ['Ana']);
});

test("a participant's page crashes: the others' tile for them goes within seconds, and the call goes on", async ({ browser }) => {
  const room = newRoomUrl(fx.relay.url);
  const ana = await joinCall(browser, room, 'Ana');
  const bea = await joinCall(browser, room, 'Bea');
  const cem = await joinCall(browser, room, 'Cem');
  fx.people.push(ana, bea, cem);
  await expectMediaFrom(ana, ['Bea', 'Cem']);
  await expectMediaFrom(cem, ['Ana', 'Bea']);
  // No goodbye: the page's process dies. Its media just stops, and ICE stays connected for
  // seconds; its socket to the relay closes, and the relay tells the others (GONE).
  const crashed = new Promise<void>((resolve) => bea.page.once('crash', () => resolve()));
  const cdp = await bea.context.newCDPSession(bea.page);
  const at = Date.now();
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  // The report comes within a second, and a peer silent 3 s after it is gone (8 s or more
  // without the report: the silence rules).
  for (const p of [ana, cem]) await expect(p.page.getByRole('figure', { name: 'Bea' })).toHaveCount(0, { timeout: 7000 });
  console.log(`[call] Bea's page crashed; her tile was gone from Ana's and Cem's in ${Date.now() - at} ms`);
  await expectMediaFrom(ana, ['Cem']);
  await expectMediaFrom(cem, ['Ana']);
});

test('the person past the limit sees "room full", the call goes on', async ({ browser }) => {
  await fx.relay.stop();
  fx.relay = await startRelay({ MAX_PARTICIPANTS: '2' });
  const room = newRoomUrl(fx.relay.url);
  const ana = await joinCall(browser, room, 'Ana');
  const bea = await joinCall(browser, room, 'Bea');
  fx.people.push(ana, bea);
  await expectMediaFrom(ana, ['Bea']);
  const cem = await openParticipant(browser, `${room}?prejoin=0&name=Cem`, 'Cem');
  fx.people.push(cem);
  await expect(cem.page.getByRole('heading', { name: 'This meeting is full' })).toBeVisible();
  await expectMediaFrom(ana, ['Bea']);
  await expect(ana.page.getByTestId('tile')).toHaveCount(2);
});
