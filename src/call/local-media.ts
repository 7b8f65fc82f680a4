/**
 * The local camera and microphone. Errors a person can hit (blocked, no device, device
 * busy) become typed errors with a message saying what to do; the call still works
 * without a device (the others just don't see or hear you).
 */
import { Emitter, type Unsubscribe } from '../util/emitter';
import { LunarError } from '../util/lunar-error';

export type MediaErrorCode = 'media-denied' | 'media-not-found' | 'media-busy' | 'media-unavailable';

export class MediaAccessError extends LunarError<MediaErrorCode> {}

export interface DeviceChoice {
  audioDeviceId?: string;
  videoDeviceId?: string;
}

type Events = { change: void };

const VIDEO_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } };

export function describeMediaError(err: unknown, what: 'camera' | 'microphone' | 'camera and microphone'): MediaAccessError {
  const name = err instanceof DOMException || (err instanceof Error && 'name' in err) ? (err as Error).name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return new MediaAccessError('media-denied', `Access to your ${what} is blocked. Allow it in the browser's address bar (the camera icon), then try again. You can still join and listen.`, { cause: err });
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return new MediaAccessError('media-not-found', `No ${what} found. Plug one in and try again, or join without it.`, { cause: err });
  }
  if (name === 'NotReadableError' || name === 'AbortError') {
    return new MediaAccessError('media-busy', `Your ${what} is in use by another application. Close it and try again.`, { cause: err });
  }
  return new MediaAccessError('media-unavailable', `Could not start your ${what}. Try again, or join without it.`, { cause: err });
}

export class LocalMedia {
  readonly stream = new MediaStream();
  audioTrack: MediaStreamTrack | null = null;
  videoTrack: MediaStreamTrack | null = null;
  micOn: boolean;
  camOn: boolean;
  lastError: MediaAccessError | null = null;
  private readonly events = new Emitter<Events>();

  constructor(
    initial: { micOn: boolean; camOn: boolean },
    private devices: DeviceChoice = {},
  ) {
    this.micOn = initial.micOn;
    this.camOn = initial.camOn;
  }

  on(listener: () => void): Unsubscribe {
    return this.events.on('change', listener);
  }

  /** Opens what the person asked for; falls back to what is available. Never throws. */
  async start(): Promise<void> {
    this.lastError = null;
    // The microphone is opened even when starting muted, so unmuting is instant.
    const wantVideo = this.camOn;
    try {
      const s = await navigator.mediaDevices.getUserMedia({
        audio: this.audioConstraints(),
        video: wantVideo ? this.videoConstraints() : false,
      });
      for (const t of s.getTracks()) this.adopt(t);
    } catch (err) {
      // Try each device on its own so one missing device does not cost the other.
      try {
        const s = await navigator.mediaDevices.getUserMedia({ audio: this.audioConstraints() });
        for (const t of s.getTracks()) this.adopt(t);
      } catch (audioErr) {
        this.lastError = describeMediaError(audioErr, 'microphone');
      }
      if (wantVideo) {
        try {
          const s = await navigator.mediaDevices.getUserMedia({ video: this.videoConstraints() });
          for (const t of s.getTracks()) this.adopt(t);
        } catch (videoErr) {
          this.lastError = describeMediaError(videoErr, this.audioTrack ? 'camera' : 'camera and microphone');
          this.camOn = false;
        }
      }
      if (!this.lastError) this.lastError = describeMediaError(err, 'camera and microphone');
      if (this.audioTrack && (this.videoTrack || !wantVideo)) this.lastError = null;
    }
    if (!this.audioTrack) this.micOn = false;
    this.applyEnabled();
    this.events.emit('change', undefined);
  }

  async setMic(on: boolean): Promise<void> {
    if (on && !this.audioTrack) {
      try {
        const s = await navigator.mediaDevices.getUserMedia({ audio: this.audioConstraints() });
        for (const t of s.getTracks()) this.adopt(t);
        this.lastError = null;
      } catch (err) {
        this.lastError = describeMediaError(err, 'microphone');
        this.events.emit('change', undefined);
        return;
      }
    }
    this.micOn = on && !!this.audioTrack;
    this.applyEnabled();
    this.events.emit('change', undefined);
  }

  /** Turning the camera off releases it (the light goes off); on opens it again. */
  async setCam(on: boolean): Promise<void> {
    if (on === this.camOn && (on ? !!this.videoTrack : !this.videoTrack)) return;
    if (!on) {
      this.camOn = false;
      this.dropTrack('video');
      this.events.emit('change', undefined);
      return;
    }
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: this.videoConstraints() });
      for (const t of s.getTracks()) this.adopt(t);
      this.camOn = true;
      this.lastError = null;
    } catch (err) {
      this.lastError = describeMediaError(err, 'camera');
      this.camOn = false;
    }
    this.events.emit('change', undefined);
  }

  async selectDevices(choice: DeviceChoice): Promise<void> {
    this.devices = { ...this.devices, ...choice };
    if (choice.audioDeviceId !== undefined && this.audioTrack) {
      try {
        const s = await navigator.mediaDevices.getUserMedia({ audio: this.audioConstraints() });
        for (const t of s.getTracks()) this.adopt(t);
        this.applyEnabled();
      } catch (err) {
        this.lastError = describeMediaError(err, 'microphone');
      }
    }
    if (choice.videoDeviceId !== undefined && this.camOn) {
      try {
        const s = await navigator.mediaDevices.getUserMedia({ video: this.videoConstraints() });
        for (const t of s.getTracks()) this.adopt(t);
      } catch (err) {
        this.lastError = describeMediaError(err, 'camera');
      }
    }
    this.events.emit('change', undefined);
  }

  stop(): void {
    this.dropTrack('audio');
    this.dropTrack('video');
    this.events.clear();
  }

  private adopt(track: MediaStreamTrack): void {
    const kind = track.kind === 'audio' ? 'audio' : 'video';
    this.dropTrack(kind);
    if (kind === 'audio') this.audioTrack = track;
    else this.videoTrack = track;
    this.stream.addTrack(track);
    // A device unplugged or revoked mid-call ends its track: reflect it, don't pretend.
    track.addEventListener('ended', () => {
      if ((kind === 'audio' ? this.audioTrack : this.videoTrack) !== track) return;
      this.dropTrack(kind);
      if (kind === 'audio') this.micOn = false;
      else this.camOn = false;
      this.events.emit('change', undefined);
    });
  }

  private dropTrack(kind: 'audio' | 'video'): void {
    const t = kind === 'audio' ? this.audioTrack : this.videoTrack;
    if (!t) return;
    t.stop();
    this.stream.removeTrack(t);
    if (kind === 'audio') this.audioTrack = null;
    else this.videoTrack = null;
  }

  private applyEnabled(): void {
    if (this.audioTrack) this.audioTrack.enabled = this.micOn;
  }

  private audioConstraints(): MediaTrackConstraints | boolean {
    return this.devices.audioDeviceId ? { deviceId: { exact: this.devices.audioDeviceId } } : true;
  }

  private videoConstraints(): MediaTrackConstraints {
    return this.devices.videoDeviceId ? { ...VIDEO_CONSTRAINTS, deviceId: { exact: this.devices.videoDeviceId } } : VIDEO_CONSTRAINTS;
  }
}
