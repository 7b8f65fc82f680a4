/** Names and accessors of the room doc's shared types (see `room-doc-schema.ts` for the layout). */
import type * as Y from 'yjs';

export const DOC_KEYS = {
  chat: 'chat',
  hands: 'hands',
  polls: 'polls',
  votes: 'votes',
  reactions: 'reactions',
  modlog: 'modlog',
  moderators: 'moderators',
} as const;

export const chatArray = (doc: Y.Doc): Y.Array<unknown> => doc.getArray<unknown>(DOC_KEYS.chat);
export const handsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>(DOC_KEYS.hands);
export const pollsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>(DOC_KEYS.polls);
export const votesMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>(DOC_KEYS.votes);
export const reactionsArray = (doc: Y.Doc): Y.Array<unknown> => doc.getArray<unknown>(DOC_KEYS.reactions);
export const modlogArray = (doc: Y.Doc): Y.Array<unknown> => doc.getArray<unknown>(DOC_KEYS.modlog);
export const moderatorsMap = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>(DOC_KEYS.moderators);

/** Keeps the last `max` entries of an array the writer just appended to. */
export function trimOldest(array: Y.Array<unknown>, max: number): void {
  const excess = array.length - max;
  // Concurrent trims by two peers delete the same items by id: deletes are idempotent.
  if (excess > 0) array.delete(0, excess);
}

/** The last `scan` raw entries: bounds the work a flood of garbage can cause a reader. */
export function tail(array: Y.Array<unknown>, scan: number): unknown[] {
  const length = array.length;
  return array.slice(Math.max(0, length - scan), length);
}
