/** Counters the TURN server exports (`relay/turn`); unknown keys are passed through. */
export type TurnCounters = Record<string, number>;

export interface TurnFigures {
  turn_allocations_current: number;
  turn_allocations_total: number;
  /** Colibri's name for "calls that had to go through the relay". */
  total_ice_succeeded_relayed: number;
  turn_relayed_bytes_in: number;
  turn_relayed_bytes_out: number;
  turn_relayed_packets_in: number;
  turn_relayed_packets_out: number;
  /** kbit/s and packets/s since the previous reading (at least MIN_RATE_WINDOW_MS apart). */
  bit_rate_download: number;
  bit_rate_upload: number;
  packet_rate_download: number;
  packet_rate_upload: number;
}

export const MIN_RATE_WINDOW_MS = 5_000;

interface Sample {
  at: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
}

/**
 * Turns TURN's monotonic counters into colibri-style figures. "Download" is what the relay
 * receives from peers on relayed addresses, "upload" what it sends to them. Rates need no
 * timer: each reading compares with a baseline at least MIN_RATE_WINDOW_MS old.
 */
export class TurnRates {
  private baseline: Sample | null = null;
  private rates = { bitIn: 0, bitOut: 0, pktIn: 0, pktOut: 0 };

  constructor(
    private readonly source: (() => TurnCounters) | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  figures(): TurnFigures {
    const c = this.source?.() ?? {};
    const n = (k: string): number => (typeof c[k] === 'number' && Number.isFinite(c[k]) ? c[k] : 0);
    const sample: Sample = {
      at: this.now(),
      bytesIn: n('bytesFromPeers'),
      bytesOut: n('bytesToPeers'),
      packetsIn: n('packetsFromPeers'),
      packetsOut: n('packetsToPeers'),
    };
    if (!this.baseline) this.baseline = sample;
    const dt = (sample.at - this.baseline.at) / 1000;
    if (dt * 1000 >= MIN_RATE_WINDOW_MS) {
      const b = this.baseline;
      this.rates = {
        bitIn: Math.round(((sample.bytesIn - b.bytesIn) * 8) / 1000 / dt),
        bitOut: Math.round(((sample.bytesOut - b.bytesOut) * 8) / 1000 / dt),
        pktIn: Math.round((sample.packetsIn - b.packetsIn) / dt),
        pktOut: Math.round((sample.packetsOut - b.packetsOut) / dt),
      };
      this.baseline = sample;
    }
    return {
      turn_allocations_current: n('allocationsCurrent'),
      turn_allocations_total: n('allocationsTotal'),
      total_ice_succeeded_relayed: n('allocationsTotal'),
      turn_relayed_bytes_in: sample.bytesIn,
      turn_relayed_bytes_out: sample.bytesOut,
      turn_relayed_packets_in: sample.packetsIn,
      turn_relayed_packets_out: sample.packetsOut,
      bit_rate_download: this.rates.bitIn,
      bit_rate_upload: this.rates.bitOut,
      packet_rate_download: this.rates.pktIn,
      packet_rate_upload: this.rates.pktOut,
    };
  }
}
