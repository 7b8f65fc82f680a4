/**
 * Our side of the tree as a parent: the links our children asked for. A child offers, we
 * answer (any verified member may ask: who forwards what follows from the child's plan), and
 * each link then carries either copies of a source's ciphertext (the forward worker writes them
 * into its senders, whose own track is a discarded placeholder) or, when the loopback is not
 * working, our own camera and mic encoded for this child alone. Per-branch layers sample each
 * copy-carrying link and cap the temporal layers a congested child gets.
 */
import type { MediaKind } from '../e2ee/clear-prefix';
import { candidateSignal, type TreeSignal } from '../protocol/tree-messages';
import { BranchLayerPolicy } from './branch-layer-policy';
import type { ForwardingNode } from './forwarding/forwarding-node';
import { makePlaceholderTracks, type PlaceholderTracks } from './forwarding/placeholder-tracks';
import { openDownstream, type Trickle } from './forwarding/tree-links';
import { present } from './self-loop';
import { STANDBY_PER_PARENT } from './standby-plan';

/** What the call lends its child links. */
export interface ChildLinksHost {
  myId: string;
  /** Verified members (others), by id. */
  memberIds(): Set<string>;
  send(peerId: string, msg: TreeSignal): boolean;
  localTracks(): Record<MediaKind, MediaStreamTrack | null>;
  iceServers: RTCIceServer[];
  relayPolicy(): { iceTransportPolicy?: RTCIceTransportPolicy };
  ensureNode(): ForwardingNode;
  currentNode(): ForwardingNode | null;
  /** Our encode-once loopback, started if need be; null: it does not work, links encode themselves. */
  ownLoop(): Promise<unknown>;
  /** Our own video on a link that encodes itself, at our current layer. */
  limitVideo(sender: RTCRtpSender): Promise<void>;
  /** Debug: counts and notes an event (churn, timeline); records the slowest answer. */
  count(event: string, detail?: string): void;
  note(what: string): void;
  answerTook(ms: number): void;
}

export interface ChildLinkRow {
  link: string;
  source: string;
  child: string;
  state: RTCPeerConnectionState;
  /** A standby link: connected, passing nothing yet. */
  paused?: boolean;
  sendDelayMs?: number;
  fractionLost?: number;
  cap?: number;
  packets?: number;
}

interface ChildLink {
  id: string;
  source: string;
  child: string;
  pc: RTCPeerConnection | null;
  /** Trickle ICE once the link exists; the child's candidates that came before wait in `early`. */
  ice: Trickle | null;
  early: RTCIceCandidateInit[];
  senders: Partial<Record<MediaKind, RTCRtpSender>>;
  /** Its senders encode our camera and mic (no loopback); otherwise they carry placeholders. */
  encodes: boolean;
  closed: boolean;
  /** A standby link (standby-links.ts): connected, passing nothing until the child sends `resume`. */
  paused: boolean;
  /** Per-branch layers: this child's congestion policy and the video sender's last counts. */
  branch?: { policy: BranchLayerPolicy; packets: number; delaySec: number; applied: number; delayMs: number; lost: number };
}

/** A child's candidates that arrive while we are still answering its offer, kept per link at most. */
const MAX_EARLY_CANDIDATES = 32;

/** A link's ends, shortened, for the debug timeline: `child/source`. */
export function ends(peer: string, source: string): string {
  return `${peer.slice(0, 4)}/${source.slice(0, 4)}`;
}

export class ChildLinks {
  private readonly links = new Map<string, ChildLink>();
  private placeholders: PlaceholderTracks | null = null;
  private polling = false;

  constructor(private readonly host: ChildLinksHost) {}

