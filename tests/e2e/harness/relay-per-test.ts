/**
 * The usual frame of a call test: a fresh relay before each test, and after it every page the
 * test opened closed and the relay stopped. Tests may stop and replace `relay` themselves (a
 * restart, other settings); whatever is in the slot at the end is stopped.
 */
import { test } from '@playwright/test';
import type { Participant } from './participant';
import { startRelay, type RelayProcess } from './relay-process';

export interface RelayPerTest {
  relay: RelayProcess;
  /** Pages to close after the test. */
  readonly people: Participant[];
}

/** `env`: the relay's settings for these tests (TURN, quotas…), as in `startRelay`. */
export function useRelayPerTest(env: Record<string, string> = {}): RelayPerTest {
  const fx = { people: [] as Participant[] } as { relay: RelayProcess; people: Participant[] };
  test.beforeEach(async () => {
    fx.relay = await startRelay(env);
  });
  test.afterEach(async () => {
    for (const p of fx.people.splice(0)) await p.close().catch(() => undefined);
    await fx.relay.stop();
  });
  return fx;
}
