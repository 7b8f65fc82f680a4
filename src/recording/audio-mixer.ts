/**
 * Mixes audio tracks (every participant's and our microphone) into one track for the recorder,
 * with WebAudio. Tracks come and go during a recording (people join, leave, switch devices):
 * `setTracks` connects new ones and disconnects the ones gone, without a gap for the others.
 *
 * A muted microphone track is disabled and so contributes silence: what is recorded is what
 * the call hears.
 */
import { RecordingError } from './recording-error';

export interface AudioMixer {
  readonly track: MediaStreamTrack;
  setTracks(tracks: readonly MediaStreamTrack[]): void;
  dispose(): Promise<void>;
}

export function createAudioMixer(): AudioMixer {
  let ctx: AudioContext;
  try {
    ctx = new AudioContext();
  } catch (cause) {
    throw new RecordingError('recorder-unavailable', 'This browser cannot mix audio for recording.', { cause });
  }
  // Created from a click ("Start recording"), so the context may start; resume in case it did not.
  void ctx.resume().catch(() => undefined);
  const out = ctx.createMediaStreamDestination();
  const sources = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();
  const track = out.stream.getAudioTracks()[0];
  if (!track) throw new RecordingError('recorder-unavailable', 'This browser gave no mixed audio track.');

  return {
    track,
    setTracks(tracks) {
      const wanted = new Set(tracks.filter((t) => t.kind === 'audio' && t.readyState === 'live'));
      for (const [t, node] of sources) {
        if (wanted.has(t)) continue;
        node.disconnect();
        sources.delete(t);
      }
      for (const t of wanted) {
        if (sources.has(t)) continue;
        const node = ctx.createMediaStreamSource(new MediaStream([t]));
        node.connect(out);
        sources.set(t, node);
      }
    },
    async dispose() {
      for (const node of sources.values()) node.disconnect();
      sources.clear();
      track.stop();
      await ctx.close().catch(() => undefined);
    },
  };
}
