/**
 * What our senders carry and how: the tracks per slot, the encodings from the quality
 * settings, and the SDP edits (Opus FEC/DTX or music mode on what we set, the receive cap on
 * what we send). The engine calls these for every connection, and again when settings change.
 */
import { applyReceiveCap, tuneOpus } from '../media/sdp-munging';
import { mergeEncoding } from '../media/quality-settings';
import { sendEncodings, warmUpEncoding } from '../media/send-encodings';
import type { LocalMedia } from './local-media';
import type { PeerSession, SdpPolicy } from './peer-session';
import type { SendSlot } from './send-slots';

/** Our tracks per sender slot (camera only while it is on; the mic as processed for sending). */
export function localTracks(media: LocalMedia): Record<SendSlot, MediaStreamTrack | null> {
  return {
    audio: media.sendAudioTrack,
    video: media.camOn ? media.videoTrack : null,
    'screen-audio': media.screen.audioTrack,
    'screen-video': media.screen.videoTrack,
  };
}

/** The settings a connection is built and first offered with: a spare fits only the same. */
export function kitShape(media: LocalMedia): string {
  return `${media.settings.audioOnly ? 'audio-only' : 'video'}|${media.settings.music ? 'music' : 'voice'}`;
}

/** Reads the settings at negotiation time, so a later offer carries the current ones. */
export function sdpPolicy(media: LocalMedia): SdpPolicy {
  return {
    local: (sdp) => tuneOpus(sdp, { music: media.settings.music }),
    outgoing: (sdp) => applyReceiveCap(tuneOpus(sdp, { music: media.settings.music }), media.settings.receiveCapKbps),
  };
}

/**
 * Bitrate, scale and frame rate of each sender from the settings (setParameters, no
 * renegotiation). `warmUp`: a new connection's camera starts small (see warmUpEncoding).
 */
export function applySendSettings(session: PeerSession, media: LocalMedia, opts: { warmUp?: boolean } = {}): Promise<unknown> {
  const cameraHeight = media.videoTrack?.getSettings().height;
  const enc = sendEncodings(media.settings, { cameraHeight, screenOn: media.screen.active });
  const camera = opts.warmUp === true ? warmUpEncoding(enc.camera, cameraHeight) : enc.camera;
  return Promise.all([
    session.setSendParameters('audio', (p) => mergeEncoding(p, enc.audio)),
    session.setSendParameters('video', (p) => mergeEncoding(p, camera)),
    session.setSendParameters('screen-video', (p) => mergeEncoding(p, enc.screen)),
  ]);
}
