/**
 * The browser adapter: the room's `Y.Doc` synced by the unmodified y-webrtc provider
 * through the relay's `/yjs` pub/sub route, plus presence over its awareness.
 *
 * What the relay sees: the topic (a hash of the room id and the doc password), and y-webrtc's
 * signalling payloads encrypted with `docPassword(secret)` (it cannot read SDP, so it
 * cannot even learn ICE candidates). Doc updates and awareness go peer to peer over
 * WebRTC data channels. The UI depends on `RoomDocConnection` only, so tests can hand it
 * a plain `Y.Doc` with a fake presence source.
 */
import { WebrtcProvider } from 'y-webrtc';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { roomTopic } from '../room/room-link';
import { Emitter } from '../util/emitter';
import type { Unsubscribe } from '../util/emitter';
import { docPassword, docSignalingUrl } from './doc-connection-params';
import type { Presence } from './presence';
import { parsePresence, readPresences } from './presence';
import { RoomStateError } from './room-state-error';

export interface RoomDocConnection {
  readonly doc: Y.Doc;
  /** Our presence; pass the fields that changed. */
  updatePresence(patch: Partial<Omit<Presence, 'v'>>): void;
  /** Others' valid presences, by awareness client id. */
  peers(): Map<number, Presence>;
  onPeers(listener: (peers: Map<number, Presence>) => void): Unsubscribe;
  /**
   * Refuses a removed participant's doc connections (by mesh peer id): closes them, drops
   * their presence, and closes any new one at once. A client that lies about its doc peer
   * id, or rejoins with a fresh one, is not caught here: see docs/room-state.md.
   */
  refuse(meshPeerId: string): void;
  /** True once synced with at least one peer (y-webrtc's notion). */
  onSynced(listener: (synced: boolean) => void): Unsubscribe;
  /** Leaves the room: provider, doc and listeners go; nothing was ever written to disk. */
  dispose(): void;
}

export interface RoomDocOptions {
  roomId: string;
  /** The link secret (or the passcode's effective secret). */
  secret: string;
  /** From the runtime config; null means the app's own origin. */
  relayUrl: string | null;
  iceServers: RTCIceServer[];
  presence: Presence;
  /** Access token for relays that require one (sent as `/yjs?jwt=`, like the mesh routes). */
  jwt?: string;
  /** Defaults to `location.origin`. */
  pageOrigin?: string;
  /**
   * The doc is usable at once (local edits apply, listeners work) but its provider (signalling
   * and the doc's own WebRTC connections) starts only when this settles: the call passes
   * `CallEngine.settled`, so the doc's connections do not compete with the media's.
   */
  connectAfter?: Promise<unknown>;
}

export async function connectRoomDoc(options: RoomDocOptions): Promise<RoomDocConnection> {
  const own = parsePresence(options.presence);
  if (!own) throw new RoomStateError('invalid-input', 'our own presence is invalid');
  const password = docPassword(options.secret);
  // The password goes into the topic too: a page with the room id but another secret (or a
  // stale one) lands on another topic instead of sending messages y-webrtc cannot decrypt —
  // y-webrtc leaves such decrypt failures as unhandled rejections in everyone's page.
  const roomName = await roomTopic(`${options.roomId}/${password}`, 'doc');
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  let provider: WebrtcProvider | null = null;
  let docPeer: string | undefined;
  let presence: Presence = own;
  awareness.setLocalState(presence);

  const refusedMesh = new Set<string>();
  const refusedDoc = new Set<string>();
  const enforce = () => {
    if (refusedMesh.size === 0) return;
    const states = awareness.getStates() as Map<number, unknown>;
    const drop: number[] = [];
    for (const [clientId, raw] of states) {
      if (clientId === awareness.clientID) continue;
      const p = parsePresence(raw);
      if (!p || !refusedMesh.has(p.peerId)) continue;
      if (p.docPeer) refusedDoc.add(p.docPeer);
      drop.push(clientId);
    }
    if (drop.length) removeAwarenessStates(awareness, drop, 'refused');
    for (const id of refusedDoc) provider?.room?.webrtcConns.get(id)?.destroy();
  };
  const onPeerChange = () => enforce();

  const events = new Emitter<{ peers: Map<number, Presence>; synced: boolean }>();
  const peers = () => readPresences(awareness.getStates() as Map<number, unknown>, awareness.clientID);
  const onAwareness = () => {
    enforce();
    events.emit('peers', peers());
  };
  const onSynced = ({ synced }: { synced: boolean }) => events.emit('synced', synced);
  awareness.on('change', onAwareness);

  let disposed = false;
  const connect = () => {
    if (disposed || provider) return;
    provider = new WebrtcProvider(roomName, doc, {
      signaling: [docSignalingUrl(options.relayUrl, options.pageOrigin ?? location.origin) + (options.jwt ? `?jwt=${encodeURIComponent(options.jwt)}` : '')],
      password,
      awareness,
      // Other tabs of the same browser must go through WebRTC too (same rules for everyone).
      filterBcConns: true,
      peerOpts: { config: { iceServers: options.iceServers } },
    });
    provider.on('peers', onPeerChange);
    provider.on('synced', onSynced);
    // The doc peer id exists once y-webrtc has derived its key (its room opens then).
    const p = provider;
    void p.key.then(() => {
      const id = p.room?.peerId;
      if (disposed || !id) return;
      docPeer = id;
      presence = { ...presence, docPeer };
      awareness.setLocalState(presence);
    });
  };
  if (options.connectAfter) void options.connectAfter.then(connect, connect);
  else connect();
  return {
    doc,
    updatePresence(patch) {
      if (disposed) return;
      const next = parsePresence({ ...presence, ...patch, ...(docPeer ? { docPeer } : {}) });
      if (!next) throw new RoomStateError('invalid-input', 'presence update is invalid');
      presence = next;
      awareness.setLocalState(presence);
    },
    peers,
    refuse(meshPeerId) {
      if (disposed) return;
      refusedMesh.add(meshPeerId);
      enforce();
    },
    onPeers: (listener) => events.on('peers', listener),
    onSynced: (listener) => events.on('synced', listener),
    dispose() {
      if (disposed) return;
      disposed = true;
      awareness.off('change', onAwareness);
      provider?.off('synced', onSynced);
      provider?.off('peers', onPeerChange);
      events.clear();
      // Tells the others we left (awareness removal) before the connections close.
      awareness.setLocalState(null);
      provider?.destroy();
      awareness.destroy();
      doc.destroy();
    },
  };
}
