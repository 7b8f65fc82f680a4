/**
 * The track a forwarder puts on its video senders towards children. Its encoded frames are
 * read and discarded (the sender carries the source's ciphertext instead), but it must keep
 * producing frames: a key frame from its encoder is how we learn that a child asked for one.
 * Tiny and slow, so the wasted encoding is negligible.
 *
 * Audio senders get no track at all: frames written to their encoded stream are sent all the
 * same, and audio has no key frames to learn about. A silent placeholder there ran one Opus
 * encoder per child: 3.3 of the 3.75 % of a core each extra child cost (bench/tree-hop).
 */
export interface PlaceholderTracks {
  video: MediaStreamTrack;
  stop(): void;
}

const SIZE = 16;
const FPS = 10;

export function makePlaceholderTracks(): PlaceholderTracks {
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext('2d');
  let tick = 0;
  // Canvas capture emits a frame only when the canvas changes: flip one pixel per frame.
  const paint = () => {
    if (ctx === null) return;
    ctx.fillStyle = tick++ % 2 === 0 ? '#000' : '#010101';
    ctx.fillRect(0, 0, SIZE, SIZE);
  };
  paint();
  const timer = setInterval(paint, 1000 / FPS);
  const video = canvas.captureStream(FPS).getVideoTracks()[0];
  if (video === undefined) throw new Error('placeholder track unavailable');

  return {
    video,
    stop: () => {
      clearInterval(timer);
      video.stop();
    },
  };
}