  async answer(child: string, id: string, source: string, sdp: string, standby = false): Promise<void> {
    const host = this.host;
    // Any verified member may ask, whatever our own mode: our view may lag theirs by a moment.
    const members = host.memberIds();
    if (!members.has(child) || this.links.has(id) || (source !== host.myId && !members.has(source))) {
      host.count('refused');
      host.send(child, { t: 'tree', v: 1, kind: 'close', link: id });
      return;
    }
    if (standby && [...this.links.values()].filter((d) => d.paused && !d.closed).length >= STANDBY_PER_PARENT) {
      // Enough idle connections held for others' repairs (standby-plan.ts): the child does without.
      host.count('standby-refused');
      host.send(child, { t: 'tree', v: 1, kind: 'close', link: id });
      return;
    }
    const node = host.ensureNode();
    const origin = source === host.myId;
    const startedAt = Date.now();
    host.count('down-open', ends(child, source));
    const down: ChildLink = { id, source, child, pc: null, ice: null, early: [], senders: {}, encodes: false, closed: false, paused: standby };
    this.links.set(id, down);
    try {
      // Our own media goes out as copies of the loopback's ciphertext when the loop works.
      const encodeHere = origin && (await host.ownLoop()) === null;
      down.encodes = encodeHere;
      if (encodeHere && standby) {
        // An encoder of our own for a link that passes nothing: not worth it. The child repairs
        // with a new link if it must.
        this.close(id, true, 'standby-refused');
        return;
      }
      if (!encodeHere) this.placeholders ??= makePlaceholderTracks();
      const tracks = encodeHere ? host.localTracks() : { audio: null, video: this.placeholders?.video ?? null };
      const link = await openDownstream(node, {
        offer: { type: 'offer', sdp },
        childId: id,
        sourceId: source,
        tracks: present(tracks),
        ...(encodeHere ? { localId: source } : {}),
        iceServers: host.iceServers,
        ...host.relayPolicy(),
        trickle: true,
        onStep: (step) => host.note(`down-${step} ${ends(child, source)} +${Date.now() - startedAt}`),
        ...(standby ? { paused: true } : {}),
      });
      if (down.closed) {
        link.pc.close();
        return;
      }
      if (standby && !down.paused) {
        // Resumed while we answered (the child's forwarder failed before this link was up):
        // the worker attached it paused, so it is resumed there now. On connecting it gets a
        // key frame as any new child does.
        void node.resumeChild(id).catch((error: unknown) => console.warn('[tree] could not resume a link', error));
      }
      down.pc = link.pc;
      down.ice = link;
      for (const c of down.early.splice(0)) link.addRemote(c);
      down.senders = link.senders;
      if (encodeHere && link.senders.video) await host.limitVideo(link.senders.video);
      link.pc.addEventListener('connectionstatechange', () => {
        if (link.pc.connectionState === 'connected' && !down.closed && !encodeHere && !down.paused) {
          // Its first picture needs a key frame: ask now rather than after its decoder asks.
          void node.childConnected(id).then((n) => n > 0 && host.count('key-on-connect'), () => undefined);
        }
        if (link.pc.connectionState === 'failed' || link.pc.connectionState === 'closed') this.close(id, true, `down-${link.pc.connectionState}`);
      });
      host.send(child, { t: 'tree', v: 1, kind: 'answer', link: id, sdp: link.answer.sdp ?? '' });
      link.trickle((c) => !down.closed && host.send(child, candidateSignal(id, c)));
      host.note(`down-answer ${ends(child, source)} after ${Date.now() - startedAt} ms`);
      host.answerTook(Date.now() - startedAt);
    } catch (error) {
      console.warn('[tree] could not answer a link', error);
      this.close(id, true, 'answer-failed');
    }
  }

  /** The child `from` takes up its standby link `link`: frames flow on it from now on (and a key frame is asked for it). */
  resume(from: string, link: string): void {
    const down = this.links.get(link);
    if (down?.child !== from || !down.paused || down.closed) return;
    down.paused = false;
    this.host.count('down-resume', ends(from, down.source));
    void this.host
      .ensureNode()
      .resumeChild(link)
      .then(
        (r) => {
          const primed = r.primedMsAgo === undefined ? '' : `primed ${r.primedMsAgo} ms ago, key ${r.keyMsAgo === undefined ? 'not yet' : `${r.keyMsAgo} ms ago`}`;
          if (r.primed > 0) this.host.count('resume-primed', primed);
          else if (r.awaitingKey > 0) this.host.count('resume-awaits-key', primed);
          else if (r.resumed > 0) this.host.count('key-on-connect', primed || undefined);
        },
        (error: unknown) => console.warn('[tree] could not resume a link', error),
      );
  }

