/**
 * Everything the E2EE worker does, minus the worker globals: the FrameCryptor, the
 * transforms attached to it, and the API exposed over Comlink. `workers/e2ee-worker.ts`
 * only wires this to `self`. Errors cross the boundary as data (`ApiResult`), because
 * Comlink turns thrown errors into plain `Error`s and loses the code.
 */
import { E2eeError, type E2eeErrorCode, type E2eeErrorData } from './errors';
import { FrameCryptor, type FrameCryptorOptions, type SenderCounters } from './frame-cryptor';
import { createFrameTransform, parseLaterReceive, parseTransformOptions, type EncodedFrame, type LaterReceiveOptions, type TransformOptions } from './frame-transform';

export type ApiResult<T = undefined> = { ok: true; value: T } | { ok: false; error: E2eeErrorData };

export interface E2eeWorkerApi {
  setRoomSecret(secret: string): ApiResult;
  setEpoch(epoch: number, epochKey: Uint8Array): ApiResult;
  /** Lets a held link's senders send (see TransformOptions.link), starting with a key frame. */
  releaseLink(link: string): ApiResult;
  removeParticipant(participantId: string): ApiResult;
  /** Names the sender of a later-bound receiver (LaterReceiveOptions); its frames then flow. */
  bindReceiver(token: string, participantId: string): ApiResult;
  counters(): ApiResult<Record<string, SenderCounters>>;
  /** The createEncodedStreams fallback: the main thread transfers the streams here. */
  attachStreams(readable: ReadableStream, writable: WritableStream, options: TransformOptions | LaterReceiveOptions): ApiResult;
}

/** What an RTCRtpScriptTransformer offers for key frames (both optional: not every browser has them). */
export interface KeyFrameControl {
  generateKeyFrame?(): Promise<unknown>;
  sendKeyFrameRequest?(): Promise<unknown>;
}

/** A later-bound receiver's pipe, waiting for its sender's name. */
interface WaitingReceiver {
  readable: ReadableStream;
  writable: WritableStream;
  options: LaterReceiveOptions;
  keyFrames: KeyFrameControl | undefined;
  stop: (() => void) | null;
}

/** Bindings that arrived before their receiver's transform did (it reaches the worker on its own event). */
const MAX_BOUND_EARLY = 64;
/** Spare connections closed unused leave their receivers here: the oldest are forgotten. */
const MAX_WAITING = 256;
/** Keys derived ahead at an epoch change (a mesh of 6 needs 12 at most: audio and video per member). */
export const PREPARED_KEYS_PER_EPOCH = 24;

interface ActiveTransform {
  options: TransformOptions;
  keyFrames: KeyFrameControl | undefined;
}

function run<T>(fn: () => T): ApiResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    const e = error instanceof E2eeError ? error : new E2eeError('invalid-message', String(error), { cause: error });
    return { ok: false, error: e.toData() };
  }
}

export class E2eeWorkerCore {
  readonly cryptor: FrameCryptor;
  private readonly active = new Set<ActiveTransform>();
  /** Links whose peers are verified: their senders' frames go out. One short id per connection made. */
  private readonly released = new Set<string>();
  /** Frames dropped by each transform stage, for diagnostics next to the cryptor's counters. */
  readonly drops = new Map<E2eeErrorCode, number>();
  private readonly waiting = new Map<string, WaitingReceiver>();
  private readonly boundEarly = new Map<string, string>();

  constructor(options: FrameCryptorOptions = {}) {
    this.cryptor = new FrameCryptor(options);
  }

  readonly api: E2eeWorkerApi = {
    setRoomSecret: (secret) =>
      run(() => {
        if (typeof secret !== 'string') throw new E2eeError('invalid-message', 'secret must be a string');
        this.cryptor.setRoomSecret(secret);
        this.prepareKeys();
        this.requestKeyFrames();
        return undefined;
      }),
    setEpoch: (epoch, epochKey) =>
      run(() => {
        if (typeof epoch !== 'number' || !(epochKey instanceof Uint8Array)) {
          throw new E2eeError('invalid-message', 'setEpoch(epoch: number, key: Uint8Array)');
        }
        this.cryptor.setEpoch(epoch, epochKey);
        this.prepareKeys();
        this.requestKeyFrames();
        return undefined;
      }),
    releaseLink: (link) =>
      run(() => {
        if (typeof link !== 'string' || link.length === 0) throw new E2eeError('invalid-message', 'link must be a non-empty string');
        if (this.released.has(link)) return undefined;
        this.released.add(link);
        // The receiver has seen nothing yet: its first frame must be a key frame.
        for (const { options, keyFrames } of this.active) {
          if (options.link === link && options.kind === 'video') requestKeyFrame(keyFrames, 'encrypt');
        }
        return undefined;
      }),
    removeParticipant: (participantId) =>
      run(() => {
        if (typeof participantId !== 'string') throw new E2eeError('invalid-message', 'participant id must be a string');
        this.cryptor.removeParticipant(participantId);
        return undefined;
      }),
    bindReceiver: (token, participantId) =>
      run(() => {
        if (typeof token !== 'string' || token.length === 0) throw new E2eeError('invalid-message', 'token must be a non-empty string');
        if (typeof participantId !== 'string' || participantId.length === 0) throw new E2eeError('invalid-message', 'participant id must be a non-empty string');
        const w = this.waiting.get(token);
        if (!w) {
          if (this.boundEarly.size >= MAX_BOUND_EARLY) this.boundEarly.delete(this.boundEarly.keys().next().value as string);
          this.boundEarly.set(token, participantId);
          return undefined;
        }
        this.waiting.delete(token);
        w.stop = this.startBound(w, participantId);
        return undefined;
      }),
    counters: () => run(() => this.cryptor.counters()),
    attachStreams: (readable, writable, options) =>
      run(() => {
        if (!(readable instanceof ReadableStream) || !(writable instanceof WritableStream)) {
          throw new E2eeError('invalid-message', 'attachStreams needs a ReadableStream and a WritableStream');
        }
        this.handleTransform(readable, writable, options);
        return undefined;
      }),
  };

