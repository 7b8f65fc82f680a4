/**
 * The stream stage that sits in an RTCRtpScriptTransform (or createEncodedStreams) pipe:
 * encoded frames in, SFrame-encrypted or decrypted frames out. A frame that fails is
 * dropped and counted, never written through: there is no code path that forwards a
 * received frame's original bytes. Uses only Streams, so it runs in a worker and in Node.
 */
import { soleBuffer } from './bytes';
import { codecFromMimeType, type Codec, type MediaKind } from './clear-prefix';
import { E2eeError, type E2eeErrorCode } from './errors';
import type { FrameCryptor } from './frame-cryptor';
import { AUDIO_KEY_WAIT, KeyWaitQueue, VIDEO_KEY_WAIT } from './key-wait-queue';

/** The part of RTCEncodedVideoFrame / RTCEncodedAudioFrame we use. */
export interface EncodedFrame {
  data: ArrayBuffer;
  readonly type?: string;
  getMetadata?(): { mimeType?: string };
}

export type TransformOperation = 'encrypt' | 'decrypt';

/** The `options` of an RTCRtpScriptTransform, as sent by E2eeController. */
export interface TransformOptions {
  operation: TransformOperation;
  kind: MediaKind;
  /** Sender side: our own id. Receiver side: the remote sender this receiver belongs to. */
  participantId: string;
  /** Used when frame metadata carries no mimeType. */
  codec?: Codec;
  /** Receiver only, set inside a worker (never parsed from the main thread): DecryptInfo.replayScope. */
  replayScope?: string;
  /** Test hook (sender only): forward frames in the clear so receivers' rejection can be tested. */
  bypassEncryption?: boolean;
  /**
   * Sender only: the connection this sender belongs to. Its frames are dropped until the
   * worker is told to release the link (the peer proved the room key), so the encoder runs
   * warm from the start but nothing leaves for a peer that has not been verified.
   */
  link?: string;
}

/**
 * The options of a receiver made before its sender is known (the call's spare connection, built
 * before anyone turns up): Chromium runs a receiver transform only when it is set as the
 * receiver is created, so it is set then, and its frames wait in the worker until
 * `bindReceiver(token, participantId)` names the sender. Unbound, nothing passes.
 */
export interface LaterReceiveOptions {
  operation: 'decrypt';
  kind: MediaKind;
  token: string;
  codec?: Codec;
}

const CODECS: ReadonlySet<string> = new Set<Codec>(['vp8', 'vp9', 'opus', 'h264', 'av1', 'unknown']);
const MAX_ID_LENGTH = 256;

