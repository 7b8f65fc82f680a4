/**
 * Standby links: for each source we get through a forwarder, a second link to the parent the
 * plan would give us if that forwarder failed (standby-plan.ts), connected ahead of time and
 * passing nothing. The parent attaches it paused; its receivers are not bound to the source in
 * our worker (receive-later), so they cannot take over key-frame requests from the live link.
 * When the forwarder fails, the re-plan asks for exactly this link and it is taken: one `resume`
 * message instead of a new connection, which on two loaded cores took 2–4 s to set up.
 *
 * Made in a quiet moment only (TreeCall calls `sync` a while after the last re-plan, once every
 * link of ours is connected), one per source at most, and closed when the plan no longer
 * points at it.
 */
import type { TreeSignal } from '../protocol/tree-messages';
import { candidateSignal } from '../protocol/tree-messages';
import type { HeldLink } from './call-plan';
import { ends } from './child-links';
import type { ForwardingNode } from './forwarding/forwarding-node';
import { bindReceivers, prepareUpstream, unboundLink, type LinkOptions, type PreparedUpstream, type UpstreamLink } from './forwarding/tree-links';

export interface StandbyHost {
  node(): ForwardingNode;
  send(to: string, msg: TreeSignal): boolean;
  linkOptions(): LinkOptions;
  /** A spare child end (spare-upstream.ts), if one is ready. */
  spare(): PreparedUpstream | null;
  count(event: string, detail?: string): void;
  note(what: string): void;
  newLinkId(): string;
}

export interface StandbyLink extends HeldLink {
  id: string;
  openedAt: number;
  prepared: PreparedUpstream | null;
  link: UpstreamLink | null;
  closed: boolean;
}

/** A standby link not connected this long after its offer is dropped (the next sync may try again). */
const STANDBY_TIMEOUT_MS = 15_000;
/** A parent that closed a standby link (it holds enough, or it refused) is not asked again for this long. */
const REFUSED_MS = 30_000;

function same(a: HeldLink, b: HeldLink): boolean {
  return a.source === b.source && a.parent === b.parent && (a.video ?? true) === (b.video ?? true);
}

export class StandbyLinks {
  /** Source → its standby link. */
  private readonly links = new Map<string, StandbyLink>();
  /** `source/parent` → when that parent closed our standby link for it. */
  private readonly refused = new Map<string, number>();

  constructor(private readonly host: StandbyHost) {}

  get size(): number {
    return this.links.size;
  }

  /** Is there a standby link (connected or not) for exactly this source and parent? */
  holds(want: HeldLink): boolean {
    const s = this.links.get(want.source);
    return s !== undefined && same(s, want);
  }

  /**
   * Keeps exactly the standby links in `want` (source → link): closes the others, opens the
   * missing (unless `openNew` is false: then only those already held stay).
   */
  sync(want: ReadonlyMap<string, HeldLink>, opts: { openNew?: boolean } = {}): void {
    for (const [source, s] of [...this.links]) {
      const w = want.get(source);
      if (!w || !same(w, s)) this.close(s, true, 'unwanted');
    }
    if (opts.openNew === false) return;
    const now = Date.now();
    for (const [key, at] of [...this.refused]) if (now - at > REFUSED_MS) this.refused.delete(key);
    for (const w of want.values()) if (!this.links.has(w.source) && !this.refused.has(`${w.source}/${w.parent}`)) this.open(w);
  }

  /**
   * The standby link for `want`, if there is one whose offer went out: it leaves this set with
   * its receivers bound to the source; the caller adopts it and sends `resume`. One still
   * connecting is taken too: it is further along than a new link would be (a CI run: a child
   * opened a new link while its standby was connecting; the standby connected at 2.4 s, the
   * new link at 4.6 s). Its parent resumes it once it has answered (ChildLinks.answer).
   */
  take(want: HeldLink): StandbyLink | null {
    const s = this.links.get(want.source);
    const state = s?.link?.pc.connectionState;
    if (!s || !same(s, want) || !s.link || !s.prepared || state === 'failed' || state === 'closed') return null;
    this.links.delete(want.source);
    bindReceivers(this.host.node(), s.source, s.prepared);
    return s;
  }

  /** The parent's answer to one of our standby offers; false when the link is not ours. */
  answer(from: string, link: string, sdp: string): boolean {
    const s = this.byId(link);
    if (!s || s.parent !== from) return false;
    s.link?.accept({ type: 'answer', sdp }).catch((error: unknown) => {
      console.warn('[tree] standby answer refused', error);
      this.close(s, true, 'answer-refused');
    });
    return true;
  }

  candidate(from: string, link: string, c: RTCIceCandidateInit): void {
    const s = this.byId(link);
    if (s?.parent === from) s.link?.addRemote(c);
  }

  /** The parent closed one of our standby links. */
  closedBy(from: string, link: string): void {
    const s = this.byId(link);
    if (s?.parent !== from) return;
    this.refused.set(`${s.source}/${s.parent}`, Date.now());
    this.close(s, false, 'parent-closed');
  }

  closeAll(): void {
    for (const s of [...this.links.values()]) this.close(s, true, 'dispose');
  }

  private byId(id: string): StandbyLink | undefined {
    for (const s of this.links.values()) if (s.id === id) return s;
    return undefined;
  }

  private open(want: HeldLink): void {
    const host = this.host;
    const s: StandbyLink = { ...want, id: host.newLinkId(), openedAt: Date.now(), prepared: null, link: null, closed: false };
    this.links.set(want.source, s);
    host.count('standby-open', ends(want.parent, want.source));
    const video = want.video ?? true;
    const spare = video ? host.spare() : null;
    const making = spare ? Promise.resolve(spare) : prepareUpstream(host.node(), { ...host.linkOptions(), video, trickle: true });
    making.then(
      (prepared) => {
        if (s.closed) {
          prepared.pc.close();
          return;
        }
        const link = unboundLink(prepared);
        s.prepared = prepared;
        s.link = link;
        link.pc.addEventListener('connectionstatechange', () => {
          const state = link.pc.connectionState;
          if (state === 'connected' && this.links.get(s.source) === s) host.note(`standby-connected ${ends(s.parent, s.source)}`);
          if ((state === 'failed' || state === 'closed') && this.links.get(s.source) === s) this.close(s, true, state);
        });
        if (!host.send(s.parent, { t: 'tree', v: 1, kind: 'offer', link: s.id, source: s.source, sdp: link.offer.sdp ?? '', standby: true })) {
          this.close(s, false, 'no-channel');
          return;
        }
        link.trickle((c) => !s.closed && host.send(s.parent, candidateSignal(s.id, c)));
        setTimeout(() => {
          if (this.links.get(s.source) === s && link.pc.connectionState !== 'connected') this.close(s, true, 'timeout');
        }, STANDBY_TIMEOUT_MS);
      },
      (error: unknown) => {
        console.warn('[tree] could not open a standby link', error);
        if (this.links.get(s.source) === s) this.links.delete(s.source);
      },
    );
  }

  private close(s: StandbyLink, tell: boolean, why: string): void {
    if (this.links.get(s.source) === s) this.links.delete(s.source);
    if (s.closed) return;
    s.closed = true;
    this.host.count(`standby-close:${why}`);
    s.link?.pc.close();
    if (tell) this.host.send(s.parent, { t: 'tree', v: 1, kind: 'close', link: s.id });
  }
}
