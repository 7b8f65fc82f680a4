/**
 * When a re-plan moves a source to another parent, a link that works stays a while before it
 * moves. Pure (time is passed in), so the rule is unit-tested.
 *
 * Every page plans the tree afresh from what it knows, so one member judged stalled, or
 * heard again, can move links all over the room, including links that deliver frames and
 * have nothing to do with that member. On two loaded cores that flapping was most of the
 * links a page opened: in one CI run two of eight pages opened 34 and 35 links while the room
 * formed, each one a new connection that loads the machine further. A judgement that flips
 * back within `holdMs` now costs no connection at all; a plan that still wants the move after
 * `holdMs` gets it.
 *
 * Only healthy links wait (`linkHealthy`): frames arriving through their parent, or still young
 * enough to be setting up, and the parent not stalled. A link whose parent's frames stopped
 * moves at once, so a repair is as quick as before, and it makes fewer connections at the same
 * moment: the orphan's other links, and everyone else's, stay where they are.
 */
import type { HeldLink, LinkDiff } from './call-plan';

export interface HeldLinkState extends HeldLink {
  /** See `linkHealthy`. */
  healthy: boolean;
}

export interface LinkHealth {
  parentStalled: boolean;
  state: RTCPeerConnectionState | 'opening';
  openedAt: number;
  /** When frames last came through its parent (undefined: none yet). */
  mediaAt: number | undefined;
}

/** Frames through a parent this recent: its links are healthy. */
export const HEALTHY_MEDIA_MS = 1000;
/**
 * A link this young that has not delivered yet is still setting up, not broken: on two loaded
 * cores a link took up to 4 s to connect and its first frame came after that. Moving it would
 * close a connection about to work and ask the next parent for one more.
 */
export const NEW_LINK_GRACE_MS = 5000;

/**
 * May this link wait for a move? Its parent is not stalled and it is not failing, and its frames
 * arrive or it is still young enough to be setting up.
 */
export function linkHealthy(h: LinkHealth, now: number): boolean {
  if (h.parentStalled || h.state === 'failed' || h.state === 'closed' || h.state === 'disconnected') return false;
  if (h.mediaAt !== undefined && now - h.mediaAt < HEALTHY_MEDIA_MS) return true;
  return now - h.openedAt < NEW_LINK_GRACE_MS;
}

export interface HeldDiff<K> extends LinkDiff<K> {
  /** When a held move is due (call again then), or null when nothing waits. */
  recheckAt: number | null;
  /** Sources whose move started waiting with this call. */
  started: string[];
}

export class MoveHold {
  /** Source → when the plan first wanted it from another parent while its link was healthy. */
  private readonly since = new Map<string, number>();

  constructor(private readonly holdMs: number) {}

  /** Sources whose move waits now. */
  waiting(): string[] {
    return [...this.since.keys()];
  }

  /** The part of the plan's `diff` to carry out now; the rest waits (see the file's comment). */
  apply<K>(diff: LinkDiff<K>, held: ReadonlyMap<K, HeldLinkState>, now: number): HeldDiff<K> {
    const closing = new Map<string, K>();
    for (const key of diff.close) {
      const link = held.get(key);
      // One healthy link per source can wait; the video flag must not change (last N moved).
      if (link?.healthy && !closing.has(link.source)) closing.set(link.source, key);
    }
    const keep = new Set<K>();
    const open: HeldLink[] = [];
    const waiting = new Set<string>();
    let recheckAt: number | null = null;
    const started: string[] = [];
    for (const want of diff.open) {
      const key = closing.get(want.source);
      const link = key === undefined ? undefined : held.get(key);
      if (key === undefined || !link || (link.video ?? true) !== (want.video ?? true)) {
        open.push(want);
        continue;
      }
      const since = this.since.get(want.source) ?? now;
      if (now - since >= this.holdMs) {
        open.push(want);
        continue;
      }
      if (!this.since.has(want.source)) started.push(want.source);
      this.since.set(want.source, since);
      waiting.add(want.source);
      keep.add(key);
      recheckAt = Math.min(recheckAt ?? Infinity, since + this.holdMs);
    }
    // A move the plan no longer wants (or that is being made now) starts afresh next time.
    for (const source of [...this.since.keys()]) if (!waiting.has(source)) this.since.delete(source);
    return { close: diff.close.filter((key) => !keep.has(key)), open, recheckAt, started };
  }
}
