/**
 * Geometry for drawing the stage into the recording canvas: how big the canvas is, where each
 * on-screen tile lands on it, and which part of a video frame fills a tile (CSS `object-fit:
 * cover`, as the tiles show it). Pure, so it is unit-tested in Node.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** 720p: what the call sends at best, so recording more would only cost CPU. */
export const MAX_RECORDING_SIZE: Size = { width: 1280, height: 720 };

/** Encoders want even dimensions (4:2:0 chroma halves them). */
function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

/**
 * The canvas size for a stage shown at `stage` CSS pixels on a `pixelRatio` screen: the stage's
 * shape, as sharp as the screen shows it, no bigger than `max`.
 */
export function recordingCanvasSize(stage: Size, pixelRatio = 1, max: Size = MAX_RECORDING_SIZE): Size {
  const w = Math.max(1, stage.width) * Math.max(1, pixelRatio);
  const h = Math.max(1, stage.height) * Math.max(1, pixelRatio);
  const scale = Math.min(1, max.width / w, max.height / h);
  return { width: even(w * scale), height: even(h * scale) };
}

/** Maps a tile's on-screen rect (CSS px) into the canvas, relative to the stage's on-screen rect. */
export function mapToCanvas(tile: Rect, stage: Rect, canvas: Size): Rect {
  const sx = canvas.width / Math.max(1, stage.width);
  const sy = canvas.height / Math.max(1, stage.height);
  return { x: (tile.x - stage.x) * sx, y: (tile.y - stage.y) * sy, width: tile.width * sx, height: tile.height * sy };
}

/** True when any part of `tile` is inside `stage` (tiles scrolled out of the stage are not drawn). */
export function intersects(tile: Rect, stage: Rect): boolean {
  return tile.width > 0 && tile.height > 0 && tile.x < stage.x + stage.width && tile.x + tile.width > stage.x && tile.y < stage.y + stage.height && tile.y + tile.height > stage.y;
}

/**
 * The source crop of a `source`-sized frame that fills `target` without distortion, centred
 * (object-fit: cover): the arguments `sx, sy, sw, sh` of `drawImage`.
 */
export function coverCrop(source: Size, target: Size): Rect {
  if (source.width <= 0 || source.height <= 0 || target.width <= 0 || target.height <= 0) return { x: 0, y: 0, width: 0, height: 0 };
  const scale = Math.max(target.width / source.width, target.height / source.height);
  const width = target.width / scale;
  const height = target.height / scale;
  return { x: (source.width - width) / 2, y: (source.height - height) / 2, width, height };
}
