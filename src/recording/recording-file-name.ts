/**
 * The name a finished recording is saved under: `lunar-recording-2024-05-01T12-30-05.webm`, or
 * `.lunarrec` when encrypted (the player page opens both). Local time, no colons (Windows).
 */
export const ENCRYPTED_EXTENSION = '.lunarrec';
export const PLAIN_EXTENSION = '.webm';

function two(n: number): string {
  return String(n).padStart(2, '0');
}

export function recordingFileName(at: Date, encrypted: boolean): string {
  const stamp = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}-${two(at.getMinutes())}-${two(at.getSeconds())}`;
  return `lunar-recording-${stamp}${encrypted ? ENCRYPTED_EXTENSION : PLAIN_EXTENSION}`;
}
