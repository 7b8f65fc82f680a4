/// <reference types="vite/client" />
/**
 * Test page for RNNoise in its AudioWorklet: a noisy fixture (white noise plus a 440 Hz tone)
 * goes through `createNoiseSuppressor`, and we compare the energy of the raw and processed
 * signals with AnalyserNodes in the same page.
 */
import { createNoiseSuppressor, type NoiseSuppressor } from '../../src/media/noise-suppression';

let ctx: AudioContext | null = null;
let suppressor: NoiseSuppressor | null = null;
let raw: AnalyserNode | null = null;
let processed: AnalyserNode | null = null;

function noiseBuffer(c: AudioContext, seconds: number, amplitude: number): AudioBuffer {
  const buf = c.createBuffer(1, c.sampleRate * seconds, c.sampleRate);
  const data = buf.getChannelData(0);
  let x = 12345;
  for (let i = 0; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = ((x / 0xffffffff) * 2 - 1) * amplitude;
  }
  return buf;
}

async function setup(): Promise<void> {
  ctx = new AudioContext({ sampleRate: 48_000 });
  await ctx.resume();
  const noise = ctx.createBufferSource();
  noise.buffer = noiseBuffer(ctx, 2, 0.3);
  noise.loop = true;
  const tone = ctx.createOscillator();
  tone.frequency.value = 440;
  const toneGain = ctx.createGain();
  toneGain.gain.value = 0.1;
  tone.connect(toneGain);
  const mix = ctx.createMediaStreamDestination();
  noise.connect(mix);
  toneGain.connect(mix);
  noise.start();
  tone.start();
  const input = mix.stream.getAudioTracks()[0]!;
  suppressor = await createNoiseSuppressor(input);
  await suppressor.ready;
  raw = ctx.createAnalyser();
  processed = ctx.createAnalyser();
  ctx.createMediaStreamSource(mix.stream).connect(raw);
  ctx.createMediaStreamSource(new MediaStream([suppressor.track])).connect(processed);
}

function rms(a: AnalyserNode): number {
  const data = new Float32Array(a.fftSize);
  a.getFloatTimeDomainData(data);
  let sum = 0;
  for (const v of data) sum += v * v;
  return Math.sqrt(sum / data.length);
}

/** Mean RMS of both signals over `ms`, sampled every 50 ms. */
async function measure(ms: number): Promise<{ raw: number; processed: number }> {
  if (!raw || !processed) throw new Error('call setup() first');
  let r = 0;
  let p = 0;
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await new Promise((res) => setTimeout(res, 50));
    r += rms(raw);
    p += rms(processed);
    n++;
  }
  return { raw: r / n, processed: p / n };
}

const api = {
  setup,
  measure,
  setEnabled: (on: boolean) => suppressor?.setEnabled(on),
  dispose: () => {
    suppressor?.dispose();
    void ctx?.close();
  },
};

declare global {
  interface Window {
    noiseTest: typeof api;
  }
}
window.noiseTest = api;
