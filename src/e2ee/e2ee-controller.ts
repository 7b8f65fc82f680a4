/**
 * Main-thread side of E2EE: owns the worker, attaches encoded transforms to senders and
 * receivers, and forwards key changes and counter queries over Comlink.
 *
 * Attach transforms when the transceiver is created, before any offer/answer is applied:
 * Chromium never runs a receiver transform set in `ontrack`, nor a sender transform set
 * late on an answerer's transceiver (see issue 3). Key calls are applied in call order.
 */
import * as Comlink from 'comlink';
import type { MediaKind } from './clear-prefix';
import { E2eeError } from './errors';
import type { SenderCounters } from './frame-cryptor';
import type { LaterReceiveOptions, TransformOptions } from './frame-transform';
import type { ApiResult, E2eeWorkerApi } from './worker-core';

export interface E2eeControllerOptions {
  /** Test hook: our senders forward plaintext, so tests can prove receivers reject it. */
  bypassEncryption?: boolean;
  /** Injects the worker (tests, custom bundling). Defaults to the bundled E2EE worker. */
  createWorker?: () => Worker;
}

/** Chromium's pre-standard API, used only when RTCRtpScriptTransform is missing. */
interface EncodedStreamsCapable {
  createEncodedStreams?(): { readable: ReadableStream; writable: WritableStream };
}

type Endpoint = (RTCRtpSender | RTCRtpReceiver) & EncodedStreamsCapable;

export function hasScriptTransform(): boolean {
  return typeof globalThis.RTCRtpScriptTransform === 'function';
}

export function hasEncodedStreams(): boolean {
  const sender = globalThis.RTCRtpSender?.prototype as EncodedStreamsCapable | undefined;
  return typeof sender?.createEncodedStreams === 'function';
}

function unwrap<T>(result: ApiResult<T>): T {
  if (!result.ok) throw E2eeError.fromData(result.error);
  return result.value;
}

export class E2eeController {
  private readonly worker: Worker;
  private readonly api: Comlink.Remote<E2eeWorkerApi>;
  private readonly bypassEncryption: boolean;
  private disposed = false;
  private readonly workerFailed: Promise<never>;

  constructor(options: E2eeControllerOptions = {}) {
    this.bypassEncryption = options.bypassEncryption === true;
    this.worker =
      options.createWorker?.() ??
      new Worker(new URL('../../workers/e2ee-worker.ts', import.meta.url), { type: 'module', name: 'lunar-e2ee' });
    this.api = Comlink.wrap<E2eeWorkerApi>(this.worker);
    // A worker whose script cannot load (server gone, blocked) fires 'error' and never
    // answers: without this, the first key call would wait for ever.
    this.workerFailed = new Promise<never>((_, reject) => {
      this.worker.addEventListener('error', (ev) => {
        ev.preventDefault();
        reject(new E2eeError('worker-failed', 'The encryption worker could not start: its script did not load.'));
      }, { once: true });
    });
    this.workerFailed.catch(() => undefined);
  }

  static isSupported(): boolean {
    return hasScriptTransform() || hasEncodedStreams();
  }

  /** `link`: hold this sender's frames until `releaseLink(link)` (see TransformOptions.link). */
  attachSender(sender: RTCRtpSender, kind: MediaKind, myId: string, link?: string): void {
    this.attach(sender, {
      operation: 'encrypt',
      kind,
      participantId: myId,
      ...(this.bypassEncryption ? { bypassEncryption: true } : {}),
      ...(link === undefined ? {} : { link }),
    });
  }

  async releaseLink(link: string): Promise<void> {
    unwrap(await this.api.releaseLink(link));
  }

  attachReceiver(receiver: RTCRtpReceiver, kind: MediaKind, remoteId: string): void {
    this.attach(receiver, { operation: 'decrypt', kind, participantId: remoteId });
  }

  /**
   * A receiver whose sender is not known yet (a spare connection): its transform is set now, as
   * Chromium requires, and `bindReceiver` names the sender later. Returns its token.
   */
  attachReceiverLater(receiver: RTCRtpReceiver, kind: MediaKind): string {
    const token = `later-${kind}-${crypto.randomUUID()}`;
    this.attach(receiver, { operation: 'decrypt', kind, token });
    return token;
  }

  async bindReceiver(token: string, remoteId: string): Promise<void> {
    unwrap(await this.api.bindReceiver(token, remoteId));
  }

  async setRoomSecret(secret: string): Promise<void> {
    unwrap(await Promise.race([this.api.setRoomSecret(secret), this.workerFailed]));
  }

  /** Installs epoch `epoch` (a 32-byte epoch key). Epochs must increase. */
  async setEpoch(epoch: number, epochKey: Uint8Array): Promise<void> {
    unwrap(await this.api.setEpoch(epoch, epochKey));
  }

  async removeParticipant(participantId: string): Promise<void> {
    unwrap(await this.api.removeParticipant(participantId));
  }

  /** Frames encrypted/decrypted/rejected (by code), per participant id. */
  async counters(): Promise<Record<string, SenderCounters>> {
    return unwrap(await this.api.counters());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }

  private attach(endpoint: Endpoint, options: TransformOptions | LaterReceiveOptions): void {
    if (this.disposed) throw new E2eeError('unsupported', 'E2eeController is disposed');
    if (hasScriptTransform()) {
      endpoint.transform = new RTCRtpScriptTransform(this.worker, options);
      return;
    }
    if (typeof endpoint.createEncodedStreams === 'function') {
      // Needs `encodedInsertableStreams: true` in the RTCPeerConnection configuration.
      const { readable, writable } = endpoint.createEncodedStreams();
      void this.api
        .attachStreams(Comlink.transfer(readable, [readable]), Comlink.transfer(writable, [writable]), options)
        .then(unwrap)
        .catch((error: unknown) => console.error('[e2ee] attaching encoded streams failed', error));
      return;
    }
    // Fail closed: without a transform there is no encryption, so there must be no media.
    throw new E2eeError('unsupported', 'this browser cannot encrypt media (no encoded transform API)');
  }
}
