import { describe, expect, it } from 'vitest';
import { coverCrop, intersects, mapToCanvas, MAX_RECORDING_SIZE, recordingCanvasSize } from '../../../src/recording/stage-geometry';

describe('recording canvas size', () => {
  it('keeps the stage shape at screen sharpness, capped at 720p, with even sides', () => {
    expect(recordingCanvasSize({ width: 800, height: 450 })).toEqual({ width: 800, height: 450 });
    expect(recordingCanvasSize({ width: 800, height: 450 }, 2)).toEqual({ width: 1280, height: 720 });
    expect(recordingCanvasSize({ width: 3000, height: 1000 })).toEqual({ width: 1280, height: 426 });
    expect(recordingCanvasSize({ width: 501, height: 333 })).toEqual({ width: 502, height: 334 });
    const tall = recordingCanvasSize({ width: 400, height: 2000 });
    expect(tall.height).toBe(MAX_RECORDING_SIZE.height);
    expect(tall.width).toBe(144);
  });

  it('never gives an empty canvas for a collapsed stage', () => {
    expect(recordingCanvasSize({ width: 0, height: 0 })).toEqual({ width: 2, height: 2 });
  });
});

describe('tile placement', () => {
  const stage = { x: 100, y: 50, width: 800, height: 400 };
  it('maps on-screen rects into the canvas relative to the stage', () => {
    expect(mapToCanvas({ x: 100, y: 50, width: 400, height: 200 }, stage, { width: 1600, height: 800 })).toEqual({ x: 0, y: 0, width: 800, height: 400 });
    expect(mapToCanvas({ x: 500, y: 250, width: 400, height: 200 }, stage, { width: 400, height: 200 })).toEqual({ x: 200, y: 100, width: 200, height: 100 });
  });

  it('skips tiles outside the stage (scrolled away) and empty ones', () => {
    expect(intersects({ x: 120, y: 60, width: 10, height: 10 }, stage)).toBe(true);
    expect(intersects({ x: 0, y: 0, width: 100, height: 50 }, stage)).toBe(false);
    expect(intersects({ x: 100, y: 450, width: 100, height: 50 }, stage)).toBe(false);
    expect(intersects({ x: 120, y: 60, width: 0, height: 10 }, stage)).toBe(false);
  });
});

describe('cover crop (object-fit: cover)', () => {
  it('crops the sides of a wide frame into a square tile, centred', () => {
    expect(coverCrop({ width: 640, height: 360 }, { width: 100, height: 100 })).toEqual({ x: 140, y: 0, width: 360, height: 360 });
  });
  it('crops top and bottom of a tall frame into a wide tile', () => {
    expect(coverCrop({ width: 480, height: 640 }, { width: 400, height: 300 })).toEqual({ x: 0, y: 140, width: 480, height: 360 });
  });
  it('uses the whole frame when the shapes match, and nothing for an empty frame', () => {
    expect(coverCrop({ width: 640, height: 480 }, { width: 320, height: 240 })).toEqual({ x: 0, y: 0, width: 640, height: 480 });
    expect(coverCrop({ width: 0, height: 0 }, { width: 320, height: 240 })).toEqual({ x: 0, y: 0, width: 0, height: 0 });
  });
});
