import type { NormalisedState } from './normalise-state';

/** A group of streams that share one forwarding tree. */
export interface BundleSpec {
  index: number;
  kbps: number;
  /** Indices into `NormalisedState.streams`, in stream order. */
  streams: number[];
  /** Distinct publishing members, in stream order. */
  sources: number[];
  /** Per member: kbps of its own streams in this bundle (what it sends up instead of receiving). */
  own: Float64Array;
}

/**
 * Splits the active streams into `limits.bundles` bundles. Why bundles: a peer must receive ~12
 * streams through at most 8 neighbours, so streams have to share edges; one tree for everything
 * would make every forwarder carry the whole room (upload cap ⇒ fan-out 1). With B bundles each
 * peer has B parents and forwards one bundle, SplitStream-style.
 *
 * Bundle 0 holds the stage layer alone (when there are ≥ 2 bundles), so that a change of speaker
 * never changes the other bundles' bitrates. A member's audio rides with its thumbnail video, which
 * saves it an uplink edge. Streams keep the bundle they had in `previous` (stability); new ones go
 * to the lightest bundle.
 */
export function assignBundles(state: NormalisedState, previous: ReadonlyMap<string, number> | null): BundleSpec[] {
  const count = state.limits.bundles;
  const n = state.members.length;
  const bundles: BundleSpec[] = Array.from({ length: count }, (_, index) => ({
    index,
    kbps: 0,
    streams: [],
    sources: [],
    own: new Float64Array(n),
  }));
  const first = count > 1 ? 1 : 0;
  const chosen = new Int32Array(state.streams.length).fill(-1);
  const memberBundle = new Map<number, number>();

  const put = (s: number, b: number) => {
    chosen[s] = b;
    const spec = state.streams[s];
    const bundle = bundles[b];
    if (!spec || !bundle) return;
    bundle.kbps += spec.kbps;
    if (spec.layer !== 'stage' && !memberBundle.has(spec.source)) memberBundle.set(spec.source, b);
  };

  state.streams.forEach((spec, s) => {
    if (spec.layer === 'stage') put(s, 0);
  });
  state.streams.forEach((spec, s) => {
    const before = previous?.get(spec.id);
    if (chosen[s] === -1 && before !== undefined && before >= first && before < count) put(s, before);
  });
  state.streams.forEach((spec, s) => {
    if (chosen[s] !== -1) return;
    let b = memberBundle.get(spec.source);
    if (b === undefined) {
      b = first;
      for (let k = first + 1; k < count; k++) if ((bundles[k]?.kbps ?? 0) < (bundles[b]?.kbps ?? 0)) b = k;
    }
    put(s, b);
  });

  state.streams.forEach((spec, s) => {
    const bundle = bundles[chosen[s] as number] as BundleSpec;
    bundle.streams.push(s);
    if (!bundle.sources.includes(spec.source)) bundle.sources.push(spec.source);
    bundle.own[spec.source] = (bundle.own[spec.source] ?? 0) + spec.kbps;
  });
  return bundles;
}
