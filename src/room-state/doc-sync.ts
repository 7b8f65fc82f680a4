/**
 * Keeps the room's Y.Doc and presence (awareness) in sync over the call's own verified
 * pairwise connections: one extra data channel on each mesh connection, no connection of its
 * own and nothing through the relay (see docs/decisions.md, "The room doc over the call's
 * connections").
 *
 * Per link, messages are one kind byte and a payload:
 *   1 state vector (sync step 1)   → answered with 2, the updates the peer lacks (step 2),
 *                                    and our presence (the peer's may predate our listening)
 *   3 an update made here          → applied there
 *   4 an awareness update of ours  → applied there; removed when the link goes down
 * In a mesh every page is linked to every member it has verified, so updates and presence go
 * to each directly and are not passed on; a link that comes up late catches up by steps 1 and
 * 2. When the links reach only some members (a large room's control overlay:
 * src/tree/control-overlay.ts) the transport says `passOn`: what one peer sends is passed to
 * the others. Yjs and awareness apply a message they already have as no change and emit
 * nothing for it, so a passed-on update stops where it is known and costs each link at most
 * once per direction.
 * Pure apart from the transport: runs in Node against an in-memory one.
 */
import * as Y from 'yjs';
import { applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates, type Awareness } from 'y-protocols/awareness';
import { Emitter, type Unsubscribe } from '../util/emitter';
import { DocFrameJoiner, splitDocMessage } from './doc-frames';
import { RoomStateError } from './room-state-error';

/** The verified pairwise links the doc travels on (the call engine provides them). */
export interface DocTransport {
  /** Peers whose link is up now. */
  peers(): Iterable<string>;
  onLink(listener: (e: { peerId: string; up: boolean }) => void): Unsubscribe;
  /** False when the link is down or its buffer is full (the message is lost; step 1 repairs). */
  send(peerId: string, frame: Uint8Array): boolean;
  onFrame(listener: (e: { from: string; frame: Uint8Array }) => void): Unsubscribe;
  /**
   * True while the links do not reach every member: updates and presences from one peer are
   * passed on to the others, and a link going down does not take the presences it brought
   * (they came from further away; the call removes a member's presence when it leaves).
   */
  passOn?(): boolean;
}

const STATE_VECTOR = 1;
const MISSING_UPDATES = 2;
const UPDATE = 3;
const AWARENESS = 4;

/** Marks doc and awareness changes that came from a peer (they are not sent on). */
class FromPeer {
  constructor(readonly peerId: string) {}
}

interface LinkState {
  joiner: DocFrameJoiner;
  /** Awareness client ids this peer told us about: removed with the link. */
  clients: Set<number>;
  origin: FromPeer;
}

export class DocSync {
  private readonly links = new Map<string, LinkState>();
  private readonly refused = new Set<string>();
  private readonly events = new Emitter<{ synced: boolean; error: { peerId: string; error: RoomStateError } }>();
  private readonly offs: Unsubscribe[] = [];
  private isSynced = false;
  private disposed = false;

  constructor(
    private readonly doc: Y.Doc,
    private readonly awareness: Awareness,
    private readonly transport: DocTransport,
  ) {
    doc.on('update', this.onDocUpdate);
    awareness.on('update', this.onAwarenessUpdate);
    this.offs.push(
      transport.onLink(({ peerId, up }) => (up ? this.linkUp(peerId) : this.linkDown(peerId))),
      transport.onFrame(({ from, frame }) => this.onFrame(from, frame)),
    );
    for (const peerId of transport.peers()) this.linkUp(peerId);
  }

  /** True once a peer has answered our state vector. */
  get synced(): boolean {
    return this.isSynced;
  }

  onSynced(listener: (synced: boolean) => void): Unsubscribe {
    return this.events.on('synced', listener);
  }

  /** A peer sent something we could not use (it was dropped; the link stays). */
  onError(listener: (e: { peerId: string; error: RoomStateError }) => void): Unsubscribe {
    return this.events.on('error', listener);
  }

  /** Peers we sync with now. */
  linkedPeers(): string[] {
    return [...this.links.keys()];
  }

