/**
 * Which members of a large room have gone quiet: pure (time is passed in), so the rule is
 * unit-tested. A member counts once its connection has been up (one still being set up is not
 * "quiet"). Three rules keep an overloaded machine from re-planning the tree over and over (seen
 * with 8 pages on 2 cores: 80–380 stall changes per page in two minutes, each one re-linking):
 * - Silence is relative: a member is stalled when the others were heard well after its last
 *   word. When our own page is starved, every member's words arrive late together, so nobody
 *   is flagged; a crashed page is still seen as quickly, since the others keep talking.
 * - The limit follows the room: it is the larger of `stallMs` and 1.5 × the longest gap (a
 *   member silent while others were heard, then heard again) in the last `gapWindowMs`, capped
 *   at `maxStallMs`. Where pages' main threads are starved for seconds at a time, gaps of 2 s
 *   are normal and not a stall; on a machine that keeps up, gaps stay near the ping interval
 *   and the limit at `stallMs`.
 * - Hysteresis: a stalled member stays stalled for a hold time after it is heard again, and the
 *   hold doubles each time the same member stalls again (up to a cap), so a member that flaps
 *   costs a re-plan every few seconds at most, not every ping.
 * - Media speaks for our parents: pings come from a page's main thread, frames are forwarded
 *   by its worker and WebRTC's own threads. A parent whose frames still arrive is slow, not
 *   gone, and is never stalled. A parent whose frames stopped while another parent's kept
 *   coming (relative again: when all stop together, the starved one is us) needs only
 *   `fastStallMs` of ping silence: that is how a crash looks to its children, who are the
 *   ones that must re-attach quickly. Not while another member is down, though: then the
 *   frames may have stopped upstream of that parent, and it gets the usual limit.
 * - The relay's word is quickest: a crashed page's signalling socket closes at once, and the
 *   relay tells the peers it negotiated with (GONE). A member reported gone that has not been
 *   heard since (a word read within `goneConfirmMs` of the report was in flight), and whose
 *   frames (if it is a parent) stopped `goneConfirmMs` ago, is stalled then, without waiting
 *   out a silence. A socket can drop while the page lives, so such a
 *   member heard again is let go at once (no hold): the report was wrong, not the member flaky.
 */
export interface HeardFrom {
  peerId: string;
  everConnected: boolean;
  lastHeardAt: number;
  /** When frames last arrived through this member as our parent, as last seen by a poll; absent: it is not one, or none came. */
  mediaAt?: number;
  /**
   * When the last of those frames came, at the latest (the worker's age of it, counted back
   * from when we asked; mediaAt may be later when our page is starved). The GONE rule reads it.
   */
  frameAt?: number;
  /**
   * When we last asked the worker for those frames (the poll that `frameAt` reflects); absent
   * when it is not our parent. A look asked after the report judges it at once.
   */
  mediaAskedAt?: number;
  /** When the relay reported its signalling socket closed (GONE); absent: no report since it was last heard. */
  goneAt?: number;
}

export interface StallWatchOptions {
  /** Silent this much longer than the freshest member: stalled (the least limit). */
  stallMs: number;
  /** The limit's cap however long the gaps seen. */
  maxStallMs: number;
  /** How far back gaps count towards the limit. */
  gapWindowMs: number;
  /** How long a stalled member stays stalled after it is heard again (first time). */
  holdMs: number;
  /** The hold's cap after repeated stalls. */
  maxHoldMs: number;
  /** A parent whose frames arrived this recently is alive, whatever its pings say. */
  mediaFreshMs: number;
  /** A parent whose frames stopped less than this ago (after `mediaFreshMs`) is judged by `fastStallMs`. */
  mediaMemoryMs: number;
  /** The silence that stalls a parent whose frames stopped. */
  fastStallMs: number;
  /** How long after a GONE report nothing must be heard, and no frames come, before it stalls the member. */
  goneConfirmMs: number;
}

interface Flag {
  /** When it counts as recovered, if it keeps talking. */
  until: number;
  /** How many times it has stalled (the hold doubles with each). */
  times: number;
  stalled: boolean;
  /** Stalled on the relay's report alone: heard again, it is let go at once. */
  onReport: boolean;
}

/** The limit is this many times the longest recent gap (when that is above `stallMs`). */
const GAP_FACTOR = 1.5;

export class StallWatch {
  private readonly flags = new Map<string, Flag>();
  /** Members behind the freshest one: since their last word, and the longest lag seen. */
  private readonly silence = new Map<string, { since: number; longest: number }>();
  /** Recent gaps (a member's lag behind the others, once it was heard again): when, and how long. */
  private gaps: { at: number; ms: number }[] = [];
  /** Members flagged so far, by what gave them away (debug: churn). */
  readonly stalls = { silent: 0, 'frames-stopped': 0, 'relay-gone': 0 };

  /** `stallMs` and `maxStallMs` now: the options', or what `pace` set for the room's size. */
  private floor: { stallMs: number; maxStallMs: number };

  constructor(private readonly o: StallWatchOptions) {
    this.floor = { stallMs: o.stallMs, maxStallMs: o.maxStallMs };
  }

  /**
   * A large room's beat slowed down (src/tree/beat-pace.ts): its silences are longer, and the
   * limits follow (never below the options').
   */
  pace(stallMs: number, maxStallMs: number): void {
    this.floor = { stallMs: Math.max(this.o.stallMs, stallMs), maxStallMs: Math.max(this.o.maxStallMs, maxStallMs) };
  }

  /**
   * Under strain: a member was heard again after a gap long enough to raise the limit (its
   * page, or ours, was starved) within `gapWindowMs`. The limit is then above `stallMs`.
   */
  strained(now: number): boolean {
    return this.limit(now) > this.floor.stallMs;
  }

