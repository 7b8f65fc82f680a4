import { describe, expect, it } from 'vitest';
import { pickMimeType } from '../../../src/recording/local-recorder';

describe('pickMimeType', () => {
  it('prefers vp8/opus webm, falls back, and picks audio types for audio-only streams', () => {
    expect(pickMimeType(() => true, true)).toBe('video/webm;codecs=vp8,opus');
    expect(pickMimeType((t) => t === 'video/webm', true)).toBe('video/webm');
    expect(pickMimeType(() => true, false)).toBe('audio/webm;codecs=opus');
    expect(pickMimeType(() => false, true)).toBe('');
  });
});
