/**
 * Draws the stage (the tiles as they are on screen) into a canvas and captures it as a video
 * track for the recorder. The caller says what is on stage (`tiles()`), so this module does not
 * know the tile markup; the layout is whatever the person sees, tile or stage view.
 *
 * Frames are drawn on a timer, not requestAnimationFrame: rAF stops in a background tab, and a
 * recording must keep going when the person looks at another tab (timers there slow to ~1 Hz,
 * which keeps the video alive at a low frame rate; the audio is unaffected).
 */
import { RecordingError } from './recording-error';
import { coverCrop, intersects, mapToCanvas, recordingCanvasSize, type Rect } from './stage-geometry';

export interface StageTile {
  /** On-screen rect, CSS px (getBoundingClientRect). */
  rect: Rect;
  /** The video to draw, or null when the camera is off (a name card is drawn instead). */
  video: HTMLVideoElement | null;
  label: string;
  mirrored: boolean;
}

export interface StageSource {
  /** The stage's on-screen rect, CSS px. */
  rect(): Rect;
  tiles(): StageTile[];
}

export interface StageCompositor {
  readonly track: MediaStreamTrack;
  dispose(): void;
}

const BACKGROUND = '#0b1020';
const TILE = '#1b2338';

export function createStageCompositor(source: StageSource, opts: { fps?: number; pixelRatio?: number } = {}): StageCompositor {
  const fps = opts.fps ?? 30;
  const size = recordingCanvasSize(source.rect(), opts.pixelRatio ?? 1);
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext('2d', { alpha: false });
  if (!ctx) throw new RecordingError('recorder-unavailable', 'This browser cannot draw the stage for recording.');

  const draw = () => {
    const stage = source.rect();
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    for (const tile of source.tiles()) {
      if (!intersects(tile.rect, stage)) continue;
      const r = mapToCanvas(tile.rect, stage, size);
      ctx.fillStyle = TILE;
      ctx.fillRect(r.x, r.y, r.width, r.height);
      const v = tile.video;
      if (v && v.videoWidth > 0 && v.readyState >= 2) {
        const crop = coverCrop({ width: v.videoWidth, height: v.videoHeight }, r);
        ctx.save();
        if (tile.mirrored) {
          // The self view is mirrored on screen; record it as people see it.
          ctx.translate(r.x * 2 + r.width, 0);
          ctx.scale(-1, 1);
        }
        ctx.drawImage(v, crop.x, crop.y, crop.width, crop.height, r.x, r.y, r.width, r.height);
        ctx.restore();
      }
      const fontPx = Math.max(10, Math.round(Math.min(r.height / 12, 22)));
      ctx.font = `${fontPx}px system-ui, sans-serif`;
      const pad = fontPx / 2;
      const w = ctx.measureText(tile.label).width + pad * 2;
      ctx.fillStyle = 'rgba(0,0,0,0.55)';
      ctx.fillRect(r.x + pad, r.y + r.height - fontPx * 2 - pad, w, fontPx * 2);
      ctx.fillStyle = '#e8ecf5';
      ctx.textBaseline = 'middle';
      ctx.fillText(tile.label, r.x + pad * 2, r.y + r.height - fontPx - pad);
    }
  };

  draw();
  const stream = canvas.captureStream(fps);
  const track = stream.getVideoTracks()[0];
  if (!track) throw new RecordingError('recorder-unavailable', 'This browser cannot capture the stage for recording.');
  const timer = setInterval(draw, Math.round(1000 / fps));
  return {
    track,
    dispose() {
      clearInterval(timer);
      track.stop();
    },
  };
}
