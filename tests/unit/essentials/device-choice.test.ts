import { describe, expect, it } from 'vitest';
import { decideDevice, deviceOptions, type DeviceEntry } from '../../../src/media/device-choice';

// What Chromium's fake devices list (one camera, three microphones, three speakers).
const CHROMIUM_FAKE: DeviceEntry[] = [
  { deviceId: 'default', kind: 'audioinput', label: 'Fake Default Audio Input' },
  { deviceId: 'mic-1', kind: 'audioinput', label: 'Fake Audio Input 1' },
  { deviceId: 'mic-2', kind: 'audioinput', label: 'Fake Audio Input 2' },
  { deviceId: 'cam-0', kind: 'videoinput', label: 'fake_device_0' },
  { deviceId: 'default', kind: 'audiooutput', label: 'Fake Default Audio Output' },
  { deviceId: 'out-1', kind: 'audiooutput', label: 'Fake Audio Output 1' },
];

describe('deviceOptions', () => {
  it('lists one kind with its labels', () => {
    expect(deviceOptions(CHROMIUM_FAKE, 'videoinput')).toEqual([{ id: 'cam-0', label: 'fake_device_0' }]);
    expect(deviceOptions(CHROMIUM_FAKE, 'audioinput').map((o) => o.id)).toEqual(['default', 'mic-1', 'mic-2']);
    expect(deviceOptions(CHROMIUM_FAKE, 'audiooutput')).toHaveLength(2);
  });

  it('numbers devices whose labels are hidden (no permission yet) and drops duplicate ids', () => {
    const hidden: DeviceEntry[] = [
      { deviceId: 'a', kind: 'videoinput', label: '' },
      { deviceId: 'a', kind: 'videoinput', label: '' },
      { deviceId: 'b', kind: 'videoinput', label: '' },
    ];
    expect(deviceOptions(hidden, 'videoinput')).toEqual([
      { id: 'a', label: 'Camera 1' },
      { id: 'b', label: 'Camera 2' },
    ]);
  });
});

describe('decideDevice', () => {
  const mics = deviceOptions(CHROMIUM_FAKE, 'audioinput');

  it('keeps a device that is still there, showing the chosen one when it is listed', () => {
    expect(decideDevice(mics, 'mic-1')).toEqual({ action: 'keep', selected: 'mic-1' });
    expect(decideDevice(mics, 'mic-1', 'mic-2')).toEqual({ action: 'keep', selected: 'mic-2' });
    // Switching a single camera to itself is a keep (the caller re-opens it on request).
    const cams = deviceOptions(CHROMIUM_FAKE, 'videoinput');
    expect(decideDevice(cams, 'cam-0', 'cam-0')).toEqual({ action: 'keep', selected: 'cam-0' });
  });

  it('falls back to the system default when the device in use is unplugged', () => {
    expect(decideDevice(mics, 'usb-headset')).toEqual({ action: 'fallback', selected: 'default' });
  });

  it('falls back to the first device when there is no default entry, and to none when the list is empty', () => {
    const cams = deviceOptions([{ deviceId: 'cam-7', kind: 'videoinput', label: 'Side camera' }], 'videoinput');
    expect(decideDevice(cams, 'cam-0')).toEqual({ action: 'fallback', selected: 'cam-7' });
    expect(decideDevice([], 'cam-0')).toEqual({ action: 'fallback', selected: null });
  });

  it('does nothing when no device is in use (camera off), whatever the list says', () => {
    expect(decideDevice([], null)).toEqual({ action: 'keep', selected: null });
    expect(decideDevice(mics, undefined, 'gone')).toEqual({ action: 'keep', selected: null });
  });
});
