/**
 * The pure half of the tree inside a call: what the planner is asked (from the members the
 * engine knows), and which links this member must hold (from the plan). No DOM, no sockets:
 * unit-tested in Node (tests/unit/tree/call-plan.test.ts).
 *
 * A forwarding link carries one source's audio and video from a parent to a child, so the
 * planner's streams are folded per source: for each source, the one member that sends it to us.
 */
import { activeSources } from './speaking-turns';
import type { TreeBitrates, TreePlan, TreeState } from './tree-types';

export interface CallMember {
  id: string;
  /** Join time (ms): the same number on every page, from the member's presence announce. */
  joinedAt: number;
  /** Declared in the member's tree hello; members that have not said are leaves. */
  uplinkKbps: number;
  canForward: boolean;
  /** Speaking turn from the member's presence (see speaking-turns.ts); absent: never spoke. */
  turn?: number;
  /**
   * False: the member's camera is off (as it says in its state), so it is no video source and
   * takes no place in the last N; it is still heard when it speaks. Absent: counted as on.
   */
  camOn?: boolean;
}

/** Audio sources distributed in a large room: the three most recent speakers. */
export const AUDIO_SOURCES = 3;

export interface TreeCallParams {
  /** Rooms with at most this many members stay a full mesh. */
  meshMax: number;
  /** Video sources distributed: the most recent speakers, then join order. */
  lastN: number;
  /** `quality=low`: about 160×120 at a low frame rate. */
  quality: 'low' | 'normal';
}

const UPLOAD_STREAMS = 32;

export const DEFAULT_TREE_CALL_PARAMS: Readonly<TreeCallParams> = Object.freeze({ meshMax: 6, lastN: 9, quality: 'normal' });

/** The video layer an origin sends: the stage (the most recent speaker) or a thumbnail. */
export type VideoLayer = 'stage' | 'thumb';

export interface LayerSpec {
  /** Largest height sent; a camera captured smaller is sent as captured. */
  height: number;
  fps: number;
  kbps: number;
}

/**
 * What each layer sends on tree links. An origin encodes once (its loopback), so it sends one
 * layer at a time: the stage while it is the most recent speaker, a thumbnail otherwise.
 * `quality=low` (many pages on one small machine) has a single small layer.
 */
export const TREE_LAYERS: Readonly<Record<TreeCallParams['quality'], Record<VideoLayer, LayerSpec>>> = Object.freeze({
  low: { stage: { height: 120, fps: 10, kbps: 150 }, thumb: { height: 120, fps: 10, kbps: 150 } },
  normal: { stage: { height: 720, fps: 30, kbps: 1200 }, thumb: { height: 180, fps: 15, kbps: 200 } },
});

/** What our senders really use on tree links (the planner's budget figures). */
export function treeBitrates(quality: TreeCallParams['quality']): TreeBitrates {
  const layers = TREE_LAYERS[quality];
  return { thumbKbps: layers.thumb.kbps, stageKbps: layers.stage.kbps, audioKbps: 40 };
}

/**
 * The encoding for our video sender at `layer`, from the camera's captured height (absent:
 * unknown, sent as captured). Scaling down, never up: a 120-line camera is sent at 120 lines.
 * Three temporal layers (`L1T3`), so a forwarder can halve or quarter the frame rate for one
 * congested child without touching the others (per-branch layers, temporal-thinning.ts).
 */
export function layerEncoding(quality: TreeCallParams['quality'], layer: VideoLayer, sourceHeight?: number): Required<Pick<RTCRtpEncodingParameters, 'scaleResolutionDownBy' | 'maxFramerate' | 'maxBitrate'>> & { scalabilityMode: string } {
  const spec = TREE_LAYERS[quality][layer];
  const scale = sourceHeight !== undefined && sourceHeight > spec.height ? Math.round((sourceHeight / spec.height) * 100) / 100 : 1;
  return { scaleResolutionDownBy: scale, maxFramerate: spec.fps, maxBitrate: spec.kbps * 1000, scalabilityMode: 'L1T3' };
}

/**
 * Who is on stage: the most recent speaker (highest speaking turn; an equal turn goes to the
 * earlier joiner), or null while nobody has spoken. Turns come from shared presence, so every
 * page names the same member without receiving a stream. Only `candidates` (the video sources
 * in the last N) can be on stage.
 */
export function stageOf(members: readonly CallMember[], candidates?: ReadonlySet<string>): string | null {
  let best: CallMember | null = null;
  for (const m of joinOrder(members)) {
    if (m.turn === undefined || (candidates && !candidates.has(m.id))) continue;
    if (!best || m.turn > (best.turn ?? 0)) best = m;
  }
  return best?.id ?? null;
}

