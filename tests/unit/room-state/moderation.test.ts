import { describe, expect, it } from 'vitest';
import { randomKey } from '../../../src/e2ee/room-keys';
import { createHostedRoom, deriveRoomId, hostKeyFromParam, hostKeyToParam, verifyModeratorKey } from '../../../src/room-state/host-key';
import { ActionVerifier, macAction, moderationAuthKey, signAction, verifyAction } from '../../../src/room-state/moderation';
import { ModerationState } from '../../../src/room-state/moderation-state';
import type { SignedAction } from '../../../src/room-state/moderator-action';
import { RoomStateError } from '../../../src/room-state/room-state-error';

const NOW = 1_700_000_000_000;
const ctx = { by: 'host', epoch: 0, now: NOW };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof RoomStateError) return err.code;
    throw err;
  }
  return undefined;
}

describe('hosted rooms', () => {
  it('derives the room id from the moderator key', () => {
    const { roomId, hostKey, secret } = createHostedRoom();
    expect(roomId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(deriveRoomId(hostKey.publicKey)).toBe(roomId);
    expect(verifyModeratorKey(roomId, hostKey.publicKey)).toBe(true);
    expect(verifyModeratorKey(roomId, createHostedRoom().hostKey.publicKey)).toBe(false);
    expect(verifyModeratorKey(roomId, new Uint8Array(5))).toBe(false);
  });

  it('round-trips the host key through the link and refuses another room’s', () => {
    const a = createHostedRoom();
    const b = createHostedRoom();
    expect(hostKeyFromParam(hostKeyToParam(a.hostKey), a.roomId).publicKey).toEqual(a.hostKey.publicKey);
    expect(code(() => hostKeyFromParam(hostKeyToParam(a.hostKey), b.roomId))).toBe('wrong-moderator-key');
    expect(code(() => hostKeyFromParam('short', a.roomId))).toBe('invalid-key');
  });
});

describe('signed moderator actions', () => {
  const room = createHostedRoom();

  it('verifies a host-signed action', () => {
    const signed = signAction(room.roomId, room.hostKey, { kind: 'mute', target: 'bob', media: 'audio' }, ctx);
    expect(verifyAction(room.roomId, room.hostKey.publicKey, signed)).toMatchObject({ kind: 'mute', target: 'bob', media: 'audio', by: 'host', at: NOW });
  });

  it('rejects forgeries: another key, a tampered body, another room, a wrong key claim', () => {
    const guest = createHostedRoom(); // a guest with a key of its own
    const forged = signAction(room.roomId, guest.hostKey, { kind: 'remove', target: 'alice' }, ctx);
    expect(code(() => verifyAction(room.roomId, room.hostKey.publicKey, forged))).toBe('forged-action');

    const real = signAction(room.roomId, room.hostKey, { kind: 'remove', target: 'mallory' }, ctx);
    const tampered: SignedAction = { ...real, body: real.body.replace('mallory', 'alice') };
    expect(code(() => verifyAction(room.roomId, room.hostKey.publicKey, tampered))).toBe('forged-action');

    const other = createHostedRoom();
    expect(code(() => verifyAction(other.roomId, room.hostKey.publicKey, real))).toBe('wrong-moderator-key');
    expect(code(() => verifyAction(room.roomId, guest.hostKey.publicKey, forged))).toBe('wrong-moderator-key');
    expect(code(() => verifyAction(room.roomId, room.hostKey.publicKey, { auth: 'ed25519', body: '{', sig: 'AA' }))).toBe('forged-action');
    expect(code(() => verifyAction(room.roomId, room.hostKey.publicKey, 'junk'))).toBe('invalid-message');
  });

  it('lets members act with the epoch MAC only when everyone moderates', () => {
    const epochKey = randomKey();
    const authKey = moderationAuthKey(epochKey);
    const byGuest = macAction(room.roomId, authKey, { kind: 'mute-everyone', media: 'audio' }, { ...ctx, by: 'guest' });
    const keys = { authKeyForEpoch: (e: number) => (e === 0 ? authKey : null) };
    expect(code(() => verifyAction(room.roomId, room.hostKey.publicKey, byGuest, keys))).toBe('not-moderator');
    expect(verifyAction(room.roomId, room.hostKey.publicKey, byGuest, { ...keys, everyoneModerator: true }).kind).toBe('mute-everyone');
    // A room without a host key is in controller mode from the start.
    expect(verifyAction(room.roomId, null, byGuest, keys).kind).toBe('mute-everyone');
    // A removed member holds only the old epoch key.
    const stale = macAction(room.roomId, moderationAuthKey(randomKey()), { kind: 'remove', target: 'x' }, { ...ctx, by: 'removed' });
    expect(code(() => verifyAction(room.roomId, null, stale, keys))).toBe('forged-action');
    // Only the host may switch the mode.
    expect(code(() => macAction(room.roomId, authKey, { kind: 'everyone-moderator', enabled: true }, ctx))).toBe('not-moderator');
  });

  it('refuses replays, future actions and newer epochs; old ones fire nothing', () => {
    const verifier = new ActionVerifier({ roomId: room.roomId, moderatorKey: room.hostKey.publicKey });
    const state = { now: NOW, epoch: 1, everyoneModerator: false };
    const remove = signAction(room.roomId, room.hostKey, { kind: 'remove', target: 'bob' }, { ...ctx, epoch: 1 });
    expect(verifier.accept(remove, state)).toMatchObject({ live: true });
    expect(code(() => verifier.accept(remove, state))).toBe('replayed-action');

    const future = signAction(room.roomId, room.hostKey, { kind: 'remove', target: 'bob' }, { ...ctx, epoch: 1, now: NOW + 120_000 });
    expect(code(() => verifier.accept(future, state))).toBe('stale-action');
    const ahead = signAction(room.roomId, room.hostKey, { kind: 'remove', target: 'bob' }, { ...ctx, epoch: 2 });
    expect(code(() => verifier.accept(ahead, state))).toBe('stale-action');

    const oldEpoch = signAction(room.roomId, room.hostKey, { kind: 'mute', target: 'bob', media: 'video' }, { ...ctx, epoch: 0 });
    expect(verifier.accept(oldEpoch, state)).toMatchObject({ live: false });
    const oldTime = signAction(room.roomId, room.hostKey, { kind: 'mute', target: 'bob', media: 'video' }, { ...ctx, epoch: 1, now: NOW - 120_000 });
    expect(verifier.accept(oldTime, state)).toMatchObject({ live: false });
  });
});

describe('ModerationState', () => {
  const room = createHostedRoom();
  const authKey = moderationAuthKey(randomKey());
  const options = { roomId: room.roomId, moderatorKey: room.hostKey.publicKey, authKeyForEpoch: () => authKey };

  it('folds settings from verified actions only, newest first, and reports effects once', () => {
    const state = new ModerationState(options);
    const log: unknown[] = [
      signAction(room.roomId, room.hostKey, { kind: 'lock', locked: true }, { ...ctx, now: NOW - 10 }),
      signAction(room.roomId, createHostedRoom().hostKey, { kind: 'lock', locked: false }, { ...ctx, now: NOW }), // forged
      macAction(room.roomId, authKey, { kind: 'remove', target: 'alice' }, { ...ctx, by: 'guest' }), // not a moderator yet
      signAction(room.roomId, room.hostKey, { kind: 'set-layout', layout: 'stage', pinned: 'host' }, ctx),
      signAction(room.roomId, room.hostKey, { kind: 'mute', target: 'bob', media: 'audio' }, ctx),
    ];
    const first = state.ingest(log, { now: NOW, epoch: 0 });
    expect(first.settings).toEqual({ locked: true, lobby: false, everyoneModerator: false, followLayout: { layout: 'stage', pinned: 'host', by: 'host' } });
    expect(first.effects.map((a) => a.kind)).toEqual(['mute']);
    expect(first.rejected.map((e) => e.code)).toEqual(['forged-action', 'not-moderator']);
    // Re-reading the same log is free: no effect fires twice.
    expect(state.ingest(log, { now: NOW, epoch: 0 }).effects).toEqual([]);

    // An older "unlock" arriving later does not win over the newer "lock".
    const older = signAction(room.roomId, room.hostKey, { kind: 'lock', locked: false }, { ...ctx, now: NOW - 1000 });
    expect(state.ingest([older], { now: NOW, epoch: 0 }).settings.locked).toBe(true);

    // Once the host lets everyone moderate, a member's MAC'd action counts.
    const open = signAction(room.roomId, room.hostKey, { kind: 'everyone-moderator', enabled: true }, ctx);
    const memberMute = macAction(room.roomId, authKey, { kind: 'mute', target: 'carol', media: 'audio' }, { ...ctx, by: 'guest' });
    const result = state.ingest([open, memberMute], { now: NOW, epoch: 0 });
    expect(result.settings.everyoneModerator).toBe(true);
    expect(result.effects.map((a) => a.kind)).toEqual(['mute']);
    expect(state.canModerate(false)).toBe(true);
  });
});
