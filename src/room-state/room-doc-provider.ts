/**
 * The browser adapter: the room's `Y.Doc` and presence (awareness), synced by `DocSync` over
 * the call's verified pairwise connections (a data channel of their own on each mesh
 * connection). The relay carries none of it: not a topic, not a ciphertext. The UI depends on
 * `RoomDocConnection` only, so tests can hand it a plain `Y.Doc` with a fake presence source.
 */
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Emitter } from '../util/emitter';
import type { Unsubscribe } from '../util/emitter';
import { DocSync, type DocTransport } from './doc-sync';
import type { Presence } from './presence';
import { parsePresence, readPresences } from './presence';
import { startPresenceClock } from './presence-clock';
import { RoomStateError } from './room-state-error';

export interface RoomDocConnection {
  readonly doc: Y.Doc;
  /** Our presence; pass the fields that changed. */
  updatePresence(patch: Partial<Omit<Presence, 'v'>>): void;
  /** Others' valid presences, by awareness client id. */
  peers(): ReadonlyMap<number, Presence>;
  onPeers(listener: (peers: ReadonlyMap<number, Presence>) => void): Unsubscribe;
  /**
   * Refuses a removed participant (by call peer id): stops syncing with it and drops every
   * presence it claimed. The link is the participant's own verified connection, so a fresh
   * doc identity does not get it back in; only a new participant id would (see
   * docs/room-state.md).
   */
  refuse(meshPeerId: string): void;
  /** True once synced with at least one peer. */
  onSynced(listener: (synced: boolean) => void): Unsubscribe;
  /** Leaves the room: sync, doc and listeners go; nothing was ever written to disk. */
  dispose(): void;
}

export interface RoomDocOptions {
  /** The call's verified pairwise links (`CallEngine.docTransport()`). */
  transport: DocTransport;
  presence: Presence;
}

export function connectRoomDoc(options: RoomDocOptions): RoomDocConnection {
  const own = parsePresence(options.presence);
  if (!own) throw new RoomStateError('invalid-input', 'our own presence is invalid');
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  let presence: Presence = own;
  awareness.setLocalState(presence);
  // Renewals and timeouts follow the room's size (presence-clock.ts), not a fixed 15 s / 30 s.
  const stopClock = startPresenceClock(awareness);

  const refused = new Set<string>();
  // A presence naming a refused participant is dropped whichever link brought it: a member
  // can put any peer id in its presence.
  const enforce = () => {
    if (refused.size === 0) return;
    const drop: number[] = [];
    for (const [clientId, raw] of awareness.getStates() as Map<number, unknown>) {
      if (clientId === awareness.clientID) continue;
      const p = parsePresence(raw);
      if (p && refused.has(p.peerId)) drop.push(clientId);
    }
    if (drop.length) removeAwarenessStates(awareness, drop, 'refused');
  };

  const events = new Emitter<{ peers: ReadonlyMap<number, Presence> }>();
  // Parsed once per change, not once per reader: in a room of 1,000 a parse of everyone is
  // ≈0.4 ms and every speaking level that changes anywhere is a change (bench/tree).
  let parsed: ReadonlyMap<number, Presence> | null = null;
  const peers = () => (parsed ??= readPresences(awareness.getStates() as Map<number, unknown>, awareness.clientID));
  const onAwareness = () => {
    enforce();
    parsed = null;
    events.emit('peers', peers());
  };
  awareness.on('change', onAwareness);
  const sync = new DocSync(doc, awareness, options.transport);
  sync.onError(({ peerId, error }) => console.warn(`room doc: dropped a message from ${peerId}`, error));

  let disposed = false;
  return {
    doc,
    updatePresence(patch) {
      if (disposed) return;
      const next = parsePresence({ ...presence, ...patch });
      if (!next) throw new RoomStateError('invalid-input', 'presence update is invalid');
      presence = next;
      awareness.setLocalState(presence);
    },
    peers,
    refuse(meshPeerId) {
      if (disposed) return;
      refused.add(meshPeerId);
      sync.refuse(meshPeerId);
      enforce();
    },
    onPeers: (listener) => events.on('peers', listener),
    onSynced: (listener) => sync.onSynced(listener),
    dispose() {
      if (disposed) return;
      disposed = true;
      awareness.off('change', onAwareness);
      stopClock();
      events.clear();
      // Tells the others we left (awareness removal) before the links go.
      awareness.setLocalState(null);
      sync.dispose();
      awareness.destroy();
      doc.destroy();
    },
  };
}