  /** The silence that counts as a stall now (see the file's comment). */
  limit(now: number): number {
    this.gaps = this.gaps.filter((g) => now - g.at <= this.o.gapWindowMs);
    const longest = Math.max(0, ...this.gaps.map((g) => g.ms));
    return Math.min(this.floor.maxStallMs, Math.max(this.floor.stallMs, GAP_FACTOR * longest));
  }

  /**
   * Is `p` silent enough to stall, `lag` behind the freshest member (see the file's comment)?
   * `othersDown`: another member is stalled or reported gone, which may be why frames through
   * `p` stopped (it forwarded them from that member), so the short limit does not apply.
   */
  private silent(p: HeardFrom, lag: number, limit: number, now: number, freshestMedia: number, othersDown: boolean): boolean {
    if (p.mediaAt !== undefined) {
      if (now - p.mediaAt < this.o.mediaFreshMs) return false;
      const stoppedAlone = freshestMedia - p.mediaAt > this.o.mediaFreshMs;
      if (stoppedAlone && !othersDown && now - p.mediaAt < this.o.mediaMemoryMs) return lag > this.o.fastStallMs;
    }
    return lag > limit;
  }

  /**
   * Reported gone by the relay, and nothing since: no word, and no frames for `goneConfirmMs`.
   * A word read less than `goneConfirmMs` after the report was in flight before it (sent
   * before the crash, read late by a busy page) and does not count.
   *
   * A parent's frames are judged by a look at the worker asked after the report, as soon as
   * there is one (the call asks at the report): stalled if by then none had come for
   * `goneConfirmMs`. A crash is reported 0.25–0.3 s after it (eight-page test), so its orphans
   * need not wait. Frames seen still coming by that look keep it, until a later look. Before
   * such a look, and for a member that is not our parent, the report counts `goneConfirmMs`
   * after it came if nothing came meanwhile.
   */
  private reportedGone(p: HeardFrom, now: number): boolean {
    const margin = this.o.goneConfirmMs;
    if (p.goneAt === undefined || p.lastHeardAt > p.goneAt + margin) return false;
    const frames = p.frameAt ?? p.mediaAt;
    if (p.mediaAskedAt !== undefined && p.mediaAskedAt >= p.goneAt) return frames === undefined || p.mediaAskedAt - frames >= margin;
    if (now - p.goneAt < margin) return false;
    return frames === undefined || now - frames >= margin;
  }

  /** The stalled members now. */
  check(peers: readonly HeardFrom[], now: number): Set<string> {
    const live = peers.filter((p) => p.everConnected);
    const freshest = Math.max(-Infinity, ...live.map((p) => p.lastHeardAt));
    for (const p of live) {
      // A member's gap is how long it was silent while others were heard: when our own page is
      // starved, everyone's words are late together, and that is no gap of theirs.
      const silence = Math.max(0, freshest - p.lastHeardAt);
      const open = this.silence.get(p.peerId);
      if (open !== undefined && p.lastHeardAt > open.since) {
        if (open.longest <= this.floor.maxStallMs) this.gaps.push({ at: now, ms: open.longest });
        this.silence.delete(p.peerId);
      }
      if (silence > 0) {
        const cur = this.silence.get(p.peerId);
        this.silence.set(p.peerId, { since: p.lastHeardAt, longest: Math.max(cur?.longest ?? 0, silence) });
      }
    }
    const limit = this.limit(now);
    const freshestMedia = Math.max(-Infinity, ...live.map((p) => p.mediaAt ?? -Infinity));
    // Members already down (stalled, or reported gone and not heard since). A forwarder whose
    // own parent crashed stops passing frames at once and, busy with the repair, answers pings
    // late: in the eight-page test its children flagged it with the crashed page, held it
    // stalled for 6 s, planned it as a leaf while the others did not, and one child decoded
    // again only after 15 s. A crash is seen by the relay's report in any case.
    const down = new Set(live.filter((p) => p.goneAt !== undefined || this.flags.get(p.peerId)?.stalled === true).map((p) => p.peerId));
    const out = new Set<string>();
    for (const p of live) {
      const othersDown = down.size > (down.has(p.peerId) ? 1 : 0);
      const silent = this.silent(p, freshest - p.lastHeardAt, limit, now, freshestMedia, othersDown);
      const gone = !silent && this.reportedGone(p, now);
      const flag = this.flags.get(p.peerId);
      if (silent || gone) {
        if (!flag?.stalled) {
          this.stalls[gone ? 'relay-gone' : p.mediaAt !== undefined && freshestMedia - p.mediaAt > this.o.mediaFreshMs ? 'frames-stopped' : 'silent']++;
          const times = (flag?.times ?? 0) + (gone ? 0 : 1);
          this.flags.set(p.peerId, { stalled: true, times, until: Infinity, onReport: gone });
        } else if (silent && flag.onReport) {
          // Silent by the usual rule as well: from now on it is held like any stalled member.
          flag.onReport = false;
          flag.times++;
        }
        out.add(p.peerId);
        continue;
      }
      if (!flag?.stalled) continue;
      if (flag.onReport) {
        flag.stalled = false;
        continue;
      }
      // Heard again: the hold starts now, unless it already started.
      if (flag.until === Infinity) flag.until = now + Math.min(this.o.maxHoldMs, this.o.holdMs * 2 ** (flag.times - 1));
      if (now < flag.until) out.add(p.peerId);
      else flag.stalled = false;
    }
    const ids = new Set(peers.map((p) => p.peerId));
    for (const id of this.flags.keys()) if (!ids.has(id)) this.flags.delete(id);
    for (const id of this.silence.keys()) if (!ids.has(id)) this.silence.delete(id);
    return out;
  }
}

export function sameMembers(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((id) => b.has(id));
}
