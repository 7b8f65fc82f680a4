/**
 * Audio levels (0..1) per participant, cheaply: remote levels from the audio receivers'
 * synchronization sources (measured after decryption, as heard; no getStats walk several
 * times a second), our own from a WebAudio meter on the microphone track.
 */
import type { CallEngine } from '../call/call-engine';
import type { LocalAudioMeter } from './local-audio-meter';

/** RTP audio levels older than this mean the person stopped sending (muted or silent). */
const FRESH_MS = 1000;

/** Browsers have stamped these on the page clock or the wall clock: accept either. */
function isFresh(timestamp: number): boolean {
  return Math.min(Math.abs(performance.now() - timestamp), Math.abs(Date.now() - timestamp)) < FRESH_MS;
}

export function speakingLevels(engine: CallEngine, myId: string, local: { meter: LocalAudioMeter; track: MediaStreamTrack | null; micOn: boolean }): Map<string, number> {
  const levels = new Map<string, number>();
  for (const [peerId, session] of engine.sessionsByPeer()) {
    let level = 0;
    for (const receiver of session.pc.getReceivers()) {
      if (receiver.track.kind !== 'audio') continue;
      for (const s of receiver.getSynchronizationSources()) {
        if (typeof s.audioLevel === 'number' && isFresh(s.timestamp)) level = Math.max(level, s.audioLevel);
      }
    }
    levels.set(peerId, level);
  }
  levels.set(myId, local.micOn ? local.meter.level(local.track) : 0);
  return levels;
}
