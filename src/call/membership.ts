/**
 * Who is in the room and who connects to whom: pure, deterministic rules every browser
 * applies to the same facts, so no coordinator is needed and no two peers offer to each
 * other at once (glare).
 */
export interface Member {
  peerId: string;
  joinedAt: number;
}

/**
 * The earlier joiner creates the connection and sends the first offer: a newcomer's
 * announce is answered directly with offers, one relay trip instead of two. Both sides
 * see the same two announced (joinedAt, id) pairs, so exactly one of them initiates.
 */
export function isInitiator(me: Member, other: Member): boolean {
  return compareMembers(me, other) < 0;
}

/** Join order: earliest first; ties (clock skew) broken by id so everyone agrees. */
export function compareMembers(a: Member, b: Member): number {
  return a.joinedAt - b.joinedAt || (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0);
}

/**
 * The members admitted to a mesh of at most `max` people: the first `max` by join order.
 * Everyone computes the same set, so the (max+1)-th person learns the room is full and the
 * others never connect to them.
 */
export function admitted(members: readonly Member[], max: number): Set<string> {
  // Everyone fits: no order needed (a newcomer to a large room calls this once per answer).
  if (members.length <= max) return new Set(members.map((m) => m.peerId));
  return new Set([...members].sort(compareMembers).slice(0, max).map((m) => m.peerId));
}
