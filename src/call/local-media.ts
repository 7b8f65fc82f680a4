/**
 * The local camera and microphone. Errors a person can hit (blocked, no device, device
 * busy) become typed errors with a message saying what to do; the call still works
 * without a device (the others just don't see or hear you).
 */
import { decideDevice, deviceOptions, type DeviceEntry, type DeviceKind } from '../media/device-choice';
import { createNoiseSuppressor, type NoiseSuppressor } from '../media/noise-suppression';
import { audioConstraints, DEFAULT_MEDIA_SETTINGS, videoConstraints, type MediaSettings } from '../media/quality-settings';
import { Emitter, type Unsubscribe } from '../util/emitter';
import { LunarError } from '../util/lunar-error';
import { ScreenShare } from './screen-share';

export type MediaErrorCode = 'media-denied' | 'media-not-found' | 'media-busy' | 'media-unavailable';

export class MediaAccessError extends LunarError<MediaErrorCode> {}

export interface DeviceChoice {
  audioDeviceId?: string;
  videoDeviceId?: string;
  /** Speaker (HTMLMediaElement.setSinkId); applied by the views that play remote audio. */
  audioOutputId?: string;
}

/** Noise suppression as the person sees it: running, switched off, or unavailable here. */
export type NoiseSuppressionState = 'on' | 'off' | 'unavailable' | 'music';

type Events = { change: void; settings: MediaSettings };

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

/** In a large room, a microphone muted this long is closed until the next unmute (see setReleaseWhenMuted). */
export const MIC_RELEASE_AFTER_MS = 10_000;
/** How long after the camera and mic open RNNoise starts loading (see start()). */
const NOISE_SUPPRESSION_DELAY_MS = 2000;

export class LocalMedia {
  readonly stream = new MediaStream();
  private nsTimer: ReturnType<typeof setTimeout> | null = null;
  audioTrack: MediaStreamTrack | null = null;
  videoTrack: MediaStreamTrack | null = null;
  micOn: boolean;
  camOn: boolean;
  lastError: MediaAccessError | null = null;
  /** Quality and bandwidth settings; the engine applies them to every connection. */
  settings: MediaSettings = DEFAULT_MEDIA_SETTINGS;
  readonly screen = new ScreenShare();
  /** What enumerateDevices() last said (refreshed on `devicechange`). */
  deviceList: DeviceEntry[] = [];
  /** Noise suppression wanted (on by default); music mode skips it regardless. */
  noiseSuppression = true;
  private ns: NoiseSuppressor | null = null;
  private nsFailed = false;
  private readonly events = new Emitter<Events>();
  private readonly offScreen: Unsubscribe;
  private watching = false;
  private stopped = false;

  constructor(
    initial: { micOn: boolean; camOn: boolean },
    private devices: DeviceChoice = {},
  ) {
    this.micOn = initial.micOn;
    this.camOn = initial.camOn;
    this.offScreen = this.screen.on(() => this.events.emit('change', undefined));
  }

  on(listener: () => void): Unsubscribe {
    return this.events.on('change', listener);
  }

  onSettings(listener: (s: MediaSettings) => void): Unsubscribe {
    return this.events.on('settings', listener);
  }

  /** The microphone track to send: the noise suppressor's output when it runs, else the raw one. */
  get sendAudioTrack(): MediaStreamTrack | null {
    return this.ns?.track ?? this.audioTrack;
  }

  get noiseSuppressionState(): NoiseSuppressionState {
    if (this.settings.music) return 'music';
    if (this.nsFailed) return 'unavailable';
    return this.noiseSuppression ? 'on' : 'off';
  }

  get chosenDevices(): Readonly<DeviceChoice> {
    return this.devices;
  }

  /** The id of the device a track of ours comes from (what the selects show as chosen). */
  deviceInUse(kind: DeviceKind): string | undefined {
    if (kind === 'audiooutput') return this.devices.audioOutputId;
    const track = kind === 'audioinput' ? this.audioTrack : this.videoTrack;
    return track?.getSettings().deviceId ?? (kind === 'audioinput' ? this.devices.audioDeviceId : this.devices.videoDeviceId);
  }

