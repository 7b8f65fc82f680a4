import { pathToFileURL } from 'node:url';
import { RelayError } from './errors';
import { relayOptionsFromEnv } from './options';
import { createRelay } from './server';
import type { Relay } from './server';

/**
 * Runs the relay from environment variables until SIGINT/SIGTERM. Prints exactly one
 * line on start; tests and scripts parse `listening on (http://\S+)`.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<Relay> {
  let relay: Relay;
  try {
    relay = await createRelay(relayOptionsFromEnv(env));
  } catch (err) {
    if (err instanceof RelayError) {
      console.error(`Lunar Chat relay: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  console.log(`Lunar Chat relay listening on ${relay.url}`);
  const stop = (): void => {
    relay.close().then(
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
