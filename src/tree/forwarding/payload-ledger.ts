/**
 * A bounded record of which ciphertext a node saw for each SFrame counter, so tests can prove
 * that every hop carried the origin's bytes unchanged: the same CTR must have the same hash at
 * the origin and at every receiver. The CTR is inside the authenticated SFrame header, so it
 * names one encrypted frame of one sender end to end (RTP timestamps and sequence numbers are
 * rewritten per hop; the CTR is not). Each entry also keeps when the frame passed this node, on a
 * clock shared by the pages of one browser (`performance.timeOrigin + performance.now()`), so
 * the hop-latency benchmark reads per-hop delays from the same side channel, keyed by that CTR.
 */
import { clearPrefixLength, type Codec, type MediaKind } from '../../e2ee/clear-prefix';
import { decodeHeader } from '../../e2ee/sframe-header';

/** FNV-1a, 32 bits: a fingerprint for comparison in tests, not a security hash. */
export function fnv1a32(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The SFrame CTR of an encrypted frame, or null if the bytes do not hold an SFrame header. */
export function sframeCounter(kind: MediaKind, codec: Codec, bytes: Uint8Array): number | null {
  try {
    const header = decodeHeader(bytes, clearPrefixLength(kind, codec, bytes));
    return header.ctr <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(header.ctr) : null;
  } catch {
    return null;
  }
}

export const DEFAULT_LEDGER_SIZE = 512;

/** [ciphertext hash, time the frame passed this node in ms]. */
export type LedgerEntry = [hash: number, atMs: number];

export class PayloadLedger {
  private readonly entries = new Map<number, LedgerEntry>();

  constructor(private readonly capacity = DEFAULT_LEDGER_SIZE) {}

  /** Records `bytes` under its SFrame CTR; frames without a header are not recorded. */
  record(kind: MediaKind, codec: Codec, bytes: Uint8Array, atMs: number): void {
    const ctr = sframeCounter(kind, codec, bytes);
    if (ctr === null) return;
    this.entries.delete(ctr);
    this.entries.set(ctr, [fnv1a32(bytes), atMs]);
    // Map iteration is insertion order: the first key is the oldest.
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** CTR → entry, as a plain object (it crosses postMessage). */
  snapshot(): Record<number, LedgerEntry> {
    return Object.fromEntries(this.entries);
  }
}
