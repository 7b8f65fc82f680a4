import { createSignal, onCleanup } from 'solid-js';
import type { CallEngine } from '../../call/call-engine';

/**
 * Each remote participant's current RTCPeerConnection, as a reactive lookup for the tiles'
 * connection indicators. A reconnect that replaces the session gives a new connection, which
 * remounts that tile's indicator (and its poller).
 */
export function createPeerConnections(engine: CallEngine): (peerId: string) => RTCPeerConnection | undefined {
  const read = () => new Map([...engine.sessionsByPeer()].map(([id, s]) => [id, s.pc] as const));
  const [pcs, setPcs] = createSignal(read());
  const off = engine.on(() => setPcs(read()));
  onCleanup(off);
  return (peerId) => pcs().get(peerId);
}
