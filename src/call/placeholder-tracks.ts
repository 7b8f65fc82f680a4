/**
 * Stand-in tracks. Transceivers must exist (created by addTrack, so a remote offer's m-lines
 * reuse them and transforms can be attached before negotiation) even when the camera or
 * microphone is off or not open yet; we create them with a placeholder and immediately send
 * nothing. A connection needs one per empty slot, each its own track (addTrack refuses a track
 * a connection already sends).
 *
 * Where the browser has MediaStreamTrackGenerator (Chromium) a placeholder is a generator
 * track: no canvas and no AudioContext (its first start is milliseconds of main thread and an
 * audio thread, on a joining page whose main thread is the join's bottleneck).
 */
let audioContext: AudioContext | null = null;

type GeneratorCtor = new (init: { kind: 'audio' | 'video' }) => MediaStreamTrack;

function generatorTrack(kind: 'audio' | 'video'): MediaStreamTrack | null {
  const Generator = (globalThis as { MediaStreamTrackGenerator?: GeneratorCtor }).MediaStreamTrackGenerator;
  if (typeof Generator !== 'function') return null;
  try {
    return new Generator({ kind });
  } catch {
    return null;
  }
}

export function placeholderTrack(kind: 'audio' | 'video'): MediaStreamTrack {
  const generated = generatorTrack(kind);
  if (generated) return generated;
  if (kind === 'video') {
    const canvas = document.createElement('canvas');
    canvas.width = 16;
    canvas.height = 16;
    const track = canvas.captureStream(0).getVideoTracks()[0];
    if (!track) throw new Error('canvas.captureStream gave no track');
    return track;
  }
  audioContext ??= new AudioContext();
  const track = audioContext.createMediaStreamDestination().stream.getAudioTracks()[0];
  if (!track) throw new Error('MediaStreamDestination gave no track');
  return track;
}