/** Members in join order (ties by id in code-unit order), as every page sorts them. */
export function joinOrder(members: readonly CallMember[]): CallMember[] {
  return [...members].sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The planner's input. Active sources are the `lastN` most recent speakers with their camera on
 * (speaking turns from shared presence; members who never spoke follow in join order) and the
 * audio sources the three most recent: every page derives the same lists without receiving any
 * stream. A camera that is off takes no place: in a room where the first to join listen with
 * their cameras off, the last N are the cameras that are on, not black frames.
 */
export function treeStateFor(members: readonly CallMember[], params: TreeCallParams): TreeState {
  const ordered = joinOrder(members);
  const video = activeSources(
    ordered.filter((m) => m.camOn !== false),
    params.lastN,
  );
  // A link carries its source's audio with its video, so every video source is heard anyway:
  // the plan says so. Asking for the top three speakers alone made the audio set (and with it
  // the bundles, and so the parents) change with every speaking turn while the video set
  // stood still: four pages with beeping microphones re-made links again and again. The top
  // three are among the last N when lastN ≥ 3; below that they add audio-only sources.
  const heard = new Set([...video, ...activeSources(ordered, AUDIO_SOURCES)]);
  return {
    members: ordered.map((m, i) => ({ id: m.id, joinOrder: i, uplinkKbps: m.uplinkKbps, canForward: m.canForward })),
    videoSources: video,
    audioSources: ordered.filter((m) => heard.has(m.id)).map((m) => m.id),
    // The plan does not follow the stage: a new speaker would move two sources to other
    // bundles, so other parents, and re-making their links cuts their audio just as they start
    // talking. Every video is budgeted as a thumbnail; the stage's origin sends its larger layer
    // along the same tree (see docs/large-rooms.md, "Layers").
    stage: null,
    bitrates: treeBitrates(params.quality),
    // The planner's default cap (4 × the largest stream) assumes a 1.2 Mbps stage layer; with one
    // small layer it would starve a room where everyone sends, so the declared uplink is the cap.
    limits: { meshMax: params.meshMax, lastN: params.lastN, audioN: params.lastN + AUDIO_SOURCES, uploadStreams: UPLOAD_STREAMS },
  };
}

/**
 * Source → the member that sends it to `me` in this plan. Video decides the parent when audio
 * and video would come from different members (they share a bundle, so they normally agree).
 */
export function upstreamOf(plan: TreePlan, me: string): Map<string, string> {
  const out = new Map<string, string>();
  if (plan.mode !== 'tree') return out;
  const ordered = [...plan.streams].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'video' ? -1 : 1));
  for (const stream of ordered) {
    if (stream.source === me || out.has(stream.source)) continue;
    const edge = stream.edges.find(([, to]) => to === me);
    if (edge) out.set(stream.source, edge[0]);
  }
  return out;
}

export interface HeldLink {
  source: string;
  parent: string;
  /** The link carries the source's video too (absent: yes); audio-only for sources outside lastN. */
  video?: boolean;
}

/** The sources whose video the plan sends to `me` (the rest of `upstreamOf` is audio only). */
export function videoTo(plan: TreePlan, me: string): Set<string> {
  const out = new Set<string>();
  if (plan.mode !== 'tree') return out;
  for (const stream of plan.streams) if (stream.kind === 'video' && stream.source !== me && stream.edges.some(([, to]) => to === me)) out.add(stream.source);
  return out;
}

export interface LinkDiff<K> {
  /** Held links the plan no longer wants (source gone, or another parent now). */
  close: K[];
  /** Sources to ask a parent for. */
  open: HeldLink[];
}

/**
 * The plan's links for members judged stalled are left as they are: a link we hold for one
 * stays (its frames may still come: a slow page's media flows while its pings are late), and
 * none is opened. A stalled member stays in the plan as a source, so without this every orphan
 * of a crashed forwarder that was also a source (the first to join usually is both) asked a new
 * parent for media that no longer exists: half the connections the new parent had to answer at
 * the moment the repair needed it most. Returns new `wanted` and `video` for `diffUpstream`.
 */
export function spareStalledSources(
  wanted: ReadonlyMap<string, string>,
  video: ReadonlySet<string>,
  held: Iterable<HeldLink>,
  stalled: ReadonlySet<string>,
): { wanted: Map<string, string>; video: Set<string> } {
  const outWanted = new Map(wanted);
  const outVideo = new Set(video);
  const mine = new Map<string, HeldLink>();
  for (const link of held) if (stalled.has(link.source) && !mine.has(link.source)) mine.set(link.source, link);
  for (const source of stalled) {
    const link = mine.get(source);
    if (!link) {
      outWanted.delete(source);
      outVideo.delete(source);
      continue;
    }
    outWanted.set(source, link.parent);
    if (link.video ?? true) outVideo.add(source);
    else outVideo.delete(source);
  }
  return { wanted: outWanted, video: outVideo };
}

/** Which of our upstream links to close and which to open to match `wanted`. */
export function diffUpstream<K>(held: ReadonlyMap<K, HeldLink>, wanted: ReadonlyMap<string, string>, video?: ReadonlySet<string>): LinkDiff<K> {
  // Without a video set every link carries video (the call before last-N, and older tests).
  const wantsVideo = (source: string) => (video ? video.has(source) : true);
  const close: K[] = [];
  const kept = new Set<string>();
  for (const [key, link] of held) {
    const same = wanted.get(link.source) === link.parent && (link.video ?? true) === wantsVideo(link.source);
    if (same && !kept.has(link.source)) kept.add(link.source);
    else close.push(key);
  }
  const open: HeldLink[] = [];
  for (const [source, parent] of wanted) if (!kept.has(source)) open.push(video ? { source, parent, video: wantsVideo(source) } : { source, parent });
  return { close, open };
}

/** The link parameters (`meshMax`, `lastN`, `quality`) with defaults filled in. */
export function treeCallParams(link: { meshMax?: number; lastN?: number; quality?: 'low' }): TreeCallParams {
  return {
    meshMax: link.meshMax ?? DEFAULT_TREE_CALL_PARAMS.meshMax,
    lastN: link.lastN ?? DEFAULT_TREE_CALL_PARAMS.lastN,
    quality: link.quality ?? DEFAULT_TREE_CALL_PARAMS.quality,
  };
}
