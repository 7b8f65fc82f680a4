import { pathToFileURL } from 'node:url';
import { RelayError } from './errors';
import { relayOptionsFromEnv } from './options';
import { createRelay } from './server';
import type { Relay } from './server';
import { createTurnServer, type TurnServer } from './turn/turn-server';
import { turnIceServersFor, turnOptionsFromEnv } from './turn/turn-options';

/**
 * The built-in TURN server (or an external coturn named by TURN_URIS). A port already in
 * use must not stop signalling: the relay starts without TURN and says so.
 */
async function startTurn(env: NodeJS.ProcessEnv): Promise<{ server: TurnServer | null; iceServersFor: ((where: { hostname: string }) => ReturnType<typeof turnIceServersFor>) | undefined }> {
  // TURN listens where the relay listens unless told otherwise: loopback by default, all
  // interfaces when HOST=0.0.0.0 (LAN or server).
  const opts = turnOptionsFromEnv({ ...env, TURN_HOST: env.TURN_HOST ?? env.HOST ?? '127.0.0.1' });
  if (!opts.enabled && !opts.externalUris) return { server: null, iceServersFor: undefined };
  let server: TurnServer | null = null;
  if (opts.server) {
    try {
      server = await createTurnServer(opts.server);
    } catch (err) {
      console.error(`Lunar Chat relay: TURN not started (${err instanceof Error ? err.message : String(err)}); calls that need a relayed path will fail.`);
      return { server: null, iceServersFor: undefined };
    }
  }
  const port = server?.udpPort;
  return { server, iceServersFor: (where) => turnIceServersFor(opts, Date.now(), port === undefined ? where : { ...where, port }) };
}

/**
 * Runs the relay from environment variables until SIGINT/SIGTERM. Prints exactly one
 * line on start; tests and scripts parse `listening on (http://\S+)`.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<Relay> {
  let relay: Relay;
  let turn: TurnServer | null = null;
  try {
    const started = await startTurn(env);
    turn = started.server;
    const t = turn;
    relay = await createRelay({
      ...relayOptionsFromEnv(env),
      ...(started.iceServersFor ? { iceServersFor: started.iceServersFor } : {}),
      ...(t ? { turnStats: () => ({ ...t.stats() }) } : {}),
    });
  } catch (err) {
    if (err instanceof RelayError || (err instanceof Error && 'code' in err && err.code === 'options-invalid')) {
      console.error(`Lunar Chat relay: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  console.log(`Lunar Chat relay listening on ${relay.url}${turn ? ` (TURN on UDP/TCP port ${turn.udpPort})` : ''}`);
  const stop = (): void => {
    Promise.all([relay.close(), turn?.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return relay;
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) void main();
