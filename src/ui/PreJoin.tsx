import { For, Show, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import type { LocalMedia } from '../call/local-media';
import { qualityReportsAllowed, setQualityReportsAllowed } from '../call/quality-reporter';
import { VideoView } from './VideoView';

export function PreJoin(props: { media: LocalMedia; name: string; onName: (n: string) => void; onJoin: () => void; mediaReady: Promise<void> }): JSX.Element {
  const media = props.media;
  const [version, setVersion] = createSignal(0);
  const [devices, setDevices] = createSignal<MediaDeviceInfo[]>([]);
  const [ready, setReady] = createSignal(false);
  const [reports, setReports] = createSignal(qualityReportsAllowed());
  const bump = () => setVersion((v) => v + 1);
  const off = media.on(bump);
  const refreshDevices = async () => {
    try {
      setDevices(await navigator.mediaDevices.enumerateDevices());
    } catch {
      setDevices([]);
    }
  };
  onMount(async () => {
    await props.mediaReady;
    setReady(true);
    bump();
    await refreshDevices();
  });
  navigator.mediaDevices?.addEventListener?.('devicechange', refreshDevices);
  onCleanup(() => {
    off();
    navigator.mediaDevices?.removeEventListener?.('devicechange', refreshDevices);
  });
  const micOn = () => (version(), media.micOn);
  const camOn = () => (version(), media.camOn && !!media.videoTrack);
  const stream = () => (version(), media.videoTrack ? media.stream : null);
  const error = () => (version(), media.lastError?.message ?? null);
  const cams = () => devices().filter((d) => d.kind === 'videoinput');
  const mics = () => devices().filter((d) => d.kind === 'audioinput');

  return (
    <main class="prejoin">
      <h1>Ready to join?</h1>
      <div class="preview">
        <Show when={camOn()} fallback={<div class="camera-off">Camera is off</div>}>
          <VideoView stream={stream()} muted mirrored label="Your camera preview" />
        </Show>
      </div>
      <Show when={error()}>
        <p role="alert" class="error">
          {error()}
        </p>
      </Show>
      <form
        class="prejoin-form"
        onSubmit={(e) => {
          e.preventDefault();
          props.onJoin();
        }}
      >
        <label>
          Display name
          <input type="text" aria-label="Display name" maxLength={64} value={props.name} placeholder="Your name" onInput={(e) => props.onName(e.currentTarget.value)} autocomplete="nickname" />
        </label>
        <div class="row">
          <button type="button" aria-pressed={!micOn()} onClick={() => void media.setMic(!micOn())}>
            {micOn() ? 'Mute microphone' : 'Unmute microphone'}
          </button>
          <button type="button" aria-pressed={!camOn()} onClick={() => void media.setCam(!camOn())}>
            {camOn() ? 'Turn off camera' : 'Turn on camera'}
          </button>
        </div>
        <Show when={cams().length > 0 || mics().length > 0}>
          <div class="row devices">
            <label>
              Camera
              <select aria-label="Camera" onChange={(e) => void media.selectDevices({ videoDeviceId: e.currentTarget.value })}>
                <For each={cams()}>{(d, i) => <option value={d.deviceId}>{d.label || `Camera ${i() + 1}`}</option>}</For>
              </select>
            </label>
            <label>
              Microphone
              <select aria-label="Microphone" onChange={(e) => void media.selectDevices({ audioDeviceId: e.currentTarget.value })}>
                <For each={mics()}>{(d, i) => <option value={d.deviceId}>{d.label || `Microphone ${i() + 1}`}</option>}</For>
              </select>
            </label>
          </div>
        </Show>
        <label class="checkbox">
          <input type="checkbox" checked={reports()} onChange={(e) => {
            setReports(e.currentTarget.checked);
            setQualityReportsAllowed(e.currentTarget.checked);
          }} />
          Send anonymous quality reports (figures like packet loss, never names or rooms)
        </label>
        <button type="submit" class="primary big" disabled={!ready()}>
          Join meeting
        </button>
      </form>
    </main>
  );
}
