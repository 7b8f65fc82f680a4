/**
 * What presence (the room doc's awareness: name, mic, camera, hand, speaking level, turn) costs
 * one page on a large room's control overlay, simulated with the real code: N pages of `DocSync`
 * with a y-protocols `Awareness` each, linked to their control-overlay neighbours only and
 * passing presences on (`passOn`), as in a call. Each page first knows everyone's presence;
 * then sample floods are sent and every message is counted at its size on the data channel:
 * - a renewal (the state re-published unchanged, only so that others do not time it out), at
 *   y-protocols' fixed 15 s and at the room's pace (src/room-state/presence-clock.ts);
 * - a speaking level change, three people talking at once (each publishes its level on change,
 *   polled every 300 ms: at most ten floods a second, an upper bound).
 * A flood costs a page the same whatever else is going on, so the per-second figures are the
 * floods a second times the median page's cost of one. Plus the main thread a presence change
 * costs each page: `readPresences` over everyone, timed. No browser.
 */
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { DocSync, type DocTransport } from '../../src/room-state/doc-sync';
import { readPresences, SPEAKING_POLL_MS, type Presence } from '../../src/room-state/presence';
import { PRESENCE_CHECK_MS, PRESENCE_RENEW_MS, presencePace } from '../../src/room-state/presence-clock';
import { planControlOverlay } from '../../src/tree/control-overlay';
import { createPrng, hexId } from '../../tests/support/prng';
import { costPerFlood, type SentCount } from './page-counts';

export interface PresenceTrafficRow {
  n: number;
  controlLinks: number;
  /** Renewal interval (ms): y-protocols' fixed one and the paced one. */
  fixedRenewMs: number;
  pacedRenewMs: number;
  /** Per page per second, median page: renewals at the fixed interval and at the pace. */
  fixedMessages: number;
  fixedKBps: number;
  pacedMessages: number;
  pacedKBps: number;
  /** Per page per second with three people talking (ten level changes a second). */
  speakingMessages: number;
  speakingKBps: number;
  /** Main thread per presence change on every page: one `readPresences` over everyone (ms). */
  readPresencesMs: number;
}

const SPEAKERS = 3;
const SAMPLE_FLOODS = 24;

interface SimPage {
  id: string;
  awareness: Awareness;
  sync: DocSync;
  frameListener: ((e: { from: string; frame: Uint8Array }) => void) | null;
}

function presenceOf(id: string, i: number): Presence {
  return { v: 1, peerId: id, name: `Guest ${i + 1}`, mic: false, cam: true, hand: null, speaking: 0, role: 'guest', e2ee: 'verified', turn: i + 1 };
}

export function presenceTraffic(n: number, seed = 1): PresenceTrafficRow {
  const rng = createPrng(seed);
  const ids = Array.from({ length: n }, () => hexId(rng));
  const { neighbours } = planControlOverlay(ids);
  let queue: { from: string; to: string; frame: Uint8Array }[] = [];
  let delivering = false;
  const sent = new Map<string, SentCount>(ids.map((id) => [id, { messages: 0, bytes: 0 }]));
  const pages = new Map<string, SimPage>();
  ids.forEach((id, i) => {
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    // Time does not pass here: no renewals or timeouts but the ones the bench makes.
    clearInterval(awareness._checkInterval as ReturnType<typeof setInterval>);
    awareness.setLocalState(presenceOf(id, i));
    const page: SimPage = { id, awareness, sync: undefined as unknown as DocSync, frameListener: null };
    const transport: DocTransport = {
      peers: () => neighbours.get(id) ?? [],
      onLink: () => () => {},
      send: (to, frame) => {
        if (!delivering) return true;
        const s = sent.get(id) as SentCount;
        s.messages++;
        s.bytes += frame.length;
        queue.push({ from: id, to, frame });
        return true;
      },
      onFrame: (listener) => {
        page.frameListener = listener;
        return () => {
          page.frameListener = null;
        };
      },
      passOn: () => true,
    };
    page.sync = new DocSync(doc, awareness, transport);
    pages.set(id, page);
  });
  // Everyone already knows everyone (as after the room formed): one update with all states.
  const all = new Awareness(new Y.Doc());
  clearInterval(all._checkInterval as ReturnType<typeof setInterval>);
  for (const p of pages.values()) applyAwarenessUpdate(all, encodeAwarenessUpdate(p.awareness, [p.awareness.clientID]), 'seed');
  const everyone = encodeAwarenessUpdate(all, [...pages.values()].map((p) => p.awareness.clientID));
  for (const p of pages.values()) applyAwarenessUpdate(p.awareness, everyone, 'seed');
  delivering = true;

  const flush = () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      for (const { from, to, frame } of batch) pages.get(to)?.frameListener?.({ from, frame });
    }
  };
  // The median page's messages and bytes for one flood of each kind.
  const renewal = costPerFlood(sent, SAMPLE_FLOODS, () => {
    const p = pages.get(ids[Math.floor(rng.next() * n)] as string) as SimPage;
    p.awareness.setLocalState(p.awareness.getLocalState());
    flush();
  });
  const speakers = ids.slice(0, SPEAKERS).map((id) => pages.get(id) as SimPage);
  let level = 0;
  const speaking = costPerFlood(sent, SAMPLE_FLOODS, () => {
    const p = speakers[level % SPEAKERS] as SimPage;
    level++;
    p.awareness.setLocalState({ ...(p.awareness.getLocalState() as Presence), speaking: ((level % 9) + 1) / 10 });
    flush();
  });

  // Renewals land on the first check after they are due: half a check late on average.
  const fixedRenewMs = PRESENCE_RENEW_MS;
  const pacedRenewMs = presencePace(n).renewMs;
  const rate = (renewMs: number) => n / ((renewMs + PRESENCE_CHECK_MS / 2) / 1000);
  const speakingFloods = SPEAKERS * (1000 / SPEAKING_POLL_MS);

  const states = [...pages.values()][0]?.awareness.getStates() as Map<number, unknown>;
  const self = [...pages.values()][0]?.awareness.clientID ?? 0;
  const reps = n >= 512 ? 20 : 100;
  readPresences(states, self);
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) readPresences(states, self);
  const readPresencesMs = (performance.now() - t0) / reps;

  for (const p of pages.values()) {
    p.sync.dispose();
    p.awareness.destroy();
  }
  all.destroy();
  return {
    n,
    controlLinks: Math.max(...[...neighbours.values()].map((x) => x.length)),
    fixedRenewMs,
    pacedRenewMs,
    fixedMessages: renewal.messages * rate(fixedRenewMs),
    fixedKBps: (renewal.bytes * rate(fixedRenewMs)) / 1000,
    pacedMessages: renewal.messages * rate(pacedRenewMs),
    pacedKBps: (renewal.bytes * rate(pacedRenewMs)) / 1000,
    speakingMessages: speaking.messages * speakingFloods,
    speakingKBps: (speaking.bytes * speakingFloods) / 1000,
    readPresencesMs,
  };
}