/** Validates transform options: they cross the main-thread → worker boundary. */
export function parseTransformOptions(raw: unknown): TransformOptions {
  const fail = (why: string): never => {
    throw new E2eeError('invalid-message', `invalid transform options: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null) return fail('not an object');
  const o = raw as Record<string, unknown>;
  if (o.operation !== 'encrypt' && o.operation !== 'decrypt') return fail('operation');
  if (o.kind !== 'audio' && o.kind !== 'video') return fail('kind');
  if (typeof o.participantId !== 'string' || o.participantId.length === 0 || o.participantId.length > MAX_ID_LENGTH) {
    return fail('participantId');
  }
  if (o.codec !== undefined && (typeof o.codec !== 'string' || !CODECS.has(o.codec))) return fail('codec');
  if (o.bypassEncryption !== undefined && typeof o.bypassEncryption !== 'boolean') return fail('bypassEncryption');
  if (o.bypassEncryption === true && o.operation !== 'encrypt') return fail('bypassEncryption is for senders only');
  if (o.link !== undefined && (typeof o.link !== 'string' || o.link.length === 0 || o.link.length > MAX_ID_LENGTH)) return fail('link');
  if (o.link !== undefined && o.operation !== 'encrypt') return fail('link is for senders only');
  return {
    operation: o.operation,
    kind: o.kind,
    participantId: o.participantId,
    ...(o.codec === undefined ? {} : { codec: o.codec as Codec }),
    ...(o.bypassEncryption === true ? { bypassEncryption: true } : {}),
    ...(o.link === undefined ? {} : { link: o.link as string }),
  };
}

/**
 * The codec of a frame: its metadata's mimeType (both ends see the negotiated codec, so they
 * agree on the clear prefix), else the option, else the default per kind.
 */
export function frameCodec(frame: EncodedFrame, options: TransformOptions): Codec {
  let codec: Codec = 'unknown';
  try {
    codec = codecFromMimeType(frame.getMetadata?.().mimeType);
  } catch {
    // getMetadata can throw on a detached frame; fall through to the defaults.
  }
  if (codec !== 'unknown') return codec;
  return options.codec ?? (options.kind === 'video' ? 'vp8' : 'opus');
}

/**
 * Options naming a `token` are a later-bound receiver's (LaterReceiveOptions): validated and
 * returned. Any other options give null (parseTransformOptions reads those).
 */
export function parseLaterReceive(raw: unknown): LaterReceiveOptions | null {
  if (typeof raw !== 'object' || raw === null || !('token' in raw)) return null;
  const o = raw as Record<string, unknown>;
  const fail = (why: string): never => {
    throw new E2eeError('invalid-message', `invalid transform options: ${why}`);
  };
  if (o.operation !== 'decrypt') return fail('a token is for receivers only');
  if (o.kind !== 'audio' && o.kind !== 'video') return fail('kind');
  if (typeof o.token !== 'string' || o.token.length === 0 || o.token.length > MAX_ID_LENGTH) return fail('token');
  if (o.participantId !== undefined) return fail('a later-bound receiver names its sender in bindReceiver');
  if (o.codec !== undefined && (typeof o.codec !== 'string' || !CODECS.has(o.codec))) return fail('codec');
  return { operation: 'decrypt', kind: o.kind, token: o.token, ...(o.codec === undefined ? {} : { codec: o.codec as Codec }) };
}

/** A transform stage; `dispose()` detaches it from the cryptor once its pipe has ended. */
export type FrameTransformStage<F> = TransformStream<F, F> & { dispose(): void };

export function createFrameTransform<F extends EncodedFrame>(
  cryptor: FrameCryptor,
  options: TransformOptions,
  onDrop?: (code: E2eeErrorCode) => void,
  now: () => number = Date.now,
  /** Sender only: true while this sender's link is held (its peer is not verified yet). */
  held: () => boolean = () => false,
): FrameTransformStage<F> {
  if (options.operation === 'encrypt') {
    const stage = new TransformStream<F, F>({
      async transform(frame, controller) {
        // Held: the frame is dropped before anything else, even the bypass test hook.
        if (held()) return;
        if (options.bypassEncryption === true) {
          controller.enqueue(frame);
          return;
        }
        try {
          const data = new Uint8Array(frame.data);
          const info = { kind: options.kind, codec: frameCodec(frame, options), keyFrame: frame.type === 'key' };
          frame.data = soleBuffer(await cryptor.encrypt(data, info));
          controller.enqueue(frame);
        } catch (error) {
          // FrameCryptor has counted it; the frame is dropped, never sent in the clear.
          onDrop?.(error instanceof E2eeError ? error.code : 'invalid-key');
        }
      },
    });
    return Object.assign(stage, { dispose: () => undefined });
  }
  return decryptStage(cryptor, options, onDrop, now);
}

/**
 * Decrypts a receiver's frames. A frame under an epoch we do not hold yet waits (bounded, see
 * KeyWaitQueue) and is retried when the next epoch key is installed; it is released only if
 * it then decrypts. All work runs on one promise chain so frames leave in arrival order.
 */
function decryptStage<F extends EncodedFrame>(cryptor: FrameCryptor, options: TransformOptions, onDrop: ((code: E2eeErrorCode) => void) | undefined, now: () => number): FrameTransformStage<F> {
  const waiting = new KeyWaitQueue<F>(options.kind === 'video' ? VIDEO_KEY_WAIT : AUDIO_KEY_WAIT);
  let out: TransformStreamDefaultController<F> | null = null;
  let chain: Promise<void> = Promise.resolve();
  const missed = (frames: F[]) => {
    for (let i = 0; i < frames.length; i++) {
      cryptor.countRejected(options.participantId, 'missing-key');
      onDrop?.('missing-key');
    }
  };
  const open = async (frame: F, at: number): Promise<void> => {
    const info = { kind: options.kind, codec: frameCodec(frame, options), senderId: options.participantId, ...(options.replayScope === undefined ? {} : { replayScope: options.replayScope }) };
    const result = await cryptor.decrypt(new Uint8Array(frame.data), info, { deferMissingKey: true });
    if (result.ok) {
      frame.data = soleBuffer(result.data);
      try {
        out?.enqueue(frame);
      } catch {
        // The stream has closed meanwhile: nothing to deliver to.
      }
    } else if (result.code === 'missing-key') {
      missed(waiting.hold(frame, at));
    } else {
      onDrop?.(result.code);
    }
  };
  const retry = () => {
    if (waiting.size === 0) return;
    chain = chain
      .then(async () => {
        const { fresh, expired } = waiting.take(now());
        missed(expired);
        for (const { frame, at } of fresh) await open(frame, at);
      })
      .catch(() => undefined);
  };
  const off = cryptor.onEpoch(retry);
  // The stream ended (flush) or its pipe did (dispose): stop listening, count what still waits.
  const detach = () => {
    off();
    missed(waiting.take(Number.POSITIVE_INFINITY).expired);
  };
  const stage = new TransformStream<F, F>({
    start(controller) {
      out = controller;
    },
    transform(frame) {
      const at = now();
      chain = chain
        .then(async () => {
          if (waiting.size > 0) missed(waiting.expire(at));
          await open(frame, at);
        })
        .catch(() => undefined);
      return chain;
    },
    flush: detach,
  });
  return Object.assign(stage, { dispose: detach });
}
