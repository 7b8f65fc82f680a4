/**
 * What the control overlay's liveness costs one page, simulated with the real code: N pages
 * of `OverlayFlood` on the ring overlay, each told who everyone is, then beating; every message
 * is counted at its JSON size, as the data channel would carry it. Per second at the room's beat
 * (src/tree/beat-pace.ts) and at a fixed 0.4 s, against what the full control mesh's 0.4 s pings
 * cost (one per member). No browser.
 */
import type { ControlMessage } from '../../src/protocol/mesh-messages';
import { BEAT_MS, beatPace, WHO_MS } from '../../src/tree/beat-pace';
import { deliverOverlay, overlayPages } from '../../tests/support/overlay-pages';
import { costPerFlood, medianPage, type SentCount } from './page-counts';
import { createPrng, hexId } from '../../tests/support/prng';

export interface OverlayTrafficRow {
  n: number;
  /** The room's beat (src/tree/beat-pace.ts): slower above 64 members. */
  beatMs: number;
  /** Per page per second, median page: messages and bytes it sends in steady state, at `beatMs`. */
  overlayMessages: number;
  overlayKBps: number;
  /** The same with a beat every 0.4 s whatever the size (before the beat followed the room). */
  fixedBeatMessages: number;
  fixedBeatKBps: number;
  /** The control mesh's pings (every 0.4 s to every other member) for comparison. */
  meshMessages: number;
  meshKBps: number;
  controlLinks: number;
  /**
   * "Who I am" (name, state, hello, DTLS fingerprint, X25519 key) repeated unchanged to the
   * whole room, per page per second, median page: at the fixed 30 s it had, and at the room's
   * pace (beatPace's `whoMs`).
   */
  whoMs: number;
  whoFixedMessages: number;
  whoFixedKBps: number;
  whoMessages: number;
  whoKBps: number;
}

const BEATS = 3;
const WARM_BEATS = 8;

export function overlayTraffic(n: number, seed = 1): OverlayTrafficRow {
  const rng = createPrng(seed);
  const ids = Array.from({ length: n }, () => hexId(rng));
  let queue: { from: string; to: string; msg: ControlMessage }[] = [];
  const sent = new Map<string, SentCount>(ids.map((id) => [id, { messages: 0, bytes: 0 }]));
  let counting = false;
  const { neighbours, floods } = overlayPages(ids, (from, to, msg) => {
    if (counting) {
      const s = sent.get(from) as SentCount;
      s.messages++;
      // A digest's JSON is its entries plus `{"t":"beats","e":""}`: not stringified
      // here, which at 1,000 members would be most of the run.
      s.bytes += msg.t === 'beats' ? msg.e.length + 19 : JSON.stringify(msg).length;
    }
    queue.push({ from, to, msg });
  });
  const flush = () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      for (const { from, to, msg } of batch) deliverOverlay(floods.get(to), from, msg);
    }
  };
  const who = (i: number) => ({
    joinedAt: 1_760_000_000_000 + i,
    state: { name: `Guest ${i + 1}`, micOn: false, camOn: true },
    hello: { uplinkKbps: 4000, canForward: true },
    fp: `sha-256 ${Array.from({ length: 32 }, () => hexId(rng, 2).toUpperCase()).join(':')}`,
    pub: hexId(rng, 43),
  });
  ids.forEach((me, i) => floods.get(me)?.heartbeat(who(i)));
  flush();
  // Warm up until every count has travelled the whole overlay (diameter ≤ 7), then count.
  for (let b = 0; b < WARM_BEATS + BEATS; b++) {
    counting = b >= WARM_BEATS;
    for (const me of ids) floods.get(me)?.beat();
    flush();
  }
  const mid = medianPage(sent);
  // Each beat's digests carry every count that rose since the last, one per member whatever
  // the beat: a slower beat sends the same bytes per beat, fewer times a second.
  const { beatMs } = beatPace(n);
  const seconds = (BEATS * beatMs) / 1000;
  const fixedSeconds = (BEATS * BEAT_MS) / 1000;
  const ping = JSON.stringify({ t: 'ping', at: Date.now() }).length;
  // "Who I am" floods, sampled, scaled by the floods a second (n / whoMs) at the fixed 30 s and
  // at the pace.
  counting = true;
  const whoFlood = costPerFlood(sent, 24, () => {
    const i = Math.floor(rng.next() * n);
    floods.get(ids[i] as string)?.heartbeat(who(i));
    flush();
  });
  const { whoMs } = beatPace(n);
  const whoAt = (ms: number) => n / (ms / 1000);
  return {
    n,
    beatMs,
    overlayMessages: mid.messages / seconds,
    overlayKBps: mid.bytes / seconds / 1000,
    fixedBeatMessages: mid.messages / fixedSeconds,
    fixedBeatKBps: mid.bytes / fixedSeconds / 1000,
    meshMessages: (n - 1) / (BEAT_MS / 1000),
    meshKBps: ((n - 1) * ping) / (BEAT_MS / 1000) / 1000,
    controlLinks: Math.max(...[...neighbours.values()].map((x) => x.length)),
    whoMs,
    whoFixedMessages: whoFlood.messages * whoAt(WHO_MS),
    whoFixedKBps: (whoFlood.bytes * whoAt(WHO_MS)) / 1000,
    whoMessages: whoFlood.messages * whoAt(whoMs),
    whoKBps: (whoFlood.bytes * whoAt(whoMs)) / 1000,
  };
}
