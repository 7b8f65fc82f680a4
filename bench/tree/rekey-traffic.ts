/**
 * What epoch hand-outs cost one page of a large room at the most the leader mints (people
 * joining and leaving all the time): each hand-out names every member it is meant for and is
 * passed on by every page to its other control-overlay neighbours (TrustKeeper.passOnEpoch),
 * so a page sends one copy to each neighbour but the one it came from. Sizes are the control
 * message's JSON as sent, with real 32-hex member ids and a sealed key of the real length. At
 * the fixed 250 ms gap and at the room's (src/call/rekey-pace.ts). No browser.
 */
import { REKEY_MIN_GAP_MS, rekeyGapMs } from '../../src/call/rekey-pace';
import type { ControlMessage } from '../../src/protocol/mesh-messages';
import { planControlOverlay } from '../../src/tree/control-overlay';
import { createPrng, hexId } from '../../tests/support/prng';

export interface EpochTrafficRow {
  n: number;
  /** One hand-out's JSON, bytes. */
  handOutBytes: number;
  /** Copies a page sends per mint (median page: its neighbours but one). */
  copiesPerMint: number;
  fixedGapMs: number;
  pacedGapMs: number;
  /** Per page per second at the most mints a second the gap allows. */
  fixedKBps: number;
  pacedKBps: number;
}

/** A sealed epoch key: an X25519 public key, a nonce, the 32-byte key and a tag, in base64url. */
const SEALED_CHARS = Math.ceil(((32 + 24 + 32 + 16) * 4) / 3);

export function epochTraffic(n: number, seed = 1): EpochTrafficRow {
  const rng = createPrng(seed);
  const ids = Array.from({ length: n }, () => hexId(rng));
  const msg: ControlMessage = { t: 'epoch', epoch: 1_234, minter: ids[0] as string, to: ids.slice(1), sealed: 'A'.repeat(SEALED_CHARS) };
  const handOutBytes = JSON.stringify(msg).length;
  const { neighbours } = planControlOverlay(ids);
  const degrees = [...neighbours.values()].map((x) => x.length).sort((a, b) => a - b);
  const copiesPerMint = Math.max(0, (degrees[Math.floor(degrees.length / 2)] ?? 1) - 1);
  const perSecond = (gapMs: number) => (handOutBytes * copiesPerMint * (1000 / gapMs)) / 1000;
  const pacedGapMs = rekeyGapMs(n);
  return { n, handOutBytes, copiesPerMint, fixedGapMs: REKEY_MIN_GAP_MS, pacedGapMs, fixedKBps: perSecond(REKEY_MIN_GAP_MS), pacedKBps: perSecond(pacedGapMs) };
}
