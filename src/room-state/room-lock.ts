/**
 * "Locked" means no newcomers. Whether *we* are a newcomer depends on when the room was
 * locked, not on our key epoch (a joiner may not have the epoch the lock was made in yet),
 * so this reads the log's host-signed lock actions directly: authenticity only, newest by
 * (time, id) wins, and we are turned away when that lock is on and older than our arrival.
 */
import { verifyAction } from './moderation';
import type { ModeratorAction } from './moderator-action';

export function lockedBeforeJoin(log: readonly unknown[], roomId: string, moderatorKey: Uint8Array | null, joinedAt: number): boolean {
  if (!moderatorKey) return false;
  let newest: (ModeratorAction & { kind: 'lock' }) | null = null;
  for (const entry of log) {
    // Only lock entries are worth a signature check here.
    const body = typeof entry === 'object' && entry !== null ? (entry as { body?: unknown }).body : undefined;
    if (typeof body !== 'string' || !body.includes('"lock"')) continue;
    let action: ModeratorAction;
    try {
      action = verifyAction(roomId, moderatorKey, entry);
    } catch {
      continue;
    }
    if (action.kind !== 'lock') continue;
    if (!newest || action.at > newest.at || (action.at === newest.at && action.id > newest.id)) newest = action;
  }
  return newest !== null && newest.locked && newest.at < joinedAt;
}
