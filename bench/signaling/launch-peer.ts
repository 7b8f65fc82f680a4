/** The reference PeerJS server (`peer` package) as a library: same defaults, no per-client logging, no user limit. */
import { PeerServer } from 'peer';

PeerServer({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', concurrent_limit: 1_000_000 }, (server) => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`listening on http://127.0.0.1:${port}`);
});