  /**
   * Pipes one sender's or receiver's frames through the cryptor until the pipe ends.
   * Throws `invalid-message` for bad options (the caller should then leave the pipe
   * unconnected: no frames flow at all, which is the closed failure we want).
   * Returns a disposer that stops the pipe.
   */
  handleTransform(
    readable: ReadableStream,
    writable: WritableStream,
    rawOptions: unknown,
    keyFrames?: KeyFrameControl,
  ): () => void {
    const later = parseLaterReceive(rawOptions);
    if (later) return this.waitForSender(readable, writable, later, keyFrames);
    const options = parseTransformOptions(rawOptions);
    if (options.operation === 'encrypt') this.cryptor.setLocalId(options.participantId);
    else this.cryptor.addParticipant(options.participantId);
    const entry: ActiveTransform = { options, keyFrames };
    this.active.add(entry);
    this.cryptor.prepareKey(options.participantId, options.kind);
    const abort = new AbortController();
    const link = options.link;
    const held = link === undefined ? undefined : () => !this.released.has(link);
    const stage = createFrameTransform<EncodedFrame>(
      this.cryptor,
      options,
      (code) => {
        this.drops.set(code, (this.drops.get(code) ?? 0) + 1);
      },
      Date.now,
      held,
    );
    readable
      .pipeThrough(stage, { signal: abort.signal })
      .pipeTo(writable, { signal: abort.signal })
      .catch(() => {
        // The pipe ends when the transceiver stops or we dispose; nothing to report.
      })
      .finally(() => {
        this.active.delete(entry);
        stage.dispose();
      });
    return () => abort.abort();
  }

  /** A later-bound receiver: nothing is read from it until its sender is named (bindReceiver). */
  private waitForSender(readable: ReadableStream, writable: WritableStream, options: LaterReceiveOptions, keyFrames: KeyFrameControl | undefined): () => void {
    const w: WaitingReceiver = { readable, writable, options, keyFrames, stop: null };
    const early = this.boundEarly.get(options.token);
    if (early !== undefined) {
      this.boundEarly.delete(options.token);
      w.stop = this.startBound(w, early);
    } else {
      if (this.waiting.size >= MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value as string);
      this.waiting.set(options.token, w);
    }
    return () => {
      this.waiting.delete(options.token);
      w.stop?.();
    };
  }

  private startBound(w: WaitingReceiver, participantId: string): () => void {
    const { token: _token, ...rest } = w.options;
    return this.handleTransform(w.readable, w.writable, { ...rest, participantId }, w.keyFrames);
  }

  /**
   * The keys the active pipes will need under a new epoch, derived before their first frames;
   * at most PREPARED_KEYS_PER_EPOCH of them (≈0.1 ms of HKDF each, plus an import): in a big
   * room most pipes carry nothing, and the rest derive theirs on their first frame as before.
   */
  private prepareKeys(): void {
    const done = new Set<string>();
    for (const { options } of this.active) {
      if (done.size >= PREPARED_KEYS_PER_EPOCH) return;
      const key = `${options.kind}:${options.participantId}`;
      if (done.has(key)) continue;
      done.add(key);
      this.cryptor.prepareKey(options.participantId, options.kind);
    }
  }

  /** After a key change, new key frames let pictures recover at once instead of at the next periodic one. */
  private requestKeyFrames(): void {
    for (const { options, keyFrames } of this.active) {
      if (options.kind === 'video') requestKeyFrame(keyFrames, options.operation);
    }
  }
}

/** A sender makes a key frame; a receiver asks its sender for one. */
function requestKeyFrame(keyFrames: KeyFrameControl | undefined, operation: 'encrypt' | 'decrypt'): void {
  if (keyFrames === undefined) return;
  const request = operation === 'encrypt' ? keyFrames.generateKeyFrame : keyFrames.sendKeyFrameRequest;
  try {
    request?.call(keyFrames)?.catch(() => undefined);
  } catch {
    // Not supported in this browser: the periodic key frame will do.
  }
}
