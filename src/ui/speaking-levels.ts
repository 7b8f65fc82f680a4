/**
 * Audio levels (0..1) per participant, cheaply. Our own comes from a WebAudio meter on the
 * microphone track; everyone else's is the level that member announces in shared presence
 * (each page publishes its own, quantized, a few times a second).
 *
 * Reading them off our audio receivers instead (getSynchronizationSources) costs a blocking
 * call to WebRTC's thread per receiver: in a large room that was a fifth of a page's main
 * thread with 8 pages on 2 cores, and in a mesh of four, a page joining a fifth spent 2.4 s
 * of its first 35 s blocked in those calls (CPU profile), long enough for its peers to stop
 * hearing its pings. The price of announced levels: a member could claim to be speaking and
 * take the stage; it can as easily speak.
 */
import type { CallEngine } from '../call/call-engine';
import type { LocalAudioMeter } from './local-audio-meter';

export function speakingLevels(
  engine: CallEngine,
  myId: string,
  local: { meter: LocalAudioMeter; track: MediaStreamTrack | null; micOn: boolean },
  /** The level a member announced in presence (0 when none). */
  announced: (peerId: string) => number,
): Map<string, number> {
  const levels = new Map<string, number>();
  for (const peerId of engine.sessionsByPeer().keys()) levels.set(peerId, announced(peerId));
  levels.set(myId, local.micOn ? local.meter.level(local.track) : 0);
  return levels;
}
