/**
 * Every bound of the shared document in one place. Readers enforce them on what peers
 * wrote (a peer may be hostile); writers enforce them on what we write.
 */
export const ROOM_LIMITS = {
  /** Peer ids are the mesh ids (base64url-ish tokens); anything longer is not one of ours. */
  peerIdChars: 64,
  /** Display names: `sanitizeDisplayName` caps them at 64. */
  nameChars: 64,
  /** Message, reaction and poll ids. */
  idChars: 32,
  chatTextChars: 2000,
  /** History kept in the doc; writers trim the oldest beyond it, readers never show more. */
  chatHistory: 500,
  /** A room is a mesh of a handful of people; more hands than this is garbage. */
  hands: 200,
  pollQuestionChars: 200,
  pollOptionChars: 100,
  pollMinOptions: 2,
  pollMaxOptions: 10,
  polls: 20,
  /** Votes counted per poll (the rest is ignored). */
  votesPerPoll: 1000,
  /** Recent reactions kept in the doc (they are transient: late joiners need none). */
  reactionHistory: 50,
  /** Reaction rate per sender: a token bucket. */
  reactionsPerSecond: 3,
  reactionBurst: 5,
  /** Moderator-action log entries kept in the doc. */
  moderationLog: 200,
  /** Largest serialized moderator action we even try to verify. */
  actionChars: 2048,
} as const;
