import { describe, expect, it } from 'vitest';
import { FrameRechunker, SampleRing } from '../../../src/media/frame-rechunker';

const ramp = (start: number, n: number) => Float32Array.from({ length: n }, (_, i) => start + i);

describe('SampleRing', () => {
  it('is a FIFO across the wrap-around and refuses over- and underflow', () => {
    const r = new SampleRing(5);
    r.push(ramp(1, 4));
    const a = new Float32Array(3);
    r.shift(a);
    expect([...a]).toEqual([1, 2, 3]);
    r.push(ramp(5, 4)); // wraps
    const b = new Float32Array(5);
    r.shift(b);
    expect([...b]).toEqual([4, 5, 6, 7, 8]);
    expect(() => r.shift(new Float32Array(1))).toThrow(RangeError);
    expect(() => r.push(ramp(0, 6))).toThrow(RangeError);
  });
});

describe('FrameRechunker (128-sample quanta → 480-sample frames)', () => {
  it('hands the processor whole 480-sample frames in order and delays output by one frame', () => {
    const frames: number[][] = [];
    const chunker = new FrameRechunker(480, 128, (f) => {
      frames.push([f.length, f[0]!, f[479]!]);
      for (let i = 0; i < f.length; i++) f[i] = -f[i]!; // visible processing
    });
    const out: number[] = [];
    const quanta = 60; // 7680 samples = 16 frames
    for (let q = 0; q < quanta; q++) {
      const o = new Float32Array(128);
      chunker.process(ramp(q * 128 + 1, 128), o);
      out.push(...o);
    }
    expect(frames.length).toBe(16);
    frames.forEach(([len, first, last], i) => expect([len, first, last]).toEqual([480, i * 480 + 1, i * 480 + 480]));
    // First frame of output is the priming silence, then the processed input, sample for sample.
    expect(out.slice(0, 480).every((v) => v === 0)).toBe(true);
    for (let i = 480; i < out.length; i++) expect(out[i]).toBe(-(i - 480 + 1));
    expect(chunker.latency).toBe(480);
  });

  it('never underruns for any block size up to the frame size', () => {
    for (const block of [1, 32, 100, 128, 256, 479, 480]) {
      const chunker = new FrameRechunker(480, block, () => {});
      let t = 1;
      const seen: number[] = [];
      for (let q = 0; q < Math.ceil(2000 / block); q++) {
        const o = new Float32Array(block);
        chunker.process(ramp(t, block), o);
        t += block;
        seen.push(...o);
      }
      expect(seen.slice(480, 480 + 10), `block ${block}`).toEqual([...ramp(1, 10)]);
    }
  });

  it('rejects blocks larger than a frame', () => {
    expect(() => new FrameRechunker(480, 512, () => {})).toThrow(RangeError);
  });
});
