/**
 * The control overlay (src/tree/control-overlay.ts) on seeded rooms: control connections per
 * member, the hops a flooded control message needs, what still connects everyone while 10 % of
 * the members are replaced, and the links the new overlay opens. Pure computation in Node.
 */
import { DEFAULT_CONTROL_OVERLAY, planControlOverlay } from '../../src/tree/control-overlay';
import { measureOverlay, newLinks, survivingLinks } from '../../src/tree/overlay-metrics';
import { createPrng, hexId } from '../../tests/support/prng';
import { median, printTable } from '../stats';
import { overlayTraffic, type OverlayTrafficRow } from './overlay-traffic';
import { presenceTraffic, type PresenceTrafficRow } from './presence-traffic';
import { epochTraffic, type EpochTrafficRow } from './rekey-traffic';

export interface OverlayBenchRow {
  n: number;
  rooms: number;
  mode: 'mesh' | 'rings';
  /** Control connections one member holds (most, in any room). */
  maxDegree: number;
  /** A mesh member would hold n − 1. */
  meshDegree: number;
  diameter: number;
  meanHops: number;
  /** Share of the stayers the old overlay's surviving links still connect (worst room). */
  connectedDuringChurnMin: number;
  /** Links opened per member replaced (median over rooms). */
  linksOpenedPerReplaced: number;
  planMedianMs: number;
}


export function runOverlayBench(opts: { sizes?: number[]; rooms?: number } = {}): { rows: OverlayBenchRow[]; traffic: OverlayTrafficRow[]; presence: PresenceTrafficRow[]; epochs: EpochTrafficRow[] } {
  const sizes = opts.sizes ?? [8, 16, 17, 32, 64, 128, 256, 512, 1000];
  const rooms = opts.rooms ?? 4;
  planControlOverlay(Array.from({ length: 300 }, (_, i) => `warm${i}`));
  const rows = sizes.map((n): OverlayBenchRow => {
    let maxDegree = 0;
    let diameter = 0;
    const meanHops: number[] = [];
    const opened: number[] = [];
    const planMs: number[] = [];
    let connectedMin = 1;
    let mode: OverlayBenchRow['mode'] = 'mesh';
    for (let room = 0; room < rooms; room++) {
      const rng = createPrng(n * 104729 + room);
      const ids = Array.from({ length: n }, () => hexId(rng, 16));
      const t0 = performance.now();
      const overlay = planControlOverlay(ids);
      planMs.push(performance.now() - t0);
      mode = overlay.mode;
      const m = measureOverlay(overlay.neighbours);
      maxDegree = Math.max(maxDegree, m.maxDegree);
      diameter = Math.max(diameter, m.diameter);
      meanHops.push(m.meanHops);
      const leaving = new Set(rng.shuffle(ids).slice(0, Math.max(1, Math.round(n * 0.1))));
      const stay = ids.filter((id) => !leaving.has(id));
      connectedMin = Math.min(connectedMin, measureOverlay(survivingLinks(overlay.neighbours, stay)).connectedShare);
      const after = planControlOverlay([...stay, ...Array.from({ length: leaving.size }, () => hexId(rng, 16))]);
      opened.push(newLinks(overlay.neighbours, after.neighbours) / leaving.size);
    }
    return {
      n,
      rooms,
      mode,
      maxDegree,
      meshDegree: n - 1,
      diameter,
      meanHops: median(meanHops),
      connectedDuringChurnMin: connectedMin,
      linksOpenedPerReplaced: median(opened),
      planMedianMs: median(planMs),
    };
  });
  const { rings, fullMeshUpTo } = DEFAULT_CONTROL_OVERLAY;
  printTable(
    `Control overlay: mesh up to ${fullMeshUpTo} members, then ${rings} hashed rings; ${rooms} rooms per size, 10 % replaced`,
    ['N', 'mode', 'control links max', 'mesh would hold', 'diameter', 'mean hops', 'connected while repairing (min)', 'links opened per member replaced', 'plan ms'],
    rows.map((r) => [
      String(r.n),
      r.mode,
      String(r.maxDegree),
      String(r.meshDegree),
      String(r.diameter),
      r.meanHops.toFixed(2),
      `${(100 * r.connectedDuringChurnMin).toFixed(1)} %`,
      r.linksOpenedPerReplaced.toFixed(1),
      r.planMedianMs.toFixed(2),
    ]),
  );
  const traffic = [32, 256, 1000].map((n) => overlayTraffic(n));
  printTable(
    'Control overlay liveness per page (simulated with OverlayFlood, JSON as sent; at the room\'s beat and at a fixed 0.4 s), against the control mesh\'s 0.4 s pings',
    ['N', 'control links', 'beat ms', 'overlay msgs/s', 'overlay KB/s', 'at 0.4 s: msgs/s', 'at 0.4 s: KB/s', 'mesh links', 'mesh pings/s', 'mesh KB/s'],
    traffic.map((t) => [String(t.n), String(t.controlLinks), String(t.beatMs), t.overlayMessages.toFixed(1), t.overlayKBps.toFixed(1), t.fixedBeatMessages.toFixed(1), t.fixedBeatKBps.toFixed(1), String(t.n - 1), t.meshMessages.toFixed(0), t.meshKBps.toFixed(1)]),
  );
  printTable(
    '"Who I am" repeated unchanged over the overlay, per page (the same simulation): at the fixed 30 s and at the room\'s pace',
    ['N', 'every s (fixed / paced)', 'fixed: msgs/s', 'fixed: KB/s', 'paced: msgs/s', 'paced: KB/s'],
    traffic.map((t) => [String(t.n), `30 / ${t.whoMs / 1000}`, t.whoFixedMessages.toFixed(1), t.whoFixedKBps.toFixed(1), t.whoMessages.toFixed(1), t.whoKBps.toFixed(1)]),
  );
  const presence = [32, 256, 1000].map((n) => presenceTraffic(n));
  printTable(
    "Presence over the overlay per page (simulated with DocSync and y-protocols' Awareness, bytes as sent): renewals at y-protocols' fixed 15 s and at the room's pace, three people talking, and the main thread a presence change costs",
    ['N', 'renew s (fixed / paced)', 'fixed: msgs/s', 'fixed: KB/s', 'paced: msgs/s', 'paced: KB/s', '3 talking: msgs/s', '3 talking: KB/s', 'parse everyone, ms'],
    presence.map((p) => [String(p.n), `${p.fixedRenewMs / 1000} / ${p.pacedRenewMs / 1000}`, p.fixedMessages.toFixed(1), p.fixedKBps.toFixed(1), p.pacedMessages.toFixed(1), p.pacedKBps.toFixed(1), p.speakingMessages.toFixed(1), p.speakingKBps.toFixed(1), p.readPresencesMs.toFixed(2)]),
  );
  const epochs = [32, 256, 1000].map((n) => epochTraffic(n));
  printTable(
    'Epoch hand-outs over the overlay, per page, at the most the leader mints (people coming and going all the time): at the fixed 250 ms gap and at the room\'s',
    ['N', 'hand-out bytes', 'copies a page sends', 'gap ms (fixed / paced)', 'fixed: KB/s', 'paced: KB/s'],
    epochs.map((e) => [String(e.n), String(e.handOutBytes), String(e.copiesPerMint), `${e.fixedGapMs} / ${e.pacedGapMs}`, e.fixedKBps.toFixed(1), e.pacedKBps.toFixed(1)]),
  );
  return { rows, traffic, presence, epochs };
}
