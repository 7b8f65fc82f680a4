import { describe, expect, it } from 'vitest';
import { createHostedRoom } from '../../../src/room-state/host-key';
import type { Knock } from '../../../src/room-state/lobby';
import { admitGuest, createKnock, denyGuest, lobbyTopic, openKnock, parseLobbyMessage, readAnswer } from '../../../src/room-state/lobby';
import { RoomStateError } from '../../../src/room-state/room-state-error';

async function code(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof RoomStateError) return err.code;
    throw err;
  }
  return undefined;
}

/** Every message crosses the lobby topic as JSON and is validated on the way in. */
const wire = <T>(m: T) => parseLobbyMessage(JSON.parse(JSON.stringify(m)));

describe('lobby', () => {
  const room = createHostedRoom();

  it('knock → admit: the guest gets the room secret', async () => {
    const { knock, pending } = await createKnock(room.roomId, room.hostKey.publicKey, '  Zoë\u0007 Guest ');
    const received = wire(knock);
    if (received.type !== 'knock') throw new Error('expected a knock');
    const opened = await openKnock(room.roomId, room.hostKey, received);
    expect(opened.name).toBe('Zoë Guest');
    const answer = wire(await admitGuest(room.roomId, room.hostKey, opened, room.secret));
    if (answer.type === 'knock') throw new Error('expected an answer');
    expect(await readAnswer(pending, answer)).toEqual({ kind: 'admitted', secret: room.secret });
  });

  it('knock → deny', async () => {
    const { knock, pending } = await createKnock(room.roomId, room.hostKey.publicKey, 'Guest');
    const answer = denyGuest(room.roomId, room.hostKey, await openKnock(room.roomId, room.hostKey, knock));
    expect(await readAnswer(pending, answer)).toEqual({ kind: 'denied' });
  });

  it('ignores answers to other knocks', async () => {
    const a = await createKnock(room.roomId, room.hostKey.publicKey, 'A');
    const b = await createKnock(room.roomId, room.hostKey.publicKey, 'B');
    const answerToB = await admitGuest(room.roomId, room.hostKey, await openKnock(room.roomId, room.hostKey, b.knock), room.secret);
    expect(await readAnswer(a.pending, answerToB)).toBeNull();
  });

  it('refuses forged and tampered answers', async () => {
    const { knock, pending } = await createKnock(room.roomId, room.hostKey.publicKey, 'Guest');
    const opened = await openKnock(room.roomId, room.hostKey, knock);
    const impostor = createHostedRoom();
    // Someone on the topic (or the relay) seals their own secret and signs with their own key.
    const forged = await admitGuest(room.roomId, impostor.hostKey, opened, impostor.secret);
    expect(await code(() => readAnswer(pending, forged))).toBe('lobby-auth-failed');
    const forgedDeny = denyGuest(room.roomId, impostor.hostKey, opened);
    expect(await code(() => readAnswer(pending, forgedDeny))).toBe('lobby-auth-failed');
    // A real admit turned into a deny (or re-sealed) no longer verifies.
    const real = await admitGuest(room.roomId, room.hostKey, opened, room.secret);
    expect(await code(() => readAnswer(pending, { type: 'deny', v: 1, knockId: real.knockId, sig: real.sig }))).toBe('lobby-auth-failed');
    const resealed = await admitGuest(room.roomId, impostor.hostKey, opened, 'AAAAAAAAAAAAAAAAAAAAAA');
    expect(await code(() => readAnswer(pending, { ...real, sealed: resealed.sealed }))).toBe('lobby-auth-failed');
  });

  it('refuses knocks not sealed to this room, and tampered knocks', async () => {
    const other = createHostedRoom();
    const { knock } = await createKnock(other.roomId, other.hostKey.publicKey, 'Guest');
    expect(await code(() => openKnock(room.roomId, room.hostKey, { ...knock }))).toBe('lobby-auth-failed');
    const mine = (await createKnock(room.roomId, room.hostKey.publicKey, 'Guest')).knock;
    const swapped: Knock = { ...mine, guestKey: (await createKnock(room.roomId, room.hostKey.publicKey, 'X')).knock.guestKey };
    expect(await code(() => openKnock(room.roomId, room.hostKey, swapped))).toBe('lobby-auth-failed');
    expect(await code(() => createKnock(room.roomId, other.hostKey.publicKey, 'Guest'))).toBe('wrong-moderator-key');
    expect(await code(() => createKnock(room.roomId, room.hostKey.publicKey, '   '))).toBe('invalid-input');
  });

  it('validates messages from the topic', async () => {
    for (const bad of [null, 'knock', { type: 'knock', v: 1 }, { type: 'admit', v: 1, knockId: 'a', sealed: 'x' }, { type: 'hello', v: 1, knockId: 'a' }, { type: 'deny', v: 2, knockId: 'a', sig: 'x' }]) {
      expect(await code(() => parseLobbyMessage(bad))).toBe('invalid-message');
    }
  });

  it('leaks no name length: knocks (and admits) have a fixed size', async () => {
    const short = (await createKnock(room.roomId, room.hostKey.publicKey, 'Al')).knock;
    const long = (await createKnock(room.roomId, room.hostKey.publicKey, 'A'.repeat(64))).knock;
    expect(short.sealed.length).toBe(long.sealed.length);
  });

  it('has a topic that is a hash of the room id', async () => {
    const topic = await lobbyTopic(room.roomId);
    expect(topic).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(topic).not.toContain(room.roomId);
    expect(await lobbyTopic(createHostedRoom().roomId)).not.toBe(topic);
  });
});
