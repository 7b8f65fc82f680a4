import { describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_SETTINGS, type MediaSettings } from '../../../src/media/quality-settings';
import { SCREEN_FRAME_RATE, sendEncodings, warmUpEncoding } from '../../../src/media/send-encodings';

const settings = (o: Partial<MediaSettings>): MediaSettings => ({ ...DEFAULT_MEDIA_SETTINGS, ...o });

describe('sendEncodings', () => {
  it('auto: no caps anywhere; the screen at its own frame rate', () => {
    const e = sendEncodings(settings({}), { cameraHeight: 720, screenOn: true });
    expect(e.camera).toEqual({ active: true, maxFramerate: 30, scaleResolutionDownBy: 1 });
    expect(e.screen).toEqual({ active: true, maxFramerate: SCREEN_FRAME_RATE, scaleResolutionDownBy: 1 });
    expect(e.audio.maxBitrate).toBe(32_000);
  });

  it('a 100 kbps send cap leaves 68 kbps of video for the camera when nothing is shared', () => {
    const e = sendEncodings(settings({ sendCapKbps: 100 }), { cameraHeight: 720, screenOn: false });
    expect(e.camera).toMatchObject({ active: true, maxBitrate: 68_000 });
  });

  it('while presenting, the screen gets two thirds of a capped budget and the camera the rest', () => {
    const e = sendEncodings(settings({ sendCapKbps: 932 }), { cameraHeight: 720, screenOn: true });
    expect(e.screen.maxBitrate).toBe(600_000);
    expect(e.camera.maxBitrate).toBe(300_000);
    expect((e.screen.maxBitrate ?? 0) + (e.camera.maxBitrate ?? 0) + (e.audio.maxBitrate ?? 0)).toBe(932_000);
  });

  it('a budget too small for both pauses the camera and gives the screen all of it', () => {
    const e = sendEncodings(settings({ sendCapKbps: 150 }), { screenOn: true });
    expect(e.camera.active).toBe(false);
    expect(e.screen).toMatchObject({ active: true, maxBitrate: 118_000 });
  });

  it('audio-only sends no video at all; under 50 kbps of budget nothing visual is sent', () => {
    const a = sendEncodings(settings({ audioOnly: true }), { screenOn: true });
    expect(a.camera.active).toBe(false);
    expect(a.screen.active).toBe(false);
    const tiny = sendEncodings(settings({ sendCapKbps: 60 }), { screenOn: true });
    expect(tiny.camera.active).toBe(false);
    expect(tiny.screen.active).toBe(false);
  });
});

describe('warmUpEncoding', () => {
  it('halves a camera sent at 540 lines or more, on top of its own scale', () => {
    expect(warmUpEncoding({ active: true, scaleResolutionDownBy: 1 }, 720).scaleResolutionDownBy).toBe(2);
    expect(warmUpEncoding({ active: true, scaleResolutionDownBy: 1 }, 1080).scaleResolutionDownBy).toBe(2);
    expect(warmUpEncoding({ active: true, scaleResolutionDownBy: 1.5 }, 1080).scaleResolutionDownBy).toBe(3);
  });

  it('leaves small, scaled-down, paused and unknown cameras alone', () => {
    const small = { active: true, scaleResolutionDownBy: 1 };
    expect(warmUpEncoding(small, 480)).toBe(small);
    const scaled = { active: true, scaleResolutionDownBy: 2 };
    expect(warmUpEncoding(scaled, 720)).toBe(scaled); // sent at 360 lines already
    const paused = { active: false, scaleResolutionDownBy: 1 };
    expect(warmUpEncoding(paused, 720)).toBe(paused);
    expect(warmUpEncoding(small, undefined)).toBe(small);
  });

  it('keeps the rest of the encoding', () => {
    expect(warmUpEncoding({ active: true, maxBitrate: 900_000, maxFramerate: 30 }, 720)).toEqual({ active: true, maxBitrate: 900_000, maxFramerate: 30, scaleResolutionDownBy: 2 });
  });
});
