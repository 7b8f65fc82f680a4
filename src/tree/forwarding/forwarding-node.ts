/**
 * Main-thread side of forwarding: owns the forward worker and attaches it to receivers (an
 * RTCRtpScriptTransform that copies ciphertext to children and decrypts our own copy) and to
 * senders (their `createEncodedStreams()` pair, transferred to the worker). Senders must belong
 * to an RTCPeerConnection created with `encodedInsertableStreams: true` (Chromium only).
 */
import * as Comlink from 'comlink';
import type { MediaKind } from '../../e2ee/clear-prefix';
import { ForwardingError, type ForwardingErrorData } from './forwarding-error';
import type { ForwarderApi, ForwarderCounters, ForwardResult, ReceivedCounts, ResumeResult } from './forwarder-core';
import type { ChildOptions, LaterReceiveOptions, OriginOptions, ReceiveOptions } from './forward-options';
import type { LedgerEntry } from './payload-ledger';

interface EncodedStreamsSender {
  createEncodedStreams?(): { readable: ReadableStream; writable: WritableStream };
}

export interface ForwardingNodeOptions {
  /** Injects the worker (tests, custom bundling). Defaults to the bundled forward worker. */
  createWorker?: () => Worker;
}

function unwrap<T>(result: ForwardResult<T>): T {
  if (!result.ok) throw ForwardingError.fromData(result.error);
  return result.value;
}

export class ForwardingNode {
  private readonly worker: Worker;
  private readonly api: Comlink.Remote<ForwarderApi>;
  private disposed = false;
  /** Rejects once the worker fails: Comlink calls would otherwise wait for ever. */
  private readonly failed: Promise<never>;

  constructor(options: ForwardingNodeOptions = {}) {
    this.worker =
      options.createWorker?.() ??
      new Worker(new URL('../../../workers/forward-worker.ts', import.meta.url), { type: 'module', name: 'lunar-forward' });
    this.api = Comlink.wrap<ForwarderApi>(this.worker);
    this.failed = new Promise<never>((_, reject) => {
      this.worker.addEventListener('error', (event) => {
        reject(new ForwardingError('worker-failed', `forward worker failed: ${event.message || 'could not load'}`));
      });
    });
    this.failed.catch(() => undefined);
  }

  /** Receivers need RTCRtpScriptTransform; forwarding senders need Chromium's createEncodedStreams. */
  static canForward(): boolean {
    const sender = globalThis.RTCRtpSender?.prototype as EncodedStreamsSender | undefined;
    return typeof globalThis.RTCRtpScriptTransform === 'function' && typeof sender?.createEncodedStreams === 'function';
  }

  async setRoomSecret(secret: string): Promise<void> {
    await this.call(this.api.setRoomSecret(secret));
  }

  async setEpoch(epoch: number, key: Uint8Array): Promise<void> {
    await this.call(this.api.setEpoch(epoch, key));
  }

  /** Before any description is applied: Chromium never runs a receiver transform set later. */
  attachReceiver(receiver: RTCRtpReceiver, kind: MediaKind, sourceId: string, link?: string): void {
    this.live();
    const options: ReceiveOptions = { role: 'receive', kind, sourceId, ...(link === undefined ? {} : { link }) };
    receiver.transform = new RTCRtpScriptTransform(this.worker, options);
  }

  /**
   * A spare link's receiver, whose source is not known yet: its transform is set now (it must be,
   * before any description), and `bindReceiver` names the source later. Returns its token.
   */
  attachReceiverLater(receiver: RTCRtpReceiver, kind: MediaKind, link?: string): string {
    this.live();
    const token = `later-${kind}-${crypto.randomUUID()}`;
    const options: LaterReceiveOptions = { role: 'receive-later', kind, token, ...(link === undefined ? {} : { link }) };
    receiver.transform = new RTCRtpScriptTransform(this.worker, options);
    return token;
  }

  async bindReceiver(token: string, sourceId: string): Promise<void> {
    await this.call(this.api.bindReceiver(token, sourceId));
  }

  /** Our own encoded `kind` frames, encrypted once on the way out. */
  async attachOrigin(sender: RTCRtpSender, kind: MediaKind, localId: string): Promise<void> {
    const options: OriginOptions = { role: 'origin', kind, localId };
    const { readable, writable } = this.encodedStreams(sender);
    await this.call(this.api.attachOrigin(Comlink.transfer(readable, [readable]), Comlink.transfer(writable, [writable]), options));
  }

  /** `sender` (its track a placeholder) will carry `sourceId`'s `kind` ciphertext to `childId`. */
  async attachChild(sender: RTCRtpSender, kind: MediaKind, sourceId: string, childId: string, paused = false): Promise<void> {
    const options: ChildOptions = { role: 'child', kind, sourceId, childId, ...(paused ? { paused } : {}) };
    const { readable, writable } = this.encodedStreams(sender);
    await this.call(this.api.attachChild(Comlink.transfer(readable, [readable]), Comlink.transfer(writable, [writable]), options));
  }

  /** A standby child link takes over (see ForwarderCore.resumeChild). */
  async resumeChild(childId: string): Promise<ResumeResult> {
    return await this.call(this.api.resumeChild(childId));
  }

  /** A member went down: readies standby children's first pictures (see ForwarderCore.primeStandby). */
  async primeStandby(): Promise<number> {
    return await this.call(this.api.primeStandby());
  }

  async detachChild(childId: string): Promise<number> {
    return await this.call(this.api.detachChild(childId));
  }

  /** A child's link connected: a key frame is asked for it at once (see ForwarderCore.childConnected). */
  async childConnected(childId: string): Promise<number> {
    return await this.call(this.api.childConnected(childId));
  }

  /** Per-branch layers: caps the temporal layers of video passed to one child link. */
  async setChildLayers(childId: string, maxTemporal: number): Promise<void> {
    await this.call(this.api.setChildLayers(childId, maxTemporal));
  }

  async counters(): Promise<ForwarderCounters> {
    return await this.call(this.api.counters());
  }

  async received(): Promise<ReceivedCounts> {
    return await this.call(this.api.received());
  }

  async ledgers(): Promise<Record<string, Record<number, LedgerEntry>>> {
    return await this.call(this.api.ledgers());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }

  /** Comlink's remote type splits a union result into a union of promises, hence the signature. */
  private async call<T>(
    pending: Promise<ForwardResult<T>> | Promise<{ ok: true; value: T }> | Promise<{ ok: false; error: ForwardingErrorData }>,
  ): Promise<T> {
    const result: ForwardResult<T> = await Promise.race([pending, this.failed]);
    return unwrap(result);
  }

  private live(): void {
    if (this.disposed) throw new ForwardingError('unsupported', 'ForwardingNode is disposed');
  }

  private encodedStreams(sender: RTCRtpSender): { readable: ReadableStream; writable: WritableStream } {
    this.live();
    const s = sender as RTCRtpSender & EncodedStreamsSender;
    if (typeof s.createEncodedStreams !== 'function') {
      throw new ForwardingError('unsupported', 'this browser cannot write encoded frames into a sender');
    }
    // Throws unless the connection has `encodedInsertableStreams: true`.
    return s.createEncodedStreams();
  }
}
