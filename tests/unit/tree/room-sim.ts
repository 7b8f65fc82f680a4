import type { TreeMemberInput, TreeState } from '../../../src/tree';
import type { Prng } from '../../support/prng';

/**
 * Uplinks as a mixed room sees them: a tenth cannot forward (browsers without encoded-frame
 * forwarding), some are on weak uplinks, most on ordinary broadband.
 */
export function randomMember(rng: Prng, joinOrder: number): TreeMemberInput {
  const r = rng.next();
  const uplinkKbps = r < 0.15 ? rng.int(1000, 2500) : r < 0.5 ? rng.int(2500, 6000) : rng.int(6000, 40000);
  return { id: `p${joinOrder.toString(36)}-${rng.int(0, 1e6).toString(36)}`, joinOrder, uplinkKbps, canForward: rng.next() >= 0.1 };
}

function pickSources(rng: Prng, members: readonly TreeMemberInput[], keep: readonly string[], n: number): string[] {
  const alive = new Set(members.map((m) => m.id));
  const out = keep.filter((id) => alive.has(id));
  const rest = rng.shuffle(members.map((m) => m.id).filter((id) => !out.includes(id)));
  while (out.length < n && rest.length > 0) out.push(rest.pop() as string);
  return out;
}

/** A room of `n` with `video` active video sources; two speakers have video, one is audio-only. */
export function randomRoom(rng: Prng, n: number, video = 9): TreeState {
  const members = Array.from({ length: n }, (_, i) => randomMember(rng, i));
  const videoSources = pickSources(rng, members, [], Math.min(video, n));
  const others = members.map((m) => m.id).filter((id) => !videoSources.includes(id));
  const audioSources = [...videoSources.slice(0, 2), ...(others.length > 0 ? [rng.pick(others)] : [])];
  return { members, videoSources, audioSources };
}

/** `fraction` of members leave and as many join; departed sources are replaced by survivors. */
export function churn(rng: Prng, state: TreeState, fraction: number): TreeState {
  const leaving = new Set(rng.shuffle(state.members.map((m) => m.id)).slice(0, Math.round(state.members.length * fraction)));
  const nextOrder = Math.max(...state.members.map((m) => m.joinOrder)) + 1;
  const members = [
    ...state.members.filter((m) => !leaving.has(m.id)),
    ...Array.from({ length: leaving.size }, (_, i) => randomMember(rng, nextOrder + i)),
  ];
  const videoSources = pickSources(rng, members, state.videoSources, state.videoSources.length);
  const audioSources = pickSources(rng, members, state.audioSources, state.audioSources.length);
  return { ...state, members, videoSources, audioSources };
}

/** The same state with every list in a different order: the plan must not change. */
export function shuffled(rng: Prng, state: TreeState): TreeState {
  return { ...state, members: rng.shuffle(state.members).map((m) => ({ ...m })) };
}
