/**
 * Call essentials, media part, in real Chromium with fake devices (one camera, three
 * microphones, three speakers): screen sharing (decoded by the others, on its own tile, two
 * presenters at once, stopped cleanly), switching camera, microphone and speaker mid-call,
 * the send cap lowering what we actually send, and Opus FEC + DTX in the local description.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectMediaFrom, joinCall, newRoomUrl, type JoinOptions, type Participant } from './harness/participant';
import { useRelayPerTest } from './harness/relay-per-test';

const fx = useRelayPerTest();

async function join(url: string, name: string, browser: Parameters<typeof joinCall>[0], opts: JoinOptions = {}): Promise<Participant> {
  const p = await joinCall(browser, url, name, '', opts);
  fx.people.push(p);
  return p;
}

async function stat(who: Participant, from: string, field: 'screenFramesDecoded' | 'cameraFramesDecoded' | 'videoBytesSent'): Promise<number> {
  const s = (await who.peers()).find((x) => x.name === from);
  return s ? s[field] : 0;
}

/**
 * Waits until `field` (frames from `from`) has risen twice: frames keep coming. Counted per
 * step, so a counter that restarts (a rebuilt connection has fresh stats) still has to rise.
 */
async function expectRising(who: Participant, from: string, field: 'screenFramesDecoded' | 'cameraFramesDecoded'): Promise<void> {
  let prev = await stat(who, from, field);
  let rises = 0;
  await expect
    .poll(
      async () => {
        const now = await stat(who, from, field);
        if (now > prev) rises++;
        prev = now;
        return rises;
      },
      { message: `${who.name}: ${field} from ${from} should keep rising`, timeout: 60_000 },
    )
    .toBeGreaterThanOrEqual(2);
}

/** Outgoing camera bitrate to one peer in kbps, over a window of at least `windowMs`, measured with the page's clock. */
async function sendRateKbps(who: Participant, to: string, windowMs = 3000): Promise<number> {
  const sample = async () => ({ bytes: await stat(who, to, 'videoBytesSent'), at: await who.page.evaluate(() => performance.now()) });
  const first = await sample();
  let last = first;
  await expect.poll(async () => (last = await sample()).at - first.at, { intervals: [500], timeout: windowMs * 4 }).toBeGreaterThanOrEqual(windowMs);
  return ((last.bytes - first.bytes) * 8) / (last.at - first.at);
}

