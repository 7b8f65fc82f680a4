/**
 * Polls one peer connection's getStats() and hands the computed figures to `onStats`.
 * Keeps the previous snapshot so rates cover the last interval. Returns its disposer.
 */
import { computeConnectionStats, type ConnectionStats, type StatLike } from './connection-stats';

/** The one method we need from RTCPeerConnection, so tests can pass a fake. */
export interface StatsSource {
  getStats(): Promise<RTCStatsReport | Map<string, StatLike>>;
}

export function pollConnectionStats(source: StatsSource, onStats: (stats: ConnectionStats) => void, intervalMs = 1000): () => void {
  let prev: StatLike[] | undefined;
  let stopped = false;
  let busy = false;
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const report = await source.getStats();
      const curr = [...(report as Map<string, StatLike>).values()];
      if (!stopped) onStats(computeConnectionStats(prev, curr));
      prev = curr;
    } catch {
      // A closed connection rejects getStats: keep the last figures rather than crash the UI.
    } finally {
      busy = false;
    }
  };
  // The first sample waits an interval too: a tile mounts as its first frames arrive, and a
  // getStats then competes with them for WebRTC's threads (one sample gives no rates anyway).
  const timer = setInterval(() => void tick(), intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
