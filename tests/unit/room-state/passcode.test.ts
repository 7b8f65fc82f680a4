import { describe, expect, it } from 'vitest';
import { createRoom } from '../../../src/room/room-link';
import { deriveRoomKey } from '../../../src/e2ee/room-keys';
import { derivePasscodeKeys, PASSCODE_ITERATIONS, unlockWithPasscode } from '../../../src/room-state/passcode';
import { RoomStateError } from '../../../src/room-state/room-state-error';

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RoomStateError) return err.code;
    throw err;
  }
  return undefined;
}

describe('passcode', () => {
  const { roomId, secret } = createRoom();

  it('the right passcode yields the effective secret; a wrong one says so before joining', async () => {
    expect(PASSCODE_ITERATIONS).toBeGreaterThanOrEqual(100_000);
    const keys = await derivePasscodeKeys(roomId, secret, 'blue moon 42');
    expect(keys.effectiveSecret).not.toBe(secret);
    expect(deriveRoomKey(keys.effectiveSecret)).not.toEqual(deriveRoomKey(secret)); // mixed into the E2EE keys
    expect(await unlockWithPasscode(roomId, secret, ' blue moon 42 ', keys.check)).toBe(keys.effectiveSecret);
    expect(await code(unlockWithPasscode(roomId, secret, 'blue moon 43', keys.check))).toBe('wrong-passcode');
    expect(await code(unlockWithPasscode(roomId, secret, '', keys.check))).toBe('wrong-passcode');
  });

  it('binds the passcode to the room and the secret', async () => {
    const keys = await derivePasscodeKeys(roomId, secret, 'pw', 1000);
    const other = createRoom();
    expect(await code(unlockWithPasscode(other.roomId, secret, 'pw', keys.check, 1000))).toBe('wrong-passcode');
    expect(await code(unlockWithPasscode(roomId, other.secret, 'pw', keys.check, 1000))).toBe('wrong-passcode');
    expect(await code(unlockWithPasscode(roomId, secret, 'pw', 'damaged', 1000))).toBe('invalid-input');
  });

  it('normalises Unicode so the same passcode typed differently still works', async () => {
    const keys = await derivePasscodeKeys(roomId, secret, 'caf\u00e9', 1000);
    expect(await unlockWithPasscode(roomId, secret, 'cafe\u0301', keys.check, 1000)).toBe(keys.effectiveSecret);
  });
});
