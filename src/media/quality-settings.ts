/**
 * Quality presets and bandwidth controls as pure data: what to ask getUserMedia for, and what
 * to put in `RTCRtpSender.setParameters()` encodings. Applying them (replaceTrack, setParameters)
 * is the call engine's job; keeping the decisions here makes them testable in Node.
 */

export type QualityPreset = 'minimal' | 'auto' | 'low' | 'standard' | 'hd';
export const QUALITY_PRESETS: readonly QualityPreset[] = ['auto', 'minimal', 'low', 'standard', 'hd'];

export interface PresetSpec {
  width: number;
  height: number;
  frameRate: number;
  /** Video send ceiling, kbps; undefined lets congestion control decide (auto). */
  maxKbps?: number;
}

/**
 * HD is 720p30 (the ceiling). Bitrates are the usual VP8 operating points: ~1.5 Mbps
 * makes 720p30 look clean, 600 kbps is enough for 360p, 150 kbps keeps 180p15 legible.
 * Auto captures 720p30 and lets the browser's bandwidth estimation scale it down.
 * Minimal (160×120 at 10 fps, the `quality=low` link parameter) lets a room of many pages run
 * on one small machine: every page encodes once per peer in a mesh, so capture size is what
 * decides how many fit.
 */
export const PRESETS: Record<QualityPreset, PresetSpec> = {
  auto: { width: 1280, height: 720, frameRate: 30 },
  minimal: { width: 160, height: 120, frameRate: 10, maxKbps: 100 },
  low: { width: 320, height: 180, frameRate: 15, maxKbps: 150 },
  standard: { width: 640, height: 360, frameRate: 30, maxKbps: 600 },
  hd: { width: 1280, height: 720, frameRate: 30, maxKbps: 1500 },
};

export interface MediaSettings {
  preset: QualityPreset;
  /** Cap on what I send (video + audio), kbps; undefined for none. */
  sendCapKbps?: number;
  /** Cap on what I receive from each peer, kbps; applied by munging my SDP (see `applyReceiveCap`). */
  receiveCapKbps?: number;
  /** Send and receive no video at all. */
  audioOnly: boolean;
  /** Low preset, low caps and lean Opus, for bad links. */
  lowBandwidth: boolean;
  /** Stereo Opus at a high bitrate, with echo cancellation, noise suppression and AGC off. */
  music: boolean;
}

export const DEFAULT_MEDIA_SETTINGS: MediaSettings = { preset: 'auto', audioOnly: false, lowBandwidth: false, music: false };

/** Low-bandwidth mode: video at the low preset and the total kept under this. */
export const LOW_BANDWIDTH_CAP_KBPS = 250;
/** Audio bitrates (kbps) the video budget leaves room for. */
export const AUDIO_KBPS = { voice: 32, lowBandwidth: 24, music: 128 } as const;
/** Below this, sending video is pointless: the audio needs the room. */
export const MIN_VIDEO_KBPS = 50;

export function effectivePreset(s: MediaSettings): QualityPreset {
  // Low bandwidth never raises quality: minimal is already below the low preset.
  return s.lowBandwidth && s.preset !== 'minimal' ? 'low' : s.preset;
}

export function audioKbps(s: MediaSettings): number {
  if (s.music) return AUDIO_KBPS.music;
  return s.lowBandwidth ? AUDIO_KBPS.lowBandwidth : AUDIO_KBPS.voice;
}

/** Constraints for the camera track; `false` when no video is wanted. */
export function videoConstraints(s: MediaSettings, deviceId?: string): MediaTrackConstraints | false {
  if (s.audioOnly) return false;
  const p = PRESETS[effectivePreset(s)];
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    width: { ideal: p.width },
    height: { ideal: p.height },
    frameRate: { ideal: p.frameRate, max: p.frameRate },
  };
}

/**
 * Microphone constraints. Music mode turns the browser's voice processing off, because echo
 * cancellation and noise suppression eat sustained notes and AGC pumps dynamics.
 */
export function audioConstraints(s: MediaSettings, deviceId?: string): MediaTrackConstraints {
  const voice = !s.music;
  return {
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    echoCancellation: voice,
    noiseSuppression: voice,
    autoGainControl: voice,
    channelCount: s.music ? { ideal: 2 } : { ideal: 1 },
    sampleRate: { ideal: 48000 },
  };
}

/** The video send budget in kbps after caps and audio; undefined means "let congestion control decide". */
export function videoBudgetKbps(s: MediaSettings): number | undefined {
  const caps = [PRESETS[effectivePreset(s)].maxKbps, s.sendCapKbps !== undefined ? s.sendCapKbps - audioKbps(s) : undefined, s.lowBandwidth ? LOW_BANDWIDTH_CAP_KBPS - audioKbps(s) : undefined].filter(
    (v): v is number => v !== undefined,
  );
  return caps.length === 0 ? undefined : Math.max(0, Math.min(...caps));
}

/**
 * The encoding for the (single-layer, mesh) video sender. `sourceHeight` is the captured height,
 * so a 720p camera sending at the standard preset is scaled down by 2 rather than re-captured.
 * `active: false` when the budget is too small for useful video or audio-only is on.
 */
export function videoEncoding(s: MediaSettings, sourceHeight?: number): RTCRtpEncodingParameters {
  const p = PRESETS[effectivePreset(s)];
  const budget = videoBudgetKbps(s);
  const active = !s.audioOnly && (budget === undefined || budget >= MIN_VIDEO_KBPS);
  const enc: RTCRtpEncodingParameters = { active, maxFramerate: p.frameRate, scaleResolutionDownBy: 1 };
  if (budget !== undefined) enc.maxBitrate = Math.round(budget * 1000);
  if (sourceHeight !== undefined && sourceHeight > p.height) enc.scaleResolutionDownBy = Math.round((sourceHeight / p.height) * 100) / 100;
  return enc;
}

export function audioEncoding(s: MediaSettings): RTCRtpEncodingParameters {
  return { active: true, maxBitrate: audioKbps(s) * 1000 };
}

/**
 * Applies the encoding to a sender without touching what the browser owns (transactionId,
 * codecs, rids): setParameters must get back the object getParameters returned.
 */
export function mergeEncoding(params: RTCRtpSendParameters, enc: RTCRtpEncodingParameters): RTCRtpSendParameters {
  const encodings = params.encodings.length > 0 ? params.encodings : [{}];
  return {
    ...params,
    encodings: encodings.map((e) => {
      const next: RTCRtpEncodingParameters = { ...e, ...enc };
      // An undefined maxBitrate in `enc` means "no cap": drop an old cap rather than keep it.
      if (enc.maxBitrate === undefined) delete next.maxBitrate;
      return next;
    }),
  };
}
