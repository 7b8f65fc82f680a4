import { describe, expect, it } from 'vitest';
import { createHostedRoom } from '../../../src/room-state/host-key';
import { signAction } from '../../../src/room-state/moderation';
import { lockedBeforeJoin } from '../../../src/room-state/room-lock';

describe('lockedBeforeJoin', () => {
  const room = createHostedRoom();
  const lock = (locked: boolean, at: number, key = room.hostKey) => signAction(room.roomId, key, { kind: 'lock', locked }, { by: 'host', epoch: 3, now: at });

  it('turns away whoever arrives after a lock, whatever their epoch', () => {
    expect(lockedBeforeJoin([lock(true, 1000)], room.roomId, room.hostKey.publicKey, 2000)).toBe(true);
    expect(lockedBeforeJoin([lock(true, 3000)], room.roomId, room.hostKey.publicKey, 2000)).toBe(false);
  });

  it('the newest lock action wins, unlock included', () => {
    expect(lockedBeforeJoin([lock(true, 1000), lock(false, 1500)], room.roomId, room.hostKey.publicKey, 2000)).toBe(false);
    expect(lockedBeforeJoin([lock(false, 1500), lock(true, 1600)], room.roomId, room.hostKey.publicKey, 2000)).toBe(true);
  });

  it('ignores forged locks and rooms without a moderator key', () => {
    const forger = createHostedRoom().hostKey;
    expect(lockedBeforeJoin([lock(true, 1000, forger)], room.roomId, room.hostKey.publicKey, 2000)).toBe(false);
    expect(lockedBeforeJoin([{ auth: 'ed25519', body: '{"kind":"lock"}', sig: 'x' }, 'junk', null], room.roomId, room.hostKey.publicKey, 2000)).toBe(false);
    expect(lockedBeforeJoin([lock(true, 1000)], room.roomId, null, 2000)).toBe(false);
  });
});