  /** Do we hold a standby link (paused) for anyone? */
  get holdsStandby(): boolean {
    return [...this.links.values()].some((d) => d.paused && !d.closed);
  }

  /** A trickled candidate from `from` for one of its links to us. */
  candidate(from: string, link: string, c: RTCIceCandidateInit): void {
    const down = this.links.get(link);
    if (down?.child !== from) return;
    if (down.ice) down.ice.addRemote(c);
    else if (down.early.length < MAX_EARLY_CANDIDATES) down.early.push(c);
  }

  /** The child `from` closed its link `link` (its plan moved on). */
  closedBy(from: string, link: string): void {
    if (this.links.get(link)?.child === from) this.close(link, false, 'child-closed');
  }

  /** Children that are no longer members: their links go. */
  keepOnly(members: ReadonlySet<string>): void {
    for (const d of [...this.links.values()]) if (!members.has(d.child)) this.close(d.id, false, 'child-left');
  }

  /** Senders that encode our own camera and mic (links made while the loopback did not work). */
  *encodingSenders(): Iterable<Partial<Record<MediaKind, RTCRtpSender>>> {
    for (const d of this.links.values()) if (d.encodes && !d.closed) yield d.senders;
  }

  rows(): ChildLinkRow[] {
    return [...this.links.values()].map((d) => ({ link: d.id, source: d.source, child: d.child, state: d.pc?.connectionState ?? 'new', ...(d.paused ? { paused: true } : {}), ...(d.branch ? { sendDelayMs: d.branch.delayMs, fractionLost: d.branch.lost, cap: d.branch.applied, packets: d.branch.packets } : {}) }));
  }

  /**
   * Per-branch layers: samples each child link that carries copies (not our own encoder, which
   * follows its link's estimate by itself) and caps the temporal layers passed to a congested
   * one, so that branch gets a lower frame rate instead of a growing delay, and no one else
   * notices (branch-layer-policy.ts, forwarding/temporal-thinning.ts).
   */
  async pollBranches(node: ForwardingNode): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const d of [...this.links.values()]) {
        const sender = d.senders.video;
        if (d.closed || d.encodes || !sender || d.pc?.connectionState !== 'connected') continue;
        let packets = 0;
        let delaySec = 0;
        let lost = 0;
        for (const s of (await sender.getStats()).values() as Iterable<{ type: string; packetsSent?: number; totalPacketSendDelay?: number; fractionLost?: number }>) {
          if (s.type === 'outbound-rtp') {
            packets += s.packetsSent ?? 0;
            delaySec += s.totalPacketSendDelay ?? 0;
          } else if (s.type === 'remote-inbound-rtp' && typeof s.fractionLost === 'number') {
            lost = s.fractionLost;
          }
        }
        const b = (d.branch ??= { policy: new BranchLayerPolicy(), packets, delaySec, applied: 2, delayMs: 0, lost: 0 });
        const sent = packets - b.packets;
        const delay = delaySec - b.delaySec;
        b.packets = packets;
        b.delaySec = delaySec;
        if (sent <= 0) continue;
        b.delayMs = Math.round((delay / sent) * 1000);
        b.lost = lost;
        const cap = b.policy.sample({ sendDelayMs: b.delayMs, fractionLost: lost }, Date.now());
        if (cap === b.applied || d.closed) continue;
        b.applied = cap;
        this.host.count(`branch-cap:${cap}`);
        await node.setChildLayers(d.id, cap);
      }
    } catch {
      // A link closed mid-sample, or the worker is gone: the next round starts afresh.
    } finally {
      this.polling = false;
    }
  }

  close(id: string, tell: boolean, why: string): void {
    const d = this.links.get(id);
    if (!d) return;
    this.host.count(`down-close:${why}`);
    d.closed = true;
    this.links.delete(id);
    d.pc?.close();
    if (d.source !== this.host.myId) void this.host.currentNode()?.detachChild(id).catch(() => undefined);
    if (tell) this.host.send(d.child, { t: 'tree', v: 1, kind: 'close', link: id });
  }

  dispose(): void {
    for (const id of [...this.links.keys()]) this.close(id, true, 'dispose');
    this.placeholders?.stop();
  }
}
