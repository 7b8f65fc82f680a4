/**
 * Which media epoch we hold and who else should hold it: the pure rules behind epoch
 * hand-outs, so every member converges on one key even when its own view of the room
 * differs from the leader's (a connection to the leader still pending, two members each
 * believing they lead for a moment). The trust keeper does the I/O.
 *
 * An epoch is identified by (number, minter). Two minters can pick the same number while
 * their views differ; without a rule the room splits into two keys for one epoch and every
 * frame across the split fails its tag (seen in an eight-page tree room on two cores). The
 * order below is total, so the newest identity wins everywhere: a higher number, or the same
 * number from the smaller minter id.
 *
 * Hand-outs spread by gossip: a member tells its verified peers which epoch it holds (in its
 * pings), and whoever holds a newer one seals it to a peer that lacks it, if the minter listed
 * that peer as a recipient. The minter's list, not the relayer's view, decides: someone the
 * leader removed or saw leave never gets the key from a member who has not noticed yet.
 */
import { compareMembers, type Member } from './membership';

export interface EpochId {
  epoch: number;
  /** Who drew the key ('' for epoch 0: the link's key, nobody's). */
  minter: string;
}

export const LINK_EPOCH: EpochId = { epoch: 0, minter: '' };

/** > 0 when `a` is newer than `b`. Same number: the smaller minter id is newer. */
export function compareEpochIds(a: EpochId, b: EpochId): number {
  if (a.epoch !== b.epoch) return a.epoch - b.epoch;
  if (a.minter === b.minter) return 0;
  return a.minter < b.minter ? 1 : -1;
}

/**
 * The member that mints epochs: the earliest joiner among us and those we could still hear
 * from (verified, or whose proof is still pending). A pending earlier member is waited for
 * rather than overruled: minting around it split the room whenever a connection was slow.
 */
export function electLeader(me: Member, candidates: readonly Member[]): Member {
  let leader = me;
  for (const m of candidates) if (compareMembers(m, leader) < 0) leader = m;
  return leader;
}

/**
 * After adopting someone else's epoch: do we mint again? Only the leader, and only for a later
 * joiner's epoch (its view lacked us for a while), so the room moves to a key drawn for the
 * leader's view. An unknown or earlier minter never triggers it: two members each rekeying
 * after the other's epoch would never stop.
 */
export function rekeyAfterAdopting(me: Member, minter: Member | undefined, leading: boolean): boolean {
  return leading && minter !== undefined && compareMembers(me, minter) < 0;
}

/** A peer is offered our epoch again at most this often (its pings may cross our hand-out). */
export const RELAY_AGAIN_MS = 3000;

export class EpochBook {
  private id: EpochId = LINK_EPOCH;
  private recipients: ReadonlySet<string> = new Set();
  /** Peer → (identity offered, when): at most one offer per identity per RELAY_AGAIN_MS. */
  private readonly offered = new Map<string, { id: EpochId; at: number }>();

  constructor(private readonly myId: string) {}

  get current(): EpochId {
    return this.id;
  }

  /** Recipients the current epoch's minter listed (empty for the link's epoch); a fresh copy. */
  get to(): string[] {
    return [...this.recipients];
  }

  /** Would a hand-out of `id` move us forward? (Checked before opening it, and again after.) */
  accepts(id: EpochId): boolean {
    return compareEpochIds(id, this.id) > 0;
  }

  /** The identity our next own epoch gets: one past the number we hold. */
  nextOwn(): EpochId {
    return { epoch: this.id.epoch + 1, minter: this.myId };
  }

  /** Records a newly installed epoch and its minter's recipient list. */
  adopt(id: EpochId, recipients: readonly string[]): void {
    if (!this.accepts(id)) return;
    this.id = { ...id };
    this.recipients = new Set(recipients);
  }

  /**
   * A verified peer reported the epoch it holds: should we seal ours to it? Only when ours is
   * newer, the minter meant it for that peer, and we have not just offered the same one.
   */
  shouldOffer(peerId: string, theirs: EpochId, now: number): boolean {
    if (compareEpochIds(this.id, theirs) <= 0 || !this.recipients.has(peerId)) return false;
    const last = this.offered.get(peerId);
    if (last && compareEpochIds(last.id, this.id) === 0 && now - last.at < RELAY_AGAIN_MS) return false;
    this.offered.set(peerId, { id: this.id, at: now });
    return true;
  }

  /** Marks a direct hand-out (the minter's own), so a crossing ping does not repeat it. */
  noteOffered(peerId: string, id: EpochId, now: number): void {
    this.offered.set(peerId, { id: { ...id }, at: now });
  }

  forget(peerId: string): void {
    this.offered.delete(peerId);
  }
}
