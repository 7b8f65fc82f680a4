/**
 * Re-framing between the audio render quantum (128 samples in an AudioWorklet) and RNNoise's
 * 480-sample (10 ms at 48 kHz) frames. Pure and allocation-free after construction, because it
 * runs on the audio thread where a GC pause is an audible click.
 *
 * Output is delayed by exactly one frame: the output FIFO starts with `frameSize` samples of
 * silence, which is the smallest whole-frame priming that never underruns for any block size
 * up to a frame (the worst residue of k·block mod frame is frame − gcd(block, frame) < frame).
 */

/** Fixed-capacity FIFO of samples. */
export class SampleRing {
  private readonly buf: Float32Array;
  private head = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.buf = new Float32Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(samples: Float32Array): void {
    if (samples.length > this.capacity - this.size) throw new RangeError('SampleRing overflow');
    let tail = (this.head + this.size) % this.capacity;
    for (let i = 0; i < samples.length; i++) {
      this.buf[tail] = samples[i]!;
      tail = tail + 1 === this.capacity ? 0 : tail + 1;
    }
    this.size += samples.length;
  }

  pushSilence(n: number): void {
    if (n > this.capacity - this.size) throw new RangeError('SampleRing overflow');
    let tail = (this.head + this.size) % this.capacity;
    for (let i = 0; i < n; i++) {
      this.buf[tail] = 0;
      tail = tail + 1 === this.capacity ? 0 : tail + 1;
    }
    this.size += n;
  }

  /** Fills `into` entirely from the front of the ring (into.length ≤ length). */
  shift(into: Float32Array): void {
    if (into.length > this.size) throw new RangeError('SampleRing underflow');
    for (let i = 0; i < into.length; i++) {
      into[i] = this.buf[this.head]!;
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    }
    this.size -= into.length;
  }
}

export class FrameRechunker {
  private readonly input: SampleRing;
  private readonly output: SampleRing;
  private readonly frame: Float32Array;

  /**
   * @param frameSize samples per processing frame (480 for RNNoise)
   * @param maxBlock largest block `process` will be called with (128 today; the Web Audio spec
   *                 lets render quanta grow, so size for it rather than assume)
   * @param processFrame transforms one frame in place
   */
  constructor(
    readonly frameSize: number,
    readonly maxBlock: number,
    private readonly processFrame: (frame: Float32Array) => void,
  ) {
    if (maxBlock > frameSize) throw new RangeError('maxBlock must not exceed frameSize');
    this.input = new SampleRing(frameSize + maxBlock);
    this.output = new SampleRing(2 * frameSize + maxBlock);
    this.frame = new Float32Array(frameSize);
    this.output.pushSilence(frameSize);
  }

  /** Samples between a sample going in and coming out. */
  get latency(): number {
    return this.frameSize;
  }

  /** Takes one block of input and writes the same number of processed samples to `out`. */
  process(block: Float32Array, out: Float32Array): void {
    this.input.push(block);
    while (this.input.length >= this.frameSize) {
      this.input.shift(this.frame);
      this.processFrame(this.frame);
      this.output.push(this.frame);
    }
    this.output.shift(out.length === block.length ? out : out.subarray(0, block.length));
  }
}