  /** Toggles RNNoise on the microphone we send (no replaceTrack: the processed track stays). */
  async setNoiseSuppression(on: boolean): Promise<void> {
    this.noiseSuppression = on;
    if (this.ns) this.ns.setEnabled(on);
    else if (on) await this.processMic();
    this.events.emit('change', undefined);
  }

  /**
   * Applies new quality settings: re-opens the microphone when music mode flips (voice
   * processing is a capture setting), re-constrains the camera when the preset changes. The
   * engine hears `settings` and updates every sender.
   */
  async setSettings(next: MediaSettings): Promise<void> {
    const prev = this.settings;
    this.settings = next;
    if (prev.music !== next.music && this.audioTrack) await this.reopenMic();
    if ((prev.preset !== next.preset || prev.lowBandwidth !== next.lowBandwidth) && this.videoTrack) {
      const c = videoConstraints(next);
      if (c) await this.videoTrack.applyConstraints(c).catch((err: unknown) => console.warn('camera constraints refused', err));
    }
    this.events.emit('settings', next);
    this.events.emit('change', undefined);
  }

  /** Opens what the person asked for; falls back to what is available. Never throws. */
  async start(): Promise<void> {
    this.lastError = null;
    // The microphone is opened even when starting muted, so unmuting is instant (and the
    // device pickers get its label); only a large room closes it while muted.
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
    if (this.stopped) return;
    if (!this.audioTrack) this.micOn = false;
    // RNNoise loads in the background, and only once the join is over: its 4.8 MB worklet
    // takes ≈0.4 s of a core to compile and ≈50 ms of main thread to wire up (profiled in
    // bench/join), which on a small machine delayed the first picture by as much. The call
    // starts with the raw microphone and swaps in the processed track (replaceTrack, on
    // 'change') once it runs, so only the first couple of seconds are not denoised.
    this.nsTimer = setTimeout(() => {
      this.nsTimer = null;
      void this.processMic().then(() => {
        if (this.stopped) return;
        this.applyEnabled();
        this.events.emit('change', undefined);
      });
    }, NOISE_SUPPRESSION_DELAY_MS);
    this.applyEnabled();
    this.scheduleMicRelease(!this.micOn);
    this.watchDevices();
    this.events.emit('change', undefined);
  }

  /**
   * In a large room (the engine switches this on while the call runs as a relay tree) a
   * microphone muted for MIC_RELEASE_AFTER_MS is closed (its light goes off) and unmuting
   * opens it again, which takes a fraction of a second. A muted but open microphone still runs
   * capture and echo cancellation: in an eight-page room on two cores that was about a fifth
   * of the machine, for people who were all muted. A small call keeps it open, so unmuting
   * (and push-to-talk) never clips the first word.
   */
  setReleaseWhenMuted(on: boolean): void {
    if (on === this.releaseWhenMuted) return;
    this.releaseWhenMuted = on;
    this.scheduleMicRelease(!this.micOn);
  }

  private releaseWhenMuted = false;

  private scheduleMicRelease(muted: boolean): void {
    if (this.micReleaseTimer) clearTimeout(this.micReleaseTimer);
    this.micReleaseTimer = null;
    if (!muted || this.stopped || !this.releaseWhenMuted) return;
    this.micReleaseTimer = setTimeout(() => {
      this.micReleaseTimer = null;
      if (this.micOn || this.stopped || !this.audioTrack) return;
      this.dropTrack('audio');
      this.events.emit('change', undefined);
    }, MIC_RELEASE_AFTER_MS);
  }

  private micReleaseTimer: ReturnType<typeof setTimeout> | null = null;

