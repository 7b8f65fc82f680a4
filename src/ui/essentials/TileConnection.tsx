import { createSignal, onCleanup, type JSX } from 'solid-js';
import type { ConnectionStats } from '../../stats/connection-stats';
import type { E2eeState } from '../../stats/diagnostics-text';
import { pollConnectionStats } from '../../stats/stats-poller';
import { ConnectionDetails } from './ConnectionDetails';

/**
 * The connection indicator of one remote tile: polls that peer's RTCPeerConnection while the
 * tile exists (one poller per connection: a new connection remounts this) and shows the dot.
 */
export function TileConnection(props: { pc: RTCPeerConnection; e2ee?: E2eeState | undefined }): JSX.Element {
  const [stats, setStats] = createSignal<ConnectionStats | undefined>(undefined);
  // The pc is fixed for this component's life (the tile mounts it keyed on the connection).
  const stop = pollConnectionStats(props.pc, setStats);
  onCleanup(stop);
  return <ConnectionDetails stats={stats()} {...(props.e2ee ? { e2ee: props.e2ee } : {})} />;
}
