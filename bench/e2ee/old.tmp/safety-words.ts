/**
 * Safety words: every participant derives the same short list from the room key and the
 * set of DTLS fingerprints in the call, and people compare them aloud. A man in the middle
 * (a relay swapping SDP) changes the fingerprints, and so the words, on at least one side.
 * The fingerprints are normalised, de-duplicated and sorted, so order never matters.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeParts, utf8 } from './bytes';
import { normalizeFingerprint } from './peer-auth';
import { deriveSubKey } from './room-keys';
import { SAFETY_WORDS } from './word-list';

export const DEFAULT_SAFETY_WORD_COUNT = 6;

export function safetyWords(roomKey: Uint8Array, fingerprints: readonly string[], count = DEFAULT_SAFETY_WORD_COUNT): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 32) throw new RangeError('safety word count must be in [1, 32]');
  const unique = [...new Set(fingerprints.map(normalizeFingerprint))].sort();
  const key = deriveSubKey(roomKey, 'safety words v1');
  const digest = hmac(sha256, key, encodeParts(utf8('lunar-safety-v1'), ...unique.map(utf8)));
  return Array.from(digest.subarray(0, count), (byte) => SAFETY_WORDS[byte] ?? '?');
}
