/**
 * The forward worker (large rooms): a thin entry over ForwarderCore.
 * - `rtctransform`: each receiver's RTCRtpScriptTransform (ciphertext from our parent).
 * - Comlink on `message`: the key, the child senders' and our own sender's encoded streams
 *   (from `createEncodedStreams()`, transferred here), counters.
 * A transform whose options fail validation is left unconnected: no frame flows.
 */
import * as Comlink from 'comlink';
import { ForwarderCore } from '../src/tree/forwarding/forwarder-core';

declare const self: DedicatedWorkerGlobalScope;

type Frame = RTCEncodedVideoFrame | RTCEncodedAudioFrame;

// Chromium's copy constructors; lib.webworker.d.ts does not declare them yet.
interface FrameConstructors {
  RTCEncodedVideoFrame: new (frame: RTCEncodedVideoFrame) => RTCEncodedVideoFrame;
  RTCEncodedAudioFrame: new (frame: RTCEncodedAudioFrame) => RTCEncodedAudioFrame;
}
const ctors = self as unknown as FrameConstructors;

const core = new ForwarderCore<Frame>({
  cloneFrame: (frame) =>
    frame instanceof RTCEncodedVideoFrame ? new ctors.RTCEncodedVideoFrame(frame) : new ctors.RTCEncodedAudioFrame(frame),
});

self.onrtctransform = (event: RTCTransformEvent) => {
  const t = event.transformer;
  try {
    core.handleReceive(t.readable as ReadableStream<Frame>, t.writable as WritableStream<Frame>, t.options, t);
  } catch (error) {
    console.error('[forward-worker] transform refused', error);
  }
};

Comlink.expose(core.api, self);
