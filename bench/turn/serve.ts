/**
 * Runs the built-in TURN server alone in this process for the benchmark, so it gets its own
 * event loop as coturn gets its own process. Prints `{"port": N}` once listening; SIGTERM stops it.
 */
import { createTurnServer } from '../../relay/turn/turn-server';

const server = await createTurnServer({
  host: '127.0.0.1',
  port: 0,
  secrets: [process.env.TURN_SECRET ?? 'bench-secret'],
  allowPeers: '127.0.0.1',
  realm: 'bench',
  // uclient shares one username across all its clients; no byte cap, as coturn has none by default.
  quotas: { maxAllocationsPerUser: 10_000, maxAllocations: 10_000, bytesPerSecond: 0 },
});
console.log(JSON.stringify({ port: server.udpPort }));
process.once('SIGTERM', () => {
  console.error(JSON.stringify(server.stats()));
  void server.close().then(() => process.exit(0));
});
