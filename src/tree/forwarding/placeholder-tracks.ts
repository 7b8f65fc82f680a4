/**
 * The tracks a forwarder puts on its senders towards children. Their encoded frames are read
 * and discarded (the sender carries the source's ciphertext instead); the video one must keep
 * producing frames, because a key frame from its encoder is how we learn that a child asked
 * for one. Tiny and slow, so the wasted encoding is negligible.
 */
export interface PlaceholderTracks {
  video: MediaStreamTrack;
  audio: MediaStreamTrack;
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

  const audioContext = new AudioContext();
  const destination = audioContext.createMediaStreamDestination();
  const gain = audioContext.createGain();
  gain.gain.value = 0;
  const source = audioContext.createConstantSource();
  source.connect(gain).connect(destination);
  source.start();
  const audio = destination.stream.getAudioTracks()[0];
  if (video === undefined || audio === undefined) throw new Error('placeholder tracks unavailable');

  return {
    video,
    audio,
    stop: () => {
      clearInterval(timer);
      video.stop();
      audio.stop();
      void audioContext.close();
    },
  };
}
