import { createEffect, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import type { LocalMedia } from '../../call/local-media';
import { deviceOptions, type DeviceKind } from '../../media/device-choice';
import { QUALITY_PRESETS, type MediaSettings, type QualityPreset } from '../../media/quality-settings';
import './media-controls.css';

const PRESET_LABEL: Record<QualityPreset, string> = { auto: 'Auto (up to 720p)', minimal: 'Minimal (120p, many people on one machine)', low: 'Low (180p)', standard: 'Standard (360p)', hd: 'HD (720p)' };

/** Speakers can be chosen only where media elements have setSinkId (Chromium, Firefox with a pref). */
const canPickSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/** A kbps field: empty means no cap. */
function parseKbps(v: string): number | undefined {
  const n = Number(v);
  return v.trim() === '' || !Number.isFinite(n) || n <= 0 ? undefined : Math.round(n);
}

/**
 * The "Settings" dialog: devices (switched in place with replaceTrack), quality and bandwidth,
 * audio-only / low-bandwidth / music modes, noise suppression. Every change applies at once.
 */
export function SettingsDialog(props: { media: LocalMedia; open: boolean; onClose: () => void }): JSX.Element {
  const media = props.media;
  const [version, setVersion] = createSignal(0);
  onCleanup(media.on(() => setVersion((v) => v + 1)));
  const read = <T,>(f: () => T) => () => (version(), f());
  const settings = read(() => media.settings);
  const options = (kind: DeviceKind) => read(() => deviceOptions(media.deviceList, kind))();
  const inUse = (kind: DeviceKind) => read(() => media.deviceInUse(kind) ?? '')();
  const ns = read(() => media.noiseSuppressionState);
  const update = (patch: Partial<MediaSettings>) => void media.setSettings({ ...media.settings, ...patch });

  let dialog: HTMLDialogElement | undefined;
  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) {
      dialog.showModal();
      void media.refreshDevices();
    }
    if (!props.open && dialog.open) dialog.close();
  });

  const deviceSelect = (kind: DeviceKind, label: string, pick: (id: string) => void) => (
    <label>
      {label}
      <select aria-label={label} value={inUse(kind)} onChange={(e) => pick(e.currentTarget.value)}>
        <Show when={kind === 'audiooutput'}>
          <option value="">System default</option>
        </Show>
        <For each={options(kind)}>{(o) => <option value={o.id} selected={o.id === inUse(kind)}>{o.label}</option>}</For>
      </select>
    </label>
  );

  return (
    <dialog ref={dialog} class="settings-dialog" aria-labelledby="settings-title" onClose={() => props.onClose()}>
      <h2 id="settings-title">Settings</h2>
      <form method="dialog" onSubmit={(e) => e.preventDefault()}>
        <fieldset>
          <legend>Devices</legend>
          {deviceSelect('videoinput', 'Camera', (id) => void media.selectDevices({ videoDeviceId: id }))}
          {deviceSelect('audioinput', 'Microphone', (id) => void media.selectDevices({ audioDeviceId: id }))}
          <Show when={canPickSpeaker} fallback={<p class="hint">This browser plays sound on the system's default speaker.</p>}>
            {deviceSelect('audiooutput', 'Speaker', (id) => void media.selectDevices({ audioOutputId: id }))}
          </Show>
        </fieldset>
        <fieldset>
          <legend>Quality</legend>
          <label>
            Quality
            <select aria-label="Quality" value={settings().preset} onChange={(e) => update({ preset: e.currentTarget.value as QualityPreset })}>
              <For each={QUALITY_PRESETS}>{(p) => <option value={p} selected={p === settings().preset}>{PRESET_LABEL[p]}</option>}</For>
            </select>
          </label>
          <label>
            Send limit (kbps)
            <input type="number" min="0" step="50" inputmode="numeric" placeholder="No limit" value={settings().sendCapKbps ?? ''} onChange={(e) => update({ sendCapKbps: parseKbps(e.currentTarget.value) })} />
          </label>
          <label>
            Receive limit (kbps)
            <input type="number" min="0" step="50" inputmode="numeric" placeholder="No limit" value={settings().receiveCapKbps ?? ''} onChange={(e) => update({ receiveCapKbps: parseKbps(e.currentTarget.value) })} />
          </label>
          <label class="check">
            <input type="checkbox" checked={settings().audioOnly} onChange={(e) => update({ audioOnly: e.currentTarget.checked })} />
            Audio only
          </label>
          <label class="check">
            <input type="checkbox" checked={settings().lowBandwidth} onChange={(e) => update({ lowBandwidth: e.currentTarget.checked })} />
            Low bandwidth
          </label>
        </fieldset>
        <fieldset>
          <legend>Sound</legend>
          <label class="check">
            <input type="checkbox" checked={ns() === 'on'} disabled={ns() === 'music' || ns() === 'unavailable'} onChange={(e) => void media.setNoiseSuppression(e.currentTarget.checked)} />
            Noise suppression
          </label>
          <Show when={ns() === 'unavailable'}>
            <p class="hint">Noise suppression could not start in this browser.</p>
          </Show>
          <label class="check">
            <input type="checkbox" checked={settings().music} onChange={(e) => update({ music: e.currentTarget.checked })} />
            Music mode
          </label>
          <p class="hint">Music mode: stereo, high bitrate, no echo cancellation or noise suppression. Use headphones.</p>
        </fieldset>
        <button type="button" onClick={() => props.onClose()}>
          Close
        </button>
      </form>
    </dialog>
  );
}
