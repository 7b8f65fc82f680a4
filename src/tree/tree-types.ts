/**
 * Input and output of the large-room planner. The input is what every peer sees identically in
 * shared presence; the output is a plain JSON-serialisable value, so two peers can compare plans
 * byte for byte and the engine can keep the previous one for `replanTree`.
 */

export const TREE_PLAN_VERSION = 1;

export interface TreeMemberInput {
  id: string;
  /** Position in the room's join order; ties are broken by id. */
  joinOrder: number;
  /** Measured uplink capacity. The planner never schedules more upload than this. */
  uplinkKbps: number;
  /** Whether this browser can forward encoded frames; peers that cannot are leaves only. */
  canForward: boolean;
}

export interface TreeBitrates {
  thumbKbps: number;
  stageKbps: number;
  audioKbps: number;
}

export interface TreeLimits {
  /** Rooms with at most this many members use a full mesh. */
  meshMax: number;
  /** Active video sources distributed (the first `lastN` of `videoSources`). */
  lastN: number;
  /** Audio sources distributed (the first `audioN` of `audioSources`). */
  audioN: number;
  /** Distinct peers one browser keeps connections with. */
  maxNeighbours: number;
  /** Hops from a source that repair tries to stay within (fresh plans are as shallow as capacity allows). */
  maxDepth: number;
  /** Per-peer upload cap, in multiples of the largest single stream's bitrate. */
  uploadStreams: number;
  /** Streams are grouped into this many bundles, each with its own forwarding tree. */
  bundles: number;
}

export const DEFAULT_TREE_LIMITS: Readonly<TreeLimits> = Object.freeze({
  meshMax: 6,
  lastN: 9,
  audioN: 3,
  maxNeighbours: 8,
  maxDepth: 6,
  uploadStreams: 4,
  bundles: 3,
});

/** Budgeting figures only; the engine passes the bitrates it actually configures. */
export const DEFAULT_TREE_BITRATES: Readonly<TreeBitrates> = Object.freeze({
  thumbKbps: 150,
  stageKbps: 1200,
  audioKbps: 40,
});

export interface TreeState {
  members: readonly TreeMemberInput[];
  /** Video sources, most relevant first (from speaking levels in presence). Unknown ids are ignored. */
  videoSources: readonly string[];
  /** Current top speakers, loudest first. Unknown ids are ignored. */
  audioSources: readonly string[];
  /** Whose video goes out at the stage layer; default the first video source, `null` for none. */
  stage?: string | null;
  bitrates?: Partial<TreeBitrates>;
  limits?: Partial<TreeLimits>;
}

export type StreamKind = 'video' | 'audio';
export type StreamLayer = 'thumb' | 'stage' | 'audio';

/** `[from, to]`: `from` sends this stream to `to`. */
export type PlannedEdge = readonly [from: string, to: string];

export interface PlannedStream {
  /** `video:<member>` or `audio:<member>`. */
  id: string;
  source: string;
  kind: StreamKind;
  layer: StreamLayer;
  kbps: number;
  /** Index of the bundle tree that carries it, or -1 in mesh mode. */
  bundle: number;
  /** Most hops from the source to any receiver. */
  depth: number;
  /** In breadth-first order from the source. */
  edges: PlannedEdge[];
  /** Members that this plan cannot reach with this stream (empty when capacity suffices). */
  unreached: string[];
}

export interface PlannedBundle {
  index: number;
  kbps: number;
  streams: string[];
  root: string | null;
  /** `[child, parent]` in the order the tree was grown; the undirected tree every stream floods. */
  tree: [child: string, parent: string][];
}

export interface PeerLink {
  peer: string;
  send: string[];
  receive: string[];
}

export interface PeerPlan {
  id: string;
  canForward: boolean;
  /** The bundle this peer forwards for by preference, or null for leaves. */
  role: number | null;
  uploadKbps: number;
  downloadKbps: number;
  /** One entry per distinct neighbour, in member order. */
  links: PeerLink[];
}

export interface TreePlan {
  version: typeof TREE_PLAN_VERSION;
  mode: 'mesh' | 'tree';
  /** How this plan was made: a full mesh, a fresh tree, or a repair of the previous tree. */
  origin: 'mesh' | 'fresh' | 'repaired';
  /** Member ids in join order. */
  members: string[];
  streams: PlannedStream[];
  bundles: PlannedBundle[];
  peers: PeerPlan[];
  /** Sum over streams of members not reached. */
  unreached: number;
}