  /** Stops syncing with a removed participant for good and drops what it told us of presence. */
  refuse(peerId: string): void {
    this.refused.add(peerId);
    this.linkDown(peerId);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const off of this.offs) off();
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.links.clear();
    this.events.clear();
  }

  private linkUp(peerId: string): void {
    if (this.disposed || this.refused.has(peerId) || this.links.has(peerId)) return;
    this.links.set(peerId, { joiner: new DocFrameJoiner(), clients: new Set(), origin: new FromPeer(peerId) });
    this.sendTo(peerId, STATE_VECTOR, Y.encodeStateVector(this.doc));
    this.sendOwnPresence(peerId);
  }

  /** Ours to a new link; passing on, every presence we know (the peer may have no other link yet). */
  private sendOwnPresence(peerId: string): void {
    const clients = this.passingOn()
      ? [...this.awareness.getStates().keys()]
      : this.awareness.getLocalState() !== null
        ? [this.awareness.clientID]
        : [];
    if (clients.length > 0) this.sendTo(peerId, AWARENESS, encodeAwarenessUpdate(this.awareness, clients));
  }

  private passingOn(): boolean {
    return this.transport.passOn?.() ?? false;
  }

  private linkDown(peerId: string): void {
    const link = this.links.get(peerId);
    if (!link) return;
    this.links.delete(peerId);
    if (this.passingOn()) return;
    const gone = [...link.clients].filter((c) => c !== this.awareness.clientID);
    if (gone.length > 0) removeAwarenessStates(this.awareness, gone, 'link-down');
  }

  private onFrame(from: string, frame: Uint8Array): void {
    const link = this.links.get(from);
    if (!link) return;
    try {
      const message = link.joiner.push(frame);
      if (message) this.onMessage(from, link, message);
    } catch (error) {
      const e = error instanceof RoomStateError ? error : new RoomStateError('invalid-message', `doc message from ${from}: ${String(error)}`, { cause: error });
      this.events.emit('error', { peerId: from, error: e });
    }
  }

  private onMessage(from: string, link: LinkState, message: Uint8Array): void {
    const kind = message[0];
    const body = message.subarray(1);
    switch (kind) {
      case STATE_VECTOR:
        this.sendTo(from, MISSING_UPDATES, Y.encodeStateAsUpdate(this.doc, body));
        this.sendOwnPresence(from);
        return;
      case MISSING_UPDATES:
        Y.applyUpdate(this.doc, body, link.origin);
        if (!this.isSynced) {
          this.isSynced = true;
          this.events.emit('synced', true);
        }
        return;
      case UPDATE:
        Y.applyUpdate(this.doc, body, link.origin);
        return;
      case AWARENESS:
        applyAwarenessUpdate(this.awareness, body, link.origin);
        return;
      default:
        throw new RoomStateError('invalid-message', `unknown doc message kind ${String(kind)}`);
    }
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    // What a peer sent us, it has; in a mesh everyone else is linked to it too.
    if (origin instanceof FromPeer) {
      if (this.passingOn()) for (const peerId of this.links.keys()) if (peerId !== origin.peerId) this.sendTo(peerId, UPDATE, update);
      return;
    }
    for (const peerId of this.links.keys()) this.sendTo(peerId, UPDATE, update);
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin instanceof FromPeer) {
      const link = this.links.get(origin.peerId);
      if (!link) return;
      for (const c of [...added, ...updated]) link.clients.add(c);
      for (const c of removed) link.clients.delete(c);
      if (!this.passingOn()) return;
      const changed = [...added, ...updated, ...removed];
      if (changed.length === 0) return;
      const update = encodeAwarenessUpdate(this.awareness, changed);
      // Ours among them: a peer told us we had left and awareness answered with a newer clock;
      // that peer needs the answer too.
      const back = changed.includes(this.awareness.clientID);
      for (const peerId of this.links.keys()) if (back || peerId !== origin.peerId) this.sendTo(peerId, AWARENESS, update);
      return;
    }
    // Ours only (a local change, a renewal, or leaving); others' presences come from them.
    const mine = [...added, ...updated, ...removed].filter((c) => c === this.awareness.clientID);
    if (mine.length === 0) return;
    const update = encodeAwarenessUpdate(this.awareness, mine);
    for (const peerId of this.links.keys()) this.sendTo(peerId, AWARENESS, update);
  };

  private sendTo(peerId: string, kind: number, body: Uint8Array): void {
    const message = new Uint8Array(body.length + 1);
    message[0] = kind;
    message.set(body, 1);
    for (const frame of splitDocMessage(message)) if (!this.transport.send(peerId, frame)) return;
  }
}
