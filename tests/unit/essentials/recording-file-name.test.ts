import { describe, expect, it } from 'vitest';
import { recordingFileName } from '../../../src/recording/recording-file-name';

describe('recording file name', () => {
  const at = new Date(2024, 4, 1, 9, 5, 7);
  it('stamps local time without colons; .webm in clear, .lunarrec encrypted', () => {
    expect(recordingFileName(at, false)).toBe('lunar-recording-2024-05-01T09-05-07.webm');
    expect(recordingFileName(at, true)).toBe('lunar-recording-2024-05-01T09-05-07.lunarrec');
  });
});
