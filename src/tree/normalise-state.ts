import { TreeError } from './tree-error';
import { DEFAULT_TREE_BITRATES, DEFAULT_TREE_LIMITS } from './tree-types';
import type { StreamKind, StreamLayer, TreeBitrates, TreeLimits, TreeMemberInput } from './tree-types';

export interface StreamSpec {
  id: string;
  source: number;
  kind: StreamKind;
  layer: StreamLayer;
  kbps: number;
}

/** The planner's view of a state: validated, members in join order, ids replaced by indices. */
export interface NormalisedState {
  members: TreeMemberInput[];
  ids: string[];
  indexOf: ReadonlyMap<string, number>;
  /** Stage first, then thumbnails in priority order, then audio in priority order. */
  streams: StreamSpec[];
  limits: TreeLimits;
  bitrates: TreeBitrates;
  /** Upload each member may spend: min(uplink, uploadStreams × the largest stream). */
  budget: Float64Array;
}

const MAX_ID_LENGTH = 256;

function fail(message: string): never {
  throw new TreeError('invalid-state', message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readMember(v: unknown, at: number): TreeMemberInput {
  if (!isRecord(v)) fail(`members[${at}] is not an object`);
  const { id, joinOrder, uplinkKbps, canForward } = v;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) fail(`members[${at}].id is invalid`);
  if (typeof joinOrder !== 'number' || !Number.isFinite(joinOrder)) fail(`members[${at}].joinOrder is invalid`);
  if (typeof uplinkKbps !== 'number' || !Number.isFinite(uplinkKbps) || uplinkKbps < 0) {
    fail(`members[${at}].uplinkKbps is invalid`);
  }
  if (typeof canForward !== 'boolean') fail(`members[${at}].canForward is invalid`);
  return { id, joinOrder, uplinkKbps, canForward };
}

function readIds(v: unknown, name: string): string[] {
  if (!Array.isArray(v)) fail(`${name} is not an array`);
  return v.map((x, i) => (typeof x === 'string' ? x : fail(`${name}[${i}] is not a string`)));
}

function readNumbers<T extends object>(v: unknown, defaults: Readonly<T>, name: string, integer: boolean): T {
  if (v === undefined) return { ...defaults };
  if (!isRecord(v)) throw new TreeError('invalid-limits', `${name} is not an object`);
  const out = { ...defaults } as Record<string, number>;
  for (const key of Object.keys(defaults)) {
    const x = v[key];
    if (x === undefined) continue;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || (integer && !Number.isInteger(x))) {
      throw new TreeError('invalid-limits', `${name}.${key} is invalid`);
    }
    out[key] = x;
  }
  return out as T;
}

/** Join order, then id by code units (not locale order, which differs between browsers). */
export function compareMembers(a: TreeMemberInput, b: TreeMemberInput): number {
  if (a.joinOrder !== b.joinOrder) return a.joinOrder - b.joinOrder;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Validates untrusted shared state (it comes from presence, i.e. from other peers) and puts it in
 * a canonical order, so that any permutation of the same input yields the same plan.
 */
/** `input` is a `TreeState` as far as the caller knows; it is checked, not trusted. */
export function normaliseState(input: unknown): NormalisedState {
  if (!isRecord(input)) fail('state is not an object');
  if (!Array.isArray(input.members)) fail('members is not an array');
  const members = input.members.map(readMember).sort(compareMembers);
  const ids = members.map((m) => m.id);
  const indexOf = new Map<string, number>();
  ids.forEach((id, i) => {
    if (indexOf.has(id)) fail(`duplicate member id ${JSON.stringify(id)}`);
    indexOf.set(id, i);
  });

  const limits = readNumbers<TreeLimits>(input.limits, DEFAULT_TREE_LIMITS, 'limits', true);
  const bitrates = readNumbers<TreeBitrates>(input.bitrates, DEFAULT_TREE_BITRATES, 'bitrates', false);
  if (limits.bundles < 1 || limits.bundles >= limits.maxNeighbours) {
    throw new TreeError('invalid-limits', 'need 1 ≤ bundles < maxNeighbours');
  }
  if (limits.maxDepth < 1 || limits.uploadStreams < 1) throw new TreeError('invalid-limits', 'maxDepth and uploadStreams must be ≥ 1');
  if (bitrates.thumbKbps <= 0 || bitrates.stageKbps <= 0 || bitrates.audioKbps <= 0) {
    throw new TreeError('invalid-limits', 'bitrates must be positive');
  }

  const known = (list: string[]) => [...new Set(list)].filter((id) => indexOf.has(id));
  const listed = known(readIds(input.videoSources, 'videoSources'));
  const audio = known(readIds(input.audioSources, 'audioSources')).slice(0, limits.audioN);
  const stageRaw = input.stage === undefined ? (listed[0] ?? null) : input.stage;
  if (stageRaw !== null && typeof stageRaw !== 'string') fail('stage is not a string or null');
  // The stage counts towards last-N but always makes the cut: it is what everyone looks at.
  const stage = stageRaw !== null && indexOf.has(stageRaw) && limits.lastN > 0 ? stageRaw : null;
  const video = (stage === null ? listed : [stage, ...listed.filter((id) => id !== stage)]).slice(0, limits.lastN);

  const at = (id: string) => indexOf.get(id) as number;
  const streams: StreamSpec[] = [];
  if (stage !== null) streams.push({ id: `video:${stage}`, source: at(stage), kind: 'video', layer: 'stage', kbps: bitrates.stageKbps });
  for (const id of video) {
    if (id !== stage) streams.push({ id: `video:${id}`, source: at(id), kind: 'video', layer: 'thumb', kbps: bitrates.thumbKbps });
  }
  for (const id of audio) streams.push({ id: `audio:${id}`, source: at(id), kind: 'audio', layer: 'audio', kbps: bitrates.audioKbps });

  const cap = limits.uploadStreams * Math.max(bitrates.stageKbps, bitrates.thumbKbps, bitrates.audioKbps);
  const budget = Float64Array.from(members, (m) => Math.min(m.uplinkKbps, cap));
  return { members, ids, indexOf, streams, limits, bitrates, budget };
}
