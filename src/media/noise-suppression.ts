/**
 * RNNoise noise suppression for a microphone track: track in, processed track out, through an
 * AudioWorklet (`noise-suppression.worklet.ts`). The caller keeps owning the input track; the
 * processed one is ours and is stopped by `dispose()`.
 *
 * If RNNoise fails to load, audio still flows, unprocessed, and `ready` rejects with a
 * NoiseSuppressionError: losing noise suppression must never cut the microphone.
 */
import workletUrl from './noise-suppression.worklet.ts?worker&url';
import { LunarError } from '../util/lunar-error';
import { NOISE_PROCESSOR_NAME, parseFromWorklet, type ToWorklet } from './noise-suppression-messages';

export type NoiseSuppressionErrorCode = 'rnnoise-load-failed' | 'audio-worklet-unavailable';

export class NoiseSuppressionError extends LunarError<NoiseSuppressionErrorCode> {
  constructor(code: NoiseSuppressionErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'NoiseSuppressionError';
  }
}

export interface NoiseSuppressor {
  /** The processed audio track to send instead of the microphone track. */
  readonly track: MediaStreamTrack;
  /** Resolves once RNNoise runs (audio passes through unprocessed until then). */
  readonly ready: Promise<void>;
  readonly enabled: boolean;
  setEnabled(enabled: boolean): void;
  /** Stops the processed track and closes the audio graph; the input track is left running. */
  dispose(): void;
}

export interface NoiseSuppressorOptions {
  /** On by default (the issue asks for it). */
  enabled?: boolean;
}

/** RNNoise's model runs at 48 kHz; the context resamples whatever the microphone gives. */
export const NOISE_SAMPLE_RATE = 48_000;

export async function createNoiseSuppressor(input: MediaStreamTrack, opts: NoiseSuppressorOptions = {}): Promise<NoiseSuppressor> {
  if (typeof AudioWorkletNode === 'undefined') throw new NoiseSuppressionError('audio-worklet-unavailable', 'This browser has no AudioWorklet.');
  const ctx = new AudioContext({ sampleRate: NOISE_SAMPLE_RATE, latencyHint: 'interactive' });
  try {
    await ctx.audioWorklet.addModule(workletUrl);
  } catch (cause) {
    void ctx.close();
    throw new NoiseSuppressionError('audio-worklet-unavailable', 'Could not load the noise suppression worklet.', { cause });
  }
  const source = ctx.createMediaStreamSource(new MediaStream([input]));
  const node = new AudioWorkletNode(ctx, NOISE_PROCESSOR_NAME, { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1], channelCount: 1, channelCountMode: 'explicit' });
  const dest = ctx.createMediaStreamDestination();
  source.connect(node).connect(dest);
  // Created outside a user gesture the context may start suspended; joining a call was the gesture.
  if (ctx.state === 'suspended') void ctx.resume();

  const post = (msg: ToWorklet) => node.port.postMessage(msg);
  const ready = new Promise<void>((resolve, reject) => {
    node.port.onmessage = (e: MessageEvent) => {
      const msg = parseFromWorklet(e.data);
      if (msg?.type === 'ready') resolve();
      if (msg?.type === 'error') reject(new NoiseSuppressionError(msg.code, msg.message));
    };
  });
  // Callers that ignore `ready` must not get an unhandled rejection.
  ready.catch(() => {});

  let enabled = opts.enabled ?? true;
  post({ type: 'set-enabled', enabled });
  const track = dest.stream.getAudioTracks()[0]!;
  let disposed = false;

  return {
    track,
    ready,
    get enabled() {
      return enabled;
    },
    setEnabled(on: boolean) {
      enabled = on;
      post({ type: 'set-enabled', enabled: on });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      post({ type: 'dispose' });
      source.disconnect();
      node.disconnect();
      track.stop();
      void ctx.close();
    },
  };
}
