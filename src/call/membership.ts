/**
 * Who is in the room and who connects to whom: pure, deterministic rules every browser
 * applies to the same facts, so no coordinator is needed and no two peers offer to each
 * other at once (glare).
 */
export interface Member {
  peerId: string;
  joinedAt: number;
}

/** The peer with the smaller id creates the connection and sends the first offer. */
export function isInitiator(myId: string, otherId: string): boolean {
  return myId < otherId;
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
  return new Set([...members].sort(compareMembers).slice(0, max).map((m) => m.peerId));
}
