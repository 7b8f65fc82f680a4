/**
 * The layout of a room's `Y.Doc`. One doc per room, synced among the call's verified members
 * over their own connections (src/room-state/doc-sync.ts); it lives only in their browsers.
 *
 *   chat        Y.Array<ChatMessage>            group chat, oldest first, ≤ 500
 *   hands       Y.Map<peerId, raisedAt>         raised hands
 *   polls       Y.Map<pollId, Poll>             polls, ≤ 20
 *   votes       Y.Map<"pollId.voterId", index>  one key per voter: a second vote has nowhere to go
 *   reactions   Y.Array<Reaction>               recent reactions, ≤ 50
 *   modlog      Y.Array<SignedAction>           signed moderator actions, ≤ 200 (settings fold from it)
 *   moderators  Y.Map<publicKey, {at}>          moderator public keys (checked against the room id)
 *
 * Values are plain JSON, never nested Y types: a reader validates a value as a whole. A
 * peer may write anything under these names (wrong types, huge strings, floods); every
 * reader in this folder returns only valid entries and never throws.
 * Private chat is deliberately absent: it travels on the pairwise channel (`direct-message.ts`).
 */
export const ROOM_DOC_SCHEMA_VERSION = 1;

export * from './doc-layout';
export * from './room-chat';
export * from './room-hands';
export * from './room-polls';
export * from './room-reactions';
export * from './moderation-log';
export * from './room-settings';
