/**
 * Stand-in tracks. Transceivers must exist (created by addTrack, so a remote offer's m-lines
 * reuse them and transforms can be attached before negotiation) even when the camera or
 * microphone is off; we create them with a placeholder and immediately send nothing.
 */
let audioContext: AudioContext | null = null;

export function placeholderTrack(kind: 'audio' | 'video'): MediaStreamTrack {
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
