/**
 * Which camera, microphone or speaker to use, from `enumerateDevices()` output as plain data:
 * the options a select shows, and what to do when the list changes (a device plugged in or
 * out). Pure, so the fallback rules are tested in Node.
 */

export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

/** The fields of a MediaDeviceInfo we use. */
export interface DeviceEntry {
  deviceId: string;
  kind: string;
  label: string;
}

export interface DeviceOption {
  id: string;
  label: string;
}

const NOUN: Record<DeviceKind, string> = { audioinput: 'Microphone', videoinput: 'Camera', audiooutput: 'Speaker' };

/**
 * The devices of one kind, labelled. Labels are empty until the page has had media
 * permission; a numbered noun keeps the select usable. Duplicate ids are dropped.
 */
export function deviceOptions(devices: readonly DeviceEntry[], kind: DeviceKind): DeviceOption[] {
  const seen = new Set<string>();
  const out: DeviceOption[] = [];
  for (const d of devices) {
    if (d.kind !== kind || seen.has(d.deviceId)) continue;
    seen.add(d.deviceId);
    out.push({ id: d.deviceId, label: d.label || `${NOUN[kind]} ${out.length + 1}` });
  }
  return out;
}

export type DeviceDecision =
  /** The device in use is still there (or nothing is in use): nothing to do. */
  | { action: 'keep'; selected: string | null }
  /** The device in use disappeared: switch to `selected` (null: none left, stop using one). */
  | { action: 'fallback'; selected: string | null };

/**
 * After the device list changed: `inUse` is the id the current track reports (or the chosen
 * id for speakers), `chosen` what the person picked. A vanished device falls back to the
 * system default ("default" on Chromium) or else the first one listed.
 */
export function decideDevice(options: readonly DeviceOption[], inUse: string | null | undefined, chosen?: string): DeviceDecision {
  const has = (id: string | null | undefined) => !!id && options.some((o) => o.id === id);
  if (!inUse) return { action: 'keep', selected: has(chosen) ? chosen! : null };
  if (has(inUse)) return { action: 'keep', selected: has(chosen) ? chosen! : inUse };
  const fallback = options.find((o) => o.id === 'default') ?? options[0];
  return { action: 'fallback', selected: fallback?.id ?? null };
}
