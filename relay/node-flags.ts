/**
 * Node flags the relay runs with (`npm start`, the deployment commands in docs/deploy.md, and
 * the signalling benchmark, which measures the relay as shipped).
 *
 * `--max-semi-space-size=4` (MB): V8 grows its young generation up to 16 MB per semi-space
 * under the allocation bursts of connection setup, and that memory stays resident. Measured by
 * bench/signaling on 2026-12-02: idle RSS per socket at 1k pub/sub sockets 10.6 → 3.5 KB
 * (y-webrtc 7.9), at 10k 6.3 → 4.1 KB (6.5); throughput stayed 3.85× y-webrtc and 2.32× `peer`
 * (1 MB cost 17 % of throughput, 2 MB brought PeerJS routing down to 2.0×). Keep package.json's
 * `start` script and docs/deploy.md in step with this list.
 */
export const RELAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
