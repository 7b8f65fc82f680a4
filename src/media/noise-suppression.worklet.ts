/**
 * AudioWorklet entry: RNNoise on the audio thread. Mono (channel 0, copied to every output
 * channel), 48 kHz only (the context is created at 48 kHz; RNNoise is trained for it).
 * Until the wasm has loaded, and while disabled, frames pass through the same re-framing so
 * the latency (one 10 ms frame) does not jump when toggled.
 */
import './worklet-scope-shim';
import { Rnnoise, type DenoiseState } from '@shiguredo/rnnoise-wasm';
import { FrameRechunker } from './frame-rechunker';
import { NOISE_PROCESSOR_NAME, parseToWorklet, type FromWorklet } from './noise-suppression-messages';

// AudioWorkletGlobalScope, which the DOM lib does not describe.
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

/** RNNoise works on 16-bit PCM magnitudes, Web Audio on [-1, 1]. */
const PCM_SCALE = 32768;
const FRAME = 480;
const MAX_BLOCK = 128;

class RnnoiseProcessor extends AudioWorkletProcessor {
  private denoise: DenoiseState | null = null;
  private enabled = true;
  private alive = true;
  private readonly chunker = new FrameRechunker(FRAME, MAX_BLOCK, (frame) => this.processFrame(frame));
  private readonly scratch = new Float32Array(MAX_BLOCK);

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent) => {
      const msg = parseToWorklet(e.data);
      if (msg?.type === 'set-enabled') this.enabled = msg.enabled;
      if (msg?.type === 'dispose') this.shutdown();
    };
    Rnnoise.load().then(
      (rnnoise) => {
        if (!this.alive) return;
        this.denoise = rnnoise.createDenoiseState();
        this.post({ type: 'ready' });
      },
      (err: unknown) => this.post({ type: 'error', code: 'rnnoise-load-failed', message: String(err) }),
    );
  }

  private post(msg: FromWorklet): void {
    this.port.postMessage(msg);
  }

  private processFrame(frame: Float32Array): void {
    if (!this.enabled || !this.denoise) return;
    for (let i = 0; i < frame.length; i++) frame[i] = frame[i]! * PCM_SCALE;
    this.denoise.processFrame(frame);
    for (let i = 0; i < frame.length; i++) frame[i] = frame[i]! / PCM_SCALE;
  }

  private shutdown(): void {
    this.alive = false;
    this.denoise?.destroy();
    this.denoise = null;
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (!this.alive) return false;
    const input = inputs[0]?.[0];
    const output = outputs[0];
    if (!output || output.length === 0) return true;
    const first = output[0]!;
    if (input && input.length <= MAX_BLOCK) {
      this.chunker.process(input, first);
    } else {
      // No input connected (track ended or muted at source): keep the clock running with silence.
      this.scratch.fill(0);
      this.chunker.process(this.scratch.subarray(0, first.length), first);
    }
    for (let c = 1; c < output.length; c++) output[c]!.set(first);
    return true;
  }
}

registerProcessor(NOISE_PROCESSOR_NAME, RnnoiseProcessor);
