/**
 * Seeded simulation: peers chat, raise hands, run polls, react and moderate over a lossy,
 * reordering in-memory network while joining and leaving. Every run must converge to the
 * same doc and the same validated views on every online peer. A failing run prints its
 * seed; replay it with ROOM_SIM_SEED=<seed>, then pin it in PINNED_SEEDS.
 */
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { createHostedRoom } from '../../../src/room-state/host-key';
import { signAction } from '../../../src/room-state/moderation';
import { ModerationState } from '../../../src/room-state/moderation-state';
import {
  chatArray,
  createPoll,
  handsMap,
  modlogArray,
  moderatorsMap,
  pollsMap,
  reactionsArray,
  votesMap,
  createReactionLimiter,
  handsInOrder,
  lowerHand,
  pollResults,
  publishAction,
  raiseHand,
  readActionLog,
  readChat,
  readPolls,
  readReactions,
  sendChat,
  sendReaction,
  vote,
} from '../../../src/room-state/room-doc-schema';
import { RoomStateError } from '../../../src/room-state/room-state-error';
import { FakeNetwork, mulberry32 } from './fake-network';

/**
 * Seeds that once failed; they run every time. 253094788 and 1110634090 exposed a harness
 * bug: `toJSON` lists only root types a doc has touched, so equal docs compared unequal.
 */
const PINNED_SEEDS: number[] = [253094788, 1110634090];
const RANDOM_RUNS = 12;

const room = createHostedRoom();

function declareSchema(doc: Y.Doc): void {
  chatArray(doc);
  handsMap(doc);
  pollsMap(doc);
  votesMap(doc);
  reactionsArray(doc);
  modlogArray(doc);
  moderatorsMap(doc);
}

function view(doc: Y.Doc) {
  const moderation = new ModerationState({ roomId: room.roomId, moderatorKey: room.hostKey.publicKey });
  const { settings } = moderation.ingest(readActionLog(doc), { now: 10_000_000, epoch: 0 });
  return {
    chat: readChat(doc),
    hands: handsInOrder(doc),
    polls: readPolls(doc).map((p) => pollResults(doc, p.id)),
    reactions: readReactions(doc),
    settings,
  };
}

function simulate(seed: number): { converged: boolean; views: string[]; stats: string } {
  const random = mulberry32(seed);
  const net = new FakeNetwork(random, { dropRate: 0.1 + random() * 0.3, onCreate: declareSchema });
  const limiter = createReactionLimiter();
  let clock = 1_000_000;
  let nextPeer = 0;
  const join = () => net.join(`p${nextPeer++}`);
  const peerCount = 2 + Math.floor(random() * 4);
  for (let i = 0; i < peerCount; i++) join();

  for (let tick = 0; tick < 400; tick++) {
    clock += Math.floor(random() * 200);
    const r = random();
    const online = net.onlinePeers();
    const name = net.pick(online);
    const doc = name ? net.docs.get(name) : undefined;
    try {
      if (r < 0.03 || !doc || !name) {
        join();
      } else if (r < 0.06 && online.length > 1) {
        net.leave(name);
      } else if (r < 0.08) {
        const offline = [...net.docs.keys()].filter((p) => !online.includes(p));
        const back = net.pick(offline);
        if (back) net.join(back);
      } else if (r < 0.35) {
        sendChat(doc, { from: name, name: name.toUpperCase(), text: `msg ${tick} from ${name}`, at: clock });
      } else if (r < 0.45) {
        raiseHand(doc, name, clock);
      } else if (r < 0.52) {
        lowerHand(doc, name);
      } else if (r < 0.56) {
        createPoll(doc, { createdBy: name, question: `q${tick}`, options: ['a', 'b', 'c'], at: clock });
      } else if (r < 0.68) {
        const poll = net.pick(readPolls(doc));
        if (poll) vote(doc, poll.id, name, Math.floor(random() * 3));
      } else if (r < 0.75) {
        sendReaction(doc, limiter, name, '👍', clock);
      } else if (r < 0.8 && name === 'p0') {
        const body = random() < 0.5 ? { kind: 'lock' as const, locked: random() < 0.5 } : { kind: 'lobby' as const, enabled: random() < 0.5 };
        publishAction(doc, signAction(room.roomId, room.hostKey, body, { by: name, epoch: 0, now: clock }));
      } else {
        for (let i = 0; i < 5; i++) net.step();
      }
    } catch (err) {
      // Refusals (double vote, reaction rate) are part of the simulation, anything else is a bug.
      if (!(err instanceof RoomStateError)) throw err;
    }
    net.step();
  }
  const converged = net.settle();
  const views = net.onlinePeers().map((p) => JSON.stringify(view(net.docs.get(p) as Y.Doc)));
  return { converged, views, stats: `peers=${net.docs.size} online=${net.onlinePeers().length} delivered=${net.delivered} dropped=${net.dropped}` };
}

function checkSeed(seed: number): void {
  const { converged, views, stats } = simulate(seed);
  expect(converged, `seed ${seed} did not converge (${stats}); replay with ROOM_SIM_SEED=${seed}`).toBe(true);
  for (const v of views) expect(v, `seed ${seed}: validated views differ (${stats})`).toBe(views[0]);
  expect(views.length, `seed ${seed}`).toBeGreaterThan(0);
}

describe('room doc convergence over a lossy, reordering network', () => {
  const fromEnv = process.env.ROOM_SIM_SEED;
  const seeds = fromEnv ? [Number(fromEnv)] : [...PINNED_SEEDS, ...Array.from({ length: RANDOM_RUNS }, () => Math.floor(Math.random() * 2 ** 31))];
  for (const seed of seeds) {
    it(`converges (seed ${seed})`, () => checkSeed(seed));
  }

  it('actually exercises loss, churn and every feature', () => {
    const { views } = simulate(12345);
    const parsed = JSON.parse(views[0] ?? '{}') as ReturnType<typeof view>;
    expect(parsed.chat.length).toBeGreaterThan(10);
    expect(parsed.polls.length).toBeGreaterThan(0);
  });
});
