/**
 * The E2EE worker: a thin entry over E2eeWorkerCore.
 * - Comlink serves key and counter calls on the worker's `message` event.
 * - RTCRtpScriptTransform frames arrive on the separate `rtctransform` event (not `message`),
 *   so the two never see each other's traffic.
 * A transformer whose options fail validation is left unconnected: its frames stop, none
 * pass in the clear.
 */
import * as Comlink from 'comlink';
import { E2eeWorkerCore } from '../src/e2ee/worker-core';

declare const self: DedicatedWorkerGlobalScope;

const core = new E2eeWorkerCore();

self.onrtctransform = (event: RTCTransformEvent) => {
  const transformer = event.transformer;
  try {
    core.handleTransform(transformer.readable, transformer.writable, transformer.options, transformer);
  } catch (error) {
    console.error('[e2ee-worker] transform refused', error);
  }
};

Comlink.expose(core.api, self);
