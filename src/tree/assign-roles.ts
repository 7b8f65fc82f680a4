import type { BundleSpec } from './assign-bundles';
import type { NormalisedState } from './normalise-state';

/**
 * Gives each forwarder one bundle it prefers to forward (interior there, leaf elsewhere), so
 * every peer's upload goes to one bundle and its neighbours stay at B parents + its children.
 *
 * A forwarding source takes its own bundle: it then sits at the top of the tree that carries its
 * stream, which keeps the stream's depth small. Others keep their previous role (stability);
 * the rest, strongest first, go where the total child slots are lowest. With `sourcesFirst` off
 * (the planner's fallback for rooms short of capacity) every role is balanced by capacity alone.
 */
export function assignRoles(
  state: NormalisedState,
  bundles: readonly BundleSpec[],
  previous: ReadonlyMap<string, number> | null,
  sourcesFirst = true,
): Int32Array {
  const n = state.members.length;
  const role = new Int32Array(n).fill(-1);
  const active = bundles.filter((b) => b.kbps > 0);
  if (active.length === 0) return role;
  const childCap = state.limits.maxNeighbours - active.length;
  const slots = (x: number, b: BundleSpec) => Math.max(0, Math.min(childCap, Math.floor((state.budget[x] ?? 0) / b.kbps)));
  const load = new Float64Array(bundles.length);
  const take = (x: number, b: BundleSpec) => {
    role[x] = b.index;
    load[b.index] = (load[b.index] ?? 0) + slots(x, b);
  };

  for (let x = 0; x < n && sourcesFirst; x++) {
    if (!state.members[x]?.canForward) continue;
    const own = active.find((b) => (b.own[x] ?? 0) > 0);
    if (own) take(x, own);
  }
  for (let x = 0; x < n; x++) {
    if (role[x] !== -1 || !state.members[x]?.canForward) continue;
    const before = previous?.get(state.ids[x] as string);
    const b = before === undefined ? undefined : active.find((a) => a.index === before);
    if (b) take(x, b);
  }
  const rest: number[] = [];
  for (let x = 0; x < n; x++) if (role[x] === -1 && state.members[x]?.canForward) rest.push(x);
  rest.sort((a, b) => (state.budget[b] ?? 0) - (state.budget[a] ?? 0) || a - b);
  for (const x of rest) {
    let best = active[0] as BundleSpec;
    for (const b of active) if ((load[b.index] ?? 0) < (load[best.index] ?? 0)) best = b;
    take(x, best);
  }
  return role;
}
