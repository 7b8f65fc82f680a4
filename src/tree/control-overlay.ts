/**
 * Which members a page keeps a control connection to, once a room is too big for every page
 * to hold one to every other (the control-only mesh is O(N²) connections: docs/large-rooms.md,
 * "Limits of this slice").
 *
 * Up to `fullMeshUpTo` members it is the mesh, as today. Above, it is the union of `rings`
 * rings: ring r orders the members by a hash of (r, id) and links each member to the two
 * beside it. Why rings and not, say, random chords:
 * - the degree is bounded by construction (2 per ring), with no cap to enforce and no
 *   order-dependent tie-breaking;
 * - every ring alone is a cycle through all current members, so the overlay is connected
 *   whatever the member set;
 * - a join or leave changes only its neighbours in each ring (at most 3 links per ring), so
 *   churn reconnects little;
 * - a few random cycles make an expander: the diameter grows with log N (bench/tree prints it).
 * Pure and deterministic: every page computes the same overlay from the same member ids,
 * in any order.
 */
export interface ControlOverlayOptions {
  /** Rings above the mesh size; each adds at most two control connections per member. */
  rings: number;
  /** Up to this many members every pair is linked (the mesh). */
  fullMeshUpTo: number;
}

export const DEFAULT_CONTROL_OVERLAY: ControlOverlayOptions = { rings: 3, fullMeshUpTo: 16 };

export interface ControlOverlay {
  mode: 'mesh' | 'rings';
  /** Every member's control neighbours, sorted by id; symmetric. */
  neighbours: ReadonlyMap<string, readonly string[]>;
}

/** 32-bit FNV-1a of the ring number and the id, then murmur3's finaliser to spread the bits. */
export function ringHash(ring: number, id: string): number {
  let h = 0x811c9dc5 ^ Math.imul(ring + 1, 0x9e3779b1);
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** A ring's order: by hash, ties by id. */
type Ranked = { id: string; h: number };
const ringCmp = (a: Ranked, b: Ranked): number => a.h - b.h || byId(a.id, b.id);

/** The members in ring `ring`'s order (ties in the hash broken by id, so the order is total). */
export function ringOrder(ring: number, ids: readonly string[]): string[] {
  const keyed = ids.map((id) => ({ id, h: ringHash(ring, id) }));
  keyed.sort(ringCmp);
  return keyed.map((k) => k.id);
}

function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort(byId);
}

export function planControlOverlay(
  memberIds: readonly string[],
  opts: ControlOverlayOptions = DEFAULT_CONTROL_OVERLAY,
): ControlOverlay {
  const ids = distinct(memberIds);
  const sets = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  const link = (a: string, b: string): void => {
    if (a === b) return;
    sets.get(a)?.add(b);
    sets.get(b)?.add(a);
  };
  const mesh = ids.length <= opts.fullMeshUpTo;
  if (mesh) {
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) link(ids[i] as string, ids[j] as string);
  } else {
    for (let r = 0; r < opts.rings; r++) {
      const order = ringOrder(r, ids);
      for (let i = 0; i < order.length; i++) link(order[i] as string, order[(i + 1) % order.length] as string);
    }
  }
  const neighbours = new Map<string, readonly string[]>();
  for (const [id, set] of sets) neighbours.set(id, [...set].sort(byId));
  return { mode: mesh ? 'mesh' : 'rings', neighbours };
}

/**
 * One member's control neighbours without building everyone's: on each ring only the members
 * just before and after us matter, so one pass over the members per ring finds them (O(rings ·
 * N), no sort). A page calls this on every member change; a newcomer to a room of 1,000 makes
 * ~1,000 of those while the answers to its announce arrive: with a sort per ring they cost
 * 494 ms in Node, 154 ms like this (hashing the ids is most of the rest; 35 → 19 ms at 256).
 */
export function controlNeighbours(
  memberIds: readonly string[],
  me: string,
  opts: ControlOverlayOptions = DEFAULT_CONTROL_OVERLAY,
): string[] {
  const ids = new Set(memberIds);
  if (!ids.has(me)) return [];
  if (ids.size <= opts.fullMeshUpTo) return [...ids].filter((id) => id !== me).sort(byId);
  const out = new Set<string>();
  for (let r = 0; r < opts.rings; r++) {
    const mine: Ranked = { id: me, h: ringHash(r, me) };
    // Successor: the least member after us, or (wrapping) the least of all; predecessor alike.
    let next: Ranked | null = null;
    let least: Ranked | null = null;
    let prev: Ranked | null = null;
    let most: Ranked | null = null;
    for (const id of ids) {
      if (id === me) continue;
      const x: Ranked = { id, h: ringHash(r, id) };
      if (!least || ringCmp(x, least) < 0) least = x;
      if (!most || ringCmp(x, most) > 0) most = x;
      if (ringCmp(x, mine) > 0) {
        if (!next || ringCmp(x, next) < 0) next = x;
      } else if (!prev || ringCmp(x, prev) > 0) prev = x;
    }
    const succ = next ?? least;
    const pred = prev ?? most;
    if (succ) out.add(succ.id);
    if (pred) out.add(pred.id);
  }
  return [...out].sort(byId);
}
