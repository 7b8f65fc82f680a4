/**
 * Our screen share: getDisplayMedia (a monitor, window or tab, with tab or system audio when
 * the browser offers it). The browser's own "Stop sharing" bar ends the video track; that
 * ends the share here too, so the button and the others' tiles follow.
 */
import { Emitter, type Unsubscribe } from '../util/emitter';
import { LunarError } from '../util/lunar-error';

export type ScreenShareErrorCode = 'screen-cancelled' | 'screen-unavailable';

export class ScreenShareError extends LunarError<ScreenShareErrorCode> {}

const DISPLAY_OPTIONS = {
  video: { frameRate: { ideal: 15, max: 30 }, width: { max: 1920 }, height: { max: 1080 } },
  // Tab/system audio: offered by Chromium for tabs (and whole screens on Windows/ChromeOS).
  audio: true,
} satisfies DisplayMediaStreamOptions;

export class ScreenShare {
  videoTrack: MediaStreamTrack | null = null;
  audioTrack: MediaStreamTrack | null = null;
  lastError: ScreenShareError | null = null;
  private readonly events = new Emitter<{ change: void }>();

  get active(): boolean {
    return !!this.videoTrack;
  }

  on(listener: () => void): Unsubscribe {
    return this.events.on('change', listener);
  }

  /** Asks the browser for a surface; must run inside a click (getDisplayMedia needs a user gesture). */
  async start(): Promise<void> {
    if (this.videoTrack) return;
    this.lastError = null;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia(DISPLAY_OPTIONS);
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      // Cancelling the picker is a choice, not a failure worth a red banner.
      this.lastError =
        name === 'NotAllowedError' || name === 'AbortError'
          ? new ScreenShareError('screen-cancelled', 'Screen sharing was cancelled.', { cause: err })
          : new ScreenShareError('screen-unavailable', 'Could not share your screen. Try again, or pick another window.', { cause: err });
      this.events.emit('change', undefined);
      return;
    }
    const video = stream.getVideoTracks()[0] ?? null;
    if (!video) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    // Tells the encoder to keep text sharp (resolution over frame rate).
    video.contentHint = 'detail';
    this.videoTrack = video;
    this.audioTrack = stream.getAudioTracks()[0] ?? null;
    video.addEventListener('ended', () => {
      if (this.videoTrack === video) this.stop();
    });
    this.events.emit('change', undefined);
  }

  stop(): void {
    if (!this.videoTrack && !this.audioTrack) return;
    this.videoTrack?.stop();
    this.audioTrack?.stop();
    this.videoTrack = null;
    this.audioTrack = null;
    this.events.emit('change', undefined);
  }
}