  async setMic(on: boolean): Promise<void> {
    this.scheduleMicRelease(!on);
    if (on && !this.audioTrack) {
      try {
        const s = await navigator.mediaDevices.getUserMedia({ audio: this.audioConstraints() });
        for (const t of s.getTracks()) this.adopt(t);
        await this.processMic();
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

  /**
   * Switches devices mid-call: a new track is opened and the engine puts it on the existing
   * senders with replaceTrack (no renegotiation). The speaker is only remembered here.
   */
  async selectDevices(choice: DeviceChoice): Promise<void> {
    this.devices = { ...this.devices, ...choice };
    if (choice.audioDeviceId !== undefined && this.audioTrack) await this.reopenMic();
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
    this.stopped = true;
    if (this.nsTimer) clearTimeout(this.nsTimer);
    if (this.micReleaseTimer) clearTimeout(this.micReleaseTimer);
    if (this.watching) navigator.mediaDevices.removeEventListener('devicechange', this.onDeviceChange);
    this.offScreen();
    this.screen.stop();
    this.dropTrack('audio');
    this.dropTrack('video');
    this.events.clear();
  }

  /** Refreshes the device list; a device in use that vanished falls back to the default one. */
  readonly refreshDevices = async (): Promise<void> => {
    try {
      this.deviceList = (await navigator.mediaDevices.enumerateDevices()).map((d) => ({ deviceId: d.deviceId, kind: d.kind, label: d.label }));
    } catch {
      return;
    }
    if (this.stopped) return;
    const mic = decideDevice(deviceOptions(this.deviceList, 'audioinput'), this.audioTrack ? this.deviceInUse('audioinput') : null);
    if (mic.action === 'fallback') await this.fallBack('audio', mic.selected);
    const cam = decideDevice(deviceOptions(this.deviceList, 'videoinput'), this.videoTrack ? this.deviceInUse('videoinput') : null);
    if (cam.action === 'fallback') await this.fallBack('video', cam.selected);
    const out = decideDevice(deviceOptions(this.deviceList, 'audiooutput'), this.devices.audioOutputId);
    if (out.action === 'fallback') this.devices = { ...this.devices, audioOutputId: out.selected ?? '' };
    this.events.emit('change', undefined);
  };

  private readonly onDeviceChange = () => void this.refreshDevices();

  private watchDevices(): void {
    if (this.watching || this.stopped || !navigator.mediaDevices?.addEventListener) return;
    this.watching = true;
    navigator.mediaDevices.addEventListener('devicechange', this.onDeviceChange);
    void this.refreshDevices();
  }

  private async fallBack(kind: 'audio' | 'video', deviceId: string | null): Promise<void> {
    if (kind === 'audio') this.devices = { ...this.devices, audioDeviceId: deviceId ?? undefined };
    else this.devices = { ...this.devices, videoDeviceId: deviceId ?? undefined };
    if (!deviceId) {
      this.dropTrack(kind);
      if (kind === 'audio') this.micOn = false;
      else this.camOn = false;
      return;
    }
    await this.selectDevices(kind === 'audio' ? { audioDeviceId: deviceId } : { videoDeviceId: deviceId });
  }

  /** Opens the microphone again with the current device and constraints (device or music-mode change). */
  private async reopenMic(): Promise<void> {
    try {
      const s = await navigator.mediaDevices.getUserMedia({ audio: this.audioConstraints() });
      for (const t of s.getTracks()) this.adopt(t);
      await this.processMic();
      this.applyEnabled();
    } catch (err) {
      this.lastError = describeMediaError(err, 'microphone');
    }
  }

  /** Puts the microphone through RNNoise (unless music mode); failures leave the raw track. */
  private async processMic(): Promise<void> {
    const mic = this.audioTrack;
    if (this.ns && this.ns.track && mic && this.nsInput === mic && !this.settings.music) return;
    this.ns?.dispose();
    this.ns = null;
    this.nsInput = null;
    // Off from the start (`ns=0`): no audio graph until someone turns it on.
    if (!mic || this.settings.music || this.nsFailed || !this.noiseSuppression) return;
    try {
      const ns = await createNoiseSuppressor(mic, { enabled: this.noiseSuppression });
      // Stale (the mic changed or we stopped) or a duplicate (two loads for one mic overlapped).
      if (this.audioTrack !== mic || this.stopped || (this.ns && this.nsInput === mic)) {
        ns.dispose();
        return;
      }
      this.ns = ns;
      this.nsInput = mic;
      ns.ready.catch((err: unknown) => console.warn('noise suppression unavailable', err));
    } catch (err) {
      this.nsFailed = true;
      console.warn('noise suppression unavailable', err);
    }
  }

  private nsInput: MediaStreamTrack | null = null;

  private adopt(track: MediaStreamTrack): void {
    // Opened after stop(): the person left while the device was opening (a permission prompt
    // can stay up for as long as they like). Closed at once, or its light stays on after leaving.
    if (this.stopped) {
      track.stop();
      return;
    }
    const kind = track.kind === 'audio' ? 'audio' : 'video';
    this.dropTrack(kind);
    if (kind === 'audio') this.audioTrack = track;
    else this.videoTrack = track;
    this.stream.addTrack(track);
    // A device unplugged or revoked mid-call ends its track: reflect it, don't pretend.
    track.addEventListener('ended', () => {
      if ((kind === 'audio' ? this.audioTrack : this.videoTrack) !== track) return;
      const lostId = track.getSettings().deviceId;
      const wasOn = kind === 'audio' ? this.micOn : this.camOn;
      this.dropTrack(kind);
      if (kind === 'audio') this.micOn = false;
      else this.camOn = false;
      this.events.emit('change', undefined);
      void this.replaceLost(kind, lostId, wasOn);
    });
  }

  /** A device unplugged mid-call: carry on with the default (or first) one that is left. */
  private async replaceLost(kind: 'audio' | 'video', lostId: string | undefined, wasOn: boolean): Promise<void> {
    if (this.stopped) return;
    await this.refreshDevices();
    const options = deviceOptions(this.deviceList, kind === 'audio' ? 'audioinput' : 'videoinput');
    const decision = decideDevice(options, lostId ?? 'lost');
    if (!decision.selected || this.stopped || (kind === 'audio' ? this.audioTrack : this.videoTrack)) return;
    if (kind === 'audio') this.devices = { ...this.devices, audioDeviceId: decision.selected };
    else this.devices = { ...this.devices, videoDeviceId: decision.selected };
    try {
      const s = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio: this.audioConstraints() } : { video: this.videoConstraints() });
      for (const t of s.getTracks()) this.adopt(t);
      if (kind === 'audio') {
        await this.processMic();
        this.micOn = wasOn;
      } else this.camOn = wasOn;
      this.applyEnabled();
    } catch (err) {
      this.lastError = describeMediaError(err, kind === 'audio' ? 'microphone' : 'camera');
    }
    this.events.emit('change', undefined);
  }

  private dropTrack(kind: 'audio' | 'video'): void {
    const t = kind === 'audio' ? this.audioTrack : this.videoTrack;
    if (!t) return;
    if (kind === 'audio' && this.nsInput === t) {
      this.ns?.dispose();
      this.ns = null;
      this.nsInput = null;
    }
    t.stop();
    this.stream.removeTrack(t);
    if (kind === 'audio') this.audioTrack = null;
    else this.videoTrack = null;
  }

  private applyEnabled(): void {
    if (this.audioTrack) this.audioTrack.enabled = this.micOn;
    // Muted means the processed track sends silence too (and DTX makes that nearly free).
    if (this.ns) this.ns.track.enabled = this.micOn;
  }

  private audioConstraints(): MediaTrackConstraints {
    return audioConstraints(this.settings, this.devices.audioDeviceId || undefined);
  }

  private videoConstraints(): MediaTrackConstraints {
    // Audio-only still lets a person see their own preview; what is sent is decided per sender.
    return videoConstraints({ ...this.settings, audioOnly: false }, this.devices.videoDeviceId || undefined) || {};
  }
}
