/**
 * Audio levels (0..1) per participant, cheaply. Our own comes from a WebAudio meter on the
 * microphone track. Others':
 * - In a mesh, from the audio receivers' synchronization sources (measured after decryption,
 *   as heard; no getStats walk several times a second).
 * - In a large room, from the level each member announces in shared presence. Its control
 *   connections carry no media, and each getSynchronizationSources is a blocking call to
 *   WebRTC's thread: with 8 pages on 2 cores those calls took a fifth of a page's main thread,
 *   even when asked of the tree links only.
 */
import type { CallEngine } from '../call/call-engine';
import type { LocalAudioMeter } from './local-audio-meter';

/** RTP audio levels older than this mean the person stopped sending (muted or silent). */
const FRESH_MS = 1000;

/** Browsers have stamped these on the page clock or the wall clock: accept either. */
function isFresh(timestamp: number): boolean {
  return Math.min(Math.abs(performance.now() - timestamp), Math.abs(Date.now() - timestamp)) < FRESH_MS;
}

function heardLevel(receivers: readonly RTCRtpReceiver[]): number {
  let level = 0;
  for (const receiver of receivers) {
    if (receiver.track.kind !== 'audio') continue;
    for (const s of receiver.getSynchronizationSources()) {
      if (typeof s.audioLevel === 'number' && isFresh(s.timestamp)) level = Math.max(level, s.audioLevel);
    }
  }
  return level;
}

export function speakingLevels(
  engine: CallEngine,
  myId: string,
  local: { meter: LocalAudioMeter; track: MediaStreamTrack | null; micOn: boolean },
  /** The level a member announced in presence (0 when none). */
  announced: (peerId: string) => number,
): Map<string, number> {
  const levels = new Map<string, number>();
  const large = engine.mode === 'tree';
  for (const [peerId, session] of engine.sessionsByPeer()) {
    levels.set(peerId, large ? announced(peerId) : heardLevel(session.pc.getReceivers()));
  }
  levels.set(myId, local.micOn ? local.meter.level(local.track) : 0);
  return levels;
}
