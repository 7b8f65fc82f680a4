/**
 * The encodings of all our senders at once. A screen share competes with the camera for the
 * send cap: text must stay legible, so the screen takes two thirds of a capped video budget
 * and the camera goes quiet if its third is too small to be useful. Pure, tested in Node.
 */
import { audioEncoding, MIN_VIDEO_KBPS, videoBudgetKbps, videoEncoding, type MediaSettings } from './quality-settings';

/** Screen content changes little between frames; 15 fps keeps scrolling readable at half the cost. */
export const SCREEN_FRAME_RATE = 15;
const SCREEN_SHARE_OF_BUDGET = 2 / 3;

export interface SendEncodings {
  audio: RTCRtpEncodingParameters;
  camera: RTCRtpEncodingParameters;
  screen: RTCRtpEncodingParameters;
}

export function sendEncodings(s: MediaSettings, o: { cameraHeight?: number | undefined; screenOn: boolean }): SendEncodings {
  const audio = audioEncoding(s);
  const camera = videoEncoding(s, o.cameraHeight);
  const screen: RTCRtpEncodingParameters = { active: !s.audioOnly, maxFramerate: SCREEN_FRAME_RATE, scaleResolutionDownBy: 1 };
  const budget = videoBudgetKbps(s);
  if (budget === undefined) return { audio, camera, screen };
  if (!o.screenOn) {
    screen.maxBitrate = budget * 1000;
    return { audio, camera, screen };
  }
  const screenKbps = Math.round(budget * SCREEN_SHARE_OF_BUDGET);
  const cameraKbps = budget - screenKbps;
  if (cameraKbps < MIN_VIDEO_KBPS) {
    // Not enough for both: the screen gets all of it, the camera pauses.
    camera.active = false;
    screen.maxBitrate = Math.round(budget * 1000);
  } else {
    camera.maxBitrate = cameraKbps * 1000;
    screen.maxBitrate = screenKbps * 1000;
  }
  if (budget < MIN_VIDEO_KBPS) screen.active = false;
  return { audio, camera, screen };
}

/**
 * A new connection's camera starts at half its size while it is sent at 540 lines or more.
 * At the start bitrate (≈300 kbps) the encoder drops the first 720p frames and asks for a
 * smaller picture before it sends anything: in the join benchmark's bare page, a 720p camera
 * reached the first decoded frame in 468 ms and the same camera scaled by 2 in 321 ms
 * (medians of 9). The full size comes back WARM_UP_MS later, once bandwidth estimation has
 * ramped up (the encoder would have scaled down until then anyway).
 */
export const WARM_UP_MS = 2500;
export const WARM_UP_MIN_HEIGHT = 540;

export function warmUpEncoding(camera: RTCRtpEncodingParameters, sourceHeight: number | undefined): RTCRtpEncodingParameters {
  const scale = camera.scaleResolutionDownBy ?? 1;
  if (camera.active === false || sourceHeight === undefined || sourceHeight / scale < WARM_UP_MIN_HEIGHT) return camera;
  return { ...camera, scaleResolutionDownBy: scale * 2 };
}