const localVideoTrackId = (page: Page) =>
  page.evaluate(() => {
    const v = document.querySelector<HTMLVideoElement>('figure[data-testid="tile"].local video');
    return (v?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.id ?? null;
  });

test('screen share: decoded by the others on its own tile, two presenters, stopped cleanly', async ({ browser }) => {
  test.setTimeout(300_000);
  const url = newRoomUrl(fx.relay.url);
  const ana = await join(url, 'Ana', browser);
  const bea = await join(url, 'Bea', browser);
  const cem = await join(url, 'Cem', browser);
  await expectMediaFrom(bea, ['Ana']);
  await expectMediaFrom(cem, ['Ana', 'Bea']);

  // Ana presents: she is told so, the others get a tile named after her screen, on stage.
  await ana.page.getByRole('button', { name: 'Share screen' }).click();
  await expect(ana.page.getByRole('status').filter({ hasText: 'You are presenting' })).toBeVisible();
  await expect(ana.page.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  for (const p of [bea, cem]) {
    await expect(p.page.getByRole('figure', { name: "Ana's screen" })).toBeVisible();
    await expectRising(p, 'Ana', 'screenFramesDecoded');
  }
  await expect(bea.page.locator('.tile-slot.on-stage').getByRole('figure', { name: "Ana's screen" })).toBeVisible();
  // Her camera still arrives next to the screen.
  await expectRising(bea, 'Ana', 'cameraFramesDecoded');

  // Bea presents too: Cem sees and decodes both screens.
  await bea.page.getByRole('button', { name: 'Share screen' }).click();
  await expect(cem.page.getByRole('figure', { name: "Bea's screen" })).toBeVisible();
  await expect(ana.page.getByRole('figure', { name: "Bea's screen" })).toBeVisible();
  await expectRising(cem, 'Bea', 'screenFramesDecoded');
  await expectRising(cem, 'Ana', 'screenFramesDecoded');
  await expectRising(ana, 'Bea', 'screenFramesDecoded');

  // Ana stops: her screen tile goes for everyone, her button is back, Bea's share goes on.
  await ana.page.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(ana.page.getByRole('button', { name: 'Share screen' })).toBeVisible();
  await expect(ana.page.getByRole('status').filter({ hasText: 'You are presenting' })).toHaveCount(0);
  for (const p of [bea, cem]) await expect(p.page.getByRole('figure', { name: "Ana's screen" })).toHaveCount(0);
  await expect(cem.page.getByRole('figure', { name: "Bea's screen" })).toBeVisible();
  await expectRising(cem, 'Bea', 'screenFramesDecoded');

  await bea.page.getByRole('button', { name: 'Stop sharing' }).click();
  for (const p of [ana, cem]) await expect(p.page.getByTestId('screen-tile')).toHaveCount(0);
  // Cameras were never interrupted.
  await expectRising(cem, 'Ana', 'cameraFramesDecoded');
});

test('settings: switch camera, microphone and speaker mid-call; send cap; Opus FEC and DTX', async ({ browser }) => {
  test.setTimeout(240_000);
  const url = newRoomUrl(fx.relay.url);
  // Ana keeps the app's defaults: the settings show noise suppression on.
  const ana = await join(url, 'Ana', browser, { appDefaults: true });
  const bea = await join(url, 'Bea', browser);
  await expectMediaFrom(bea, ['Ana']);
  await expectMediaFrom(ana, ['Bea']);

  // Opus with in-band FEC and DTX in the description Ana set.
  const sdp = (await ana.peers()).find((p) => p.name === 'Bea')?.localSdp ?? '';
  const opusPt = /a=rtpmap:(\d+) opus\/48000/.exec(sdp)?.[1];
  expect(opusPt).toBeTruthy();
  const fmtp = new RegExp(`a=fmtp:${opusPt} (.*)`).exec(sdp)?.[1] ?? '';
  expect(fmtp).toContain('useinbandfec=1');
  expect(fmtp).toContain('usedtx=1');

  await ana.page.getByRole('button', { name: 'Settings' }).click();
  const settings = ana.page.getByRole('dialog', { name: 'Settings' });
  await expect(settings).toBeVisible();
  await expect(settings.getByRole('checkbox', { name: 'Noise suppression' })).toBeChecked();

  // Camera: pick another camera (Chromium's fake device list has one: then the same one, which
  // re-opens it). A new track goes on the same sender (replaceTrack) and Bea keeps decoding.
  const camera = settings.getByRole('combobox', { name: 'Camera' });
  const cams = await camera.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(cams.length).toBeGreaterThanOrEqual(1);
  const current = await camera.inputValue();
  const target = cams.find((id) => id !== current) ?? current;
  const trackBefore = await localVideoTrackId(ana.page);
  await camera.selectOption(target);
  await expect.poll(() => localVideoTrackId(ana.page)).not.toBe(trackBefore);
  await expect(camera).toHaveValue(target);
  await expectRising(bea, 'Ana', 'cameraFramesDecoded');

  // Microphone: another fake input; audio keeps arriving.
  const mic = settings.getByRole('combobox', { name: 'Microphone' });
  const mics = await mic.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const otherMic = mics.find((id) => id !== 'default' && id !== 'communications') ?? mics[0]!;
  await mic.selectOption(otherMic);
  await expect(mic).toHaveValue(otherMic);
  await expectMediaFrom(bea, ['Ana']);

  // Speaker: the remote tile's element plays on the chosen output.
  const speaker = settings.getByRole('combobox', { name: 'Speaker' });
  const outs = await speaker.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const out = outs.find((id) => id !== '' && id !== 'default' && id !== 'communications');
  expect(out).toBeTruthy();
  await speaker.selectOption(out!);
  await expect.poll(() => ana.page.getByRole('figure', { name: 'Bea' }).locator('video').evaluate((v) => (v as HTMLVideoElement & { sinkId: string }).sinkId)).toBe(out);

  // Send cap: what Ana sends Bea drops under 100 kbps (68 kbps of video after 32 of audio).
  // Uncapped first: wait for congestion control (and a busy CPU) to let it climb clearly above the cap.
  let before = 0;
  await expect.poll(async () => (before = await sendRateKbps(ana, 'Bea')), { timeout: 60_000, intervals: [0] }).toBeGreaterThan(150);
  await settings.getByLabel('Send limit (kbps)').fill('100');
  await settings.getByLabel('Send limit (kbps)').press('Tab');
  await expect.poll(() => sendRateKbps(ana, 'Bea'), { timeout: 40_000, intervals: [0] }).toBeLessThan(100);
  await expectRising(bea, 'Ana', 'cameraFramesDecoded');
  console.log(`camera send rate to Bea: ${before.toFixed(0)} kbps before the cap`);
});
