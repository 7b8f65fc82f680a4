/**
 * Our relay for the benchmark. The per-connection rate limit is an abuse guard for one
 * client, not a capacity limit, so it is lifted here: the load generator drives few sockets
 * hard to measure what the process can route.
 */
import { createRelay } from '../../relay/server';

const relay = await createRelay({
  port: Number(process.env.PORT ?? 0),
  host: '127.0.0.1',
  log: () => {},
  limits: { ratePerSecond: 1e9, rateBurst: 1e9, abuseBurst: 1e9, maxBufferedBytes: 64 * 1024 * 1024 },
});
console.log(`listening on ${relay.url}`);
