import type { BundleSpec } from './assign-bundles';
import type { BundleTree } from './bundle-tree';
import type { NormalisedState, StreamSpec } from './normalise-state';
import { TREE_PLAN_VERSION } from './tree-types';
import type { PeerLink, PeerPlan, PlannedEdge, PlannedStream, TreePlan } from './tree-types';

/** Per member: neighbour index → stream ids sent / received. Filled in member order for stable output. */
class LinkTable {
  private readonly sends: Map<number, string[]>[];
  private readonly receives: Map<number, string[]>[];
  readonly upload: Float64Array;
  readonly download: Float64Array;

  constructor(n: number) {
    this.sends = Array.from({ length: n }, () => new Map());
    this.receives = Array.from({ length: n }, () => new Map());
    this.upload = new Float64Array(n);
    this.download = new Float64Array(n);
  }

  /** A connection, possibly carrying nothing yet. */
  connect(a: number, b: number): void {
    entry(this.sends[a], b);
    entry(this.receives[a], b);
    entry(this.sends[b], a);
    entry(this.receives[b], a);
  }

  add(from: number, to: number, spec: StreamSpec): void {
    this.connect(from, to);
    entry(this.sends[from], to).push(spec.id);
    entry(this.receives[to], from).push(spec.id);
    this.upload[from] = (this.upload[from] ?? 0) + spec.kbps;
    this.download[to] = (this.download[to] ?? 0) + spec.kbps;
  }

  links(x: number, ids: readonly string[]): PeerLink[] {
    const sends = this.sends[x] as Map<number, string[]>;
    const receives = this.receives[x] as Map<number, string[]>;
    return [...sends.keys()]
      .sort((a, b) => a - b)
      .map((peer) => ({ peer: ids[peer] as string, send: sends.get(peer) ?? [], receive: receives.get(peer) ?? [] }));
  }
}

function entry(map: Map<number, string[]> | undefined, key: number): string[] {
  let list = map?.get(key);
  if (!list) {
    list = [];
    map?.set(key, list);
  }
  return list;
}

/** Breadth-first from the source over the undirected tree: the stream's own distribution tree. */
function flood(tree: BundleTree, source: number): { edges: [number, number][]; depth: number; reached: Uint8Array } {
  const reached = new Uint8Array(tree.size);
  const edges: [number, number][] = [];
  if (!tree.has(source)) return { edges, depth: 0, reached };
  const dist = new Int32Array(tree.size);
  const queue = [source];
  reached[source] = 1;
  let depth = 0;
  for (let qi = 0; qi < queue.length; qi++) {
    const x = queue[qi] as number;
    for (const y of tree.adjacent(x)) {
      if (reached[y]) continue;
      reached[y] = 1;
      dist[y] = (dist[x] ?? 0) + 1;
      depth = Math.max(depth, dist[y] ?? 0);
      edges.push([x, y]);
      queue.push(y);
    }
  }
  return { edges, depth, reached };
}

function finish(
  state: NormalisedState,
  mode: TreePlan['mode'],
  origin: TreePlan['origin'],
  streams: PlannedStream[],
  table: LinkTable,
  role: Int32Array | null,
  bundles: TreePlan['bundles'],
): TreePlan {
  const { ids } = state;
  const peers: PeerPlan[] = state.members.map((m, x) => ({
    id: m.id,
    canForward: m.canForward,
    role: role && (role[x] ?? -1) >= 0 ? (role[x] as number) : null,
    uploadKbps: table.upload[x] ?? 0,
    downloadKbps: table.download[x] ?? 0,
    links: table.links(x, ids),
  }));
  const unreached = streams.reduce((sum, s) => sum + s.unreached.length, 0);
  return { version: TREE_PLAN_VERSION, mode, origin, members: [...ids], streams, bundles, peers, unreached };
}

export function assembleTreePlan(
  state: NormalisedState,
  bundles: readonly BundleSpec[],
  trees: readonly (BundleTree | null)[],
  role: Int32Array,
  origin: 'fresh' | 'repaired',
): TreePlan {
  const { ids } = state;
  const table = new LinkTable(ids.length);
  const bundleOf = new Int32Array(state.streams.length);
  for (const b of bundles) for (const s of b.streams) bundleOf[s] = b.index;

  const streams = state.streams.map((spec, s): PlannedStream => {
    const b = bundleOf[s] as number;
    const tree = trees[b];
    const { edges, depth, reached } = tree ? flood(tree, spec.source) : { edges: [], depth: 0, reached: new Uint8Array(ids.length) };
    reached[spec.source] = 1;
    for (const [from, to] of edges) table.add(from, to, spec);
    const unreached: string[] = [];
    ids.forEach((id, x) => {
      if (!reached[x]) unreached.push(id);
    });
    const named: PlannedEdge[] = edges.map(([from, to]) => [ids[from] as string, ids[to] as string]);
    return { id: spec.id, source: ids[spec.source] as string, kind: spec.kind, layer: spec.layer, kbps: spec.kbps, bundle: b, depth, edges: named, unreached };
  });

  const planned = bundles.map((b) => {
    const tree = trees[b.index];
    return {
      index: b.index,
      kbps: b.kbps,
      streams: b.streams.map((s) => state.streams[s]?.id as string),
      root: tree && tree.root >= 0 ? (ids[tree.root] as string) : null,
      tree: tree
        ? tree.order.slice(1).map((c): [string, string] => [ids[c] as string, ids[tree.parent[c] as number] as string])
        : [],
    };
  });
  return finish(state, 'tree', origin, streams, table, role, planned);
}

/** Small rooms: everyone sends each active stream straight to everyone else. */
export function assembleMeshPlan(state: NormalisedState): TreePlan {
  const { ids } = state;
  const table = new LinkTable(ids.length);
  // Everyone is connected in a mesh even when nothing is sent yet (audio starts on first word).
  for (let a = 0; a < ids.length; a++) {
    for (let b = a + 1; b < ids.length; b++) table.connect(a, b);
  }
  const streams = state.streams.map((spec): PlannedStream => {
    const edges: PlannedEdge[] = [];
    for (let x = 0; x < ids.length; x++) {
      if (x === spec.source) continue;
      table.add(spec.source, x, spec);
      edges.push([ids[spec.source] as string, ids[x] as string]);
    }
    const source = ids[spec.source] as string;
    return { id: spec.id, source, kind: spec.kind, layer: spec.layer, kbps: spec.kbps, bundle: -1, depth: edges.length > 0 ? 1 : 0, edges, unreached: [] };
  });
  return finish(state, 'mesh', 'mesh', streams, table, null, []);
}
