/**
 * Encrypts our own media frames and decrypts other participants', as SFrame with a codec
 * clear prefix: `clearPrefix ‖ SFrameHeader ‖ ciphertext ‖ tag`, AAD = header ‖ clearPrefix.
 * Pure and async (WebCrypto): the worker wraps it, tests drive it directly.
 *
 * Fails closed: `decrypt` returns plaintext only for a frame that authenticates under the
 * expected sender's key; anything else is `{ ok: false, code }` and counted.
 * Send counters are never reset for the life of the instance, so re-keying with the same
 * secret cannot reuse a nonce. Sender ids must be unique per session (they are random
 * peer ids): two sessions with the same id and secret would share keys and counters.
 */
import { cipherSuite, CipherSuite, type CipherSuiteId } from './cipher-suite';
import { clearPrefixLength, type Codec, type MediaKind } from './clear-prefix';
import { E2eeError, type E2eeErrorCode } from './errors';
import { equalBytes } from './bytes';
import { DEFAULT_REPLAY_WINDOW, ReplayWindow } from './replay-window';
import { checkEpoch, checkKey, deriveRoomKey, deriveSenderBaseKey, makeKid, parseKid, senderNumber } from './room-keys';
import { decodeHeader, type DecodedHeader } from './sframe-header';
import { SFrameKey } from './sframe-key';

export interface FrameInfo {
  kind: MediaKind;
  codec: Codec;
}

export interface EncryptInfo extends FrameInfo {
  /** Informational: for VP8 the clear prefix follows the frame's own key-frame bit. */
  keyFrame?: boolean;
}

export interface DecryptInfo extends FrameInfo {
  /** The participant this stream comes from; frames under any other sender's KID are rejected. */
  senderId?: string;
  /**
   * Replays are refused within this scope (default: one scope per sender's KID). A relay tree
   * gives each link its own: a child that moves to a new parent needs that link's own key
   * frame for its new decoder, though it decrypted the same frame through the old link. With
   * one window per KID the new link's key frame was refused as a replay and its decoder waited
   * for another (eight-page test: 1.7 s). A forwarder can then resend, on a link newly opened
   * to it, frames the child already had through another: an old picture for a moment, never a
   * forged one, and never twice on one link.
   */
  replayScope?: string;
}

export type DecryptResult =
  | { ok: true; data: Uint8Array; senderId: string; epoch: number }
  | { ok: false; code: E2eeErrorCode; message: string; senderId?: string };

export interface SenderCounters {
  encrypted: number;
  decrypted: number;
  /** Frames dropped, by reason: decrypt failures for remote senders, encrypt failures for us. */
  rejected: Partial<Record<E2eeErrorCode, number>>;
}

export interface FrameCryptorOptions {
  /** Suite per media kind. Audio defaults to CTR+HMAC-80 (6 bytes less per packet than GCM). */
  suites?: Partial<Record<MediaKind, CipherSuiteId>>;
  replayWindow?: number;
  /** Older epochs kept for decryption, so frames in flight during a key change still play. */
  retainedEpochs?: number;
  localId?: string;
}

export const UNKNOWN_SENDER = '(unknown)';

const DEFAULT_SUITES: Record<MediaKind, CipherSuiteId> = {
  audio: CipherSuite.AES_128_CTR_HMAC_SHA256_80,
  video: CipherSuite.AES_128_GCM_SHA256_128,
};

interface KeyState {
  key: Promise<SFrameKey>;
  /** `key` once derived: lets the per-frame path skip an await. */
  ready?: SFrameKey;
  window: ReplayWindow;
  /** Windows of other replay scopes (DecryptInfo.replayScope), oldest first. */
  scoped?: Map<string, ReplayWindow>;
}

/** Replay scopes kept per KID: links a child holds at once for one source, with room to spare. */
const MAX_REPLAY_SCOPES = 16;

interface EpochState {
  epoch: number;
  epochKey: Uint8Array;
  /** Per-KID keys of this epoch, created on first use. */
  keys: Map<bigint, KeyState>;
  /** Our own KIDs in this epoch, per kind (memoised: encrypt runs per frame). */
  sendKids?: Partial<Record<MediaKind, bigint>>;
}

export class FrameCryptor {
  private readonly suites: Record<MediaKind, CipherSuiteId>;
  private readonly replayWindow: number;
  private readonly retainedEpochs: number;
  private localId: string | undefined;
  /** Newest first; [0] is the epoch we encrypt with. */
  private epochs: EpochState[] = [];
  private readonly senders = new Map<bigint, string>();
  /** Next CTR per KID we send with. A Number: 2^53 frames outlast any call by millennia. */
  private readonly sendCtr = new Map<bigint, number>();
  private readonly stats = new Map<string, SenderCounters>();
  /** senderNumber() hashes; it runs per frame, so memoise it per id. */
  private readonly numbers = new Map<string, bigint>();
  /** Called after every epoch change (receivers retry frames that waited for its key). */
  private readonly epochListeners = new Set<() => void>();

  constructor(options: FrameCryptorOptions = {}) {
    this.suites = { ...DEFAULT_SUITES, ...options.suites };
    cipherSuite(this.suites.audio);
    cipherSuite(this.suites.video);
    this.replayWindow = options.replayWindow ?? DEFAULT_REPLAY_WINDOW;
    this.retainedEpochs = options.retainedEpochs ?? 1;
    if (options.localId !== undefined) this.setLocalId(options.localId);
  }

  setLocalId(id: string): void {
    if (typeof id !== 'string' || id.length === 0) throw new E2eeError('invalid-message', 'local id must be a non-empty string');
    if (this.localId !== undefined && this.localId !== id) {
      throw new E2eeError('invalid-message', 'the local id of a FrameCryptor cannot change');
    }
    this.localId = id;
    this.addParticipant(id);
  }

  /** Lets `decrypt` without an explicit sender map this participant's KIDs back to its id. */
  addParticipant(id: string): void {
    this.senders.set(this.senderNum(id), id);
  }

  /** Forgets a participant: its frames are rejected from now on (until it is added again). */
  removeParticipant(id: string): void {
    const num = this.senderNum(id);
    if (this.senders.get(num) === id) this.senders.delete(num);
    for (const e of this.epochs) {
      for (const kid of e.keys.keys()) if (parseKid(kid)?.senderNumber === num) e.keys.delete(kid);
    }
  }

  /** Starts over at epoch 0 with the room key from the link secret. */
  setRoomSecret(secret: string): void {
    this.epochs = [{ epoch: 0, epochKey: deriveRoomKey(secret), keys: new Map() }];
  }

  /**
   * Moves to epoch `epoch` (its 32-byte key). Epochs only move forward, except that the
   * current epoch's key may be replaced: two members can mint the same epoch number while
   * their views differ, and the room settles on one of the two keys (src/call/epoch-book.ts).
   */
  setEpoch(epoch: number, epochKey: Uint8Array): void {
    checkEpoch(epoch);
    checkKey(epochKey, 'epoch key');
    const current = this.epochs[0];
    if (current === undefined) throw new E2eeError('missing-key', 'set the room secret before an epoch');
    if (epoch < current.epoch || (epoch === current.epoch && epoch === 0)) throw new E2eeError('epoch-order', `epoch ${epoch} is not after ${current.epoch}`);
    if (epoch === current.epoch && equalBytes(current.epochKey, epochKey)) return;
    // KIDs carry only the low 8 bits of the epoch: never hold two epochs that share them.
    const kept = this.epochs.filter((e) => (e.epoch & 0xff) !== (epoch & 0xff)).slice(0, this.retainedEpochs);
    this.epochs = [{ epoch, epochKey: new Uint8Array(epochKey), keys: new Map() }, ...kept];
    for (const listener of this.epochListeners) listener();
  }

  /**
   * Derives the current epoch's key for `senderId`'s `kind` frames now rather than at their
   * first frame: the HKDF steps and WebCrypto's key import (cold in a fresh worker) otherwise
   * sit between a new peer's first key frame and its picture, on both ends (bench/join).
   */
  prepareKey(senderId: string, kind: MediaKind): void {
    const epoch = this.epochs[0];
    if (epoch === undefined || senderId.length === 0) return;
    this.keyState(epoch, this.kidFor(epoch, senderId, kind), senderId, kind);
  }

  /** Subscribes to epoch changes; returns the unsubscribe. */
  onEpoch(listener: () => void): () => void {
    this.epochListeners.add(listener);
    return () => this.epochListeners.delete(listener);
  }

  /** Counts a frame the caller dropped on its own (one that waited for a key in vain). */
  countRejected(senderId: string, code: E2eeErrorCode): void {
    this.reject(senderId, code);
  }

  get currentEpoch(): number | undefined {
    return this.epochs[0]?.epoch;
  }

  async encrypt(frame: Uint8Array, info: EncryptInfo): Promise<Uint8Array> {
    const localId = this.localId ?? '';
    try {
      const epoch = this.epochs[0];
      if (epoch === undefined || this.localId === undefined) throw new E2eeError('missing-key', 'no key to encrypt with');
      const prefix = clearPrefixLength(info.kind, info.codec, frame);
      if (frame.length < prefix) throw new E2eeError('frame-too-short', `frame shorter than its ${prefix}-byte clear prefix`);
      const kid = this.kidFor(epoch, localId, info.kind);
      // Reserve the counter before any await so concurrent calls never share a nonce.
      const ctr = this.sendCtr.get(kid) ?? 0;
      this.sendCtr.set(kid, ctr + 1);
      const state = this.keyState(epoch, kid, localId, info.kind);
      const key = state.ready ?? (await state.key);
      const out = await key.sealFrame(ctr, frame, prefix);
      this.counters(localId).encrypted++;
      return out;
    } catch (error) {
      const e = error instanceof E2eeError ? error : new E2eeError('invalid-key', 'encryption failed', { cause: error });
      this.reject(localId || UNKNOWN_SENDER, e.code);
      throw e;
    }
  }

  /**
   * `deferMissingKey`: a frame under an epoch we lack is not counted as rejected (the caller
   * holds it for the key and counts it with `countRejected` if the key never comes).
   */
  async decrypt(frame: Uint8Array, info: DecryptInfo, opts: { deferMissingKey?: boolean } = {}): Promise<DecryptResult> {
    let attributed = info.senderId ?? UNKNOWN_SENDER;
    try {
      const prefix = clearPrefixLength(info.kind, info.codec, frame);
      const header = this.parseHeader(frame, prefix);
      const parts = parseKid(header.kid);
      const senderId = parts === null ? undefined : (info.senderId ?? this.senders.get(parts.senderNumber));
      if (parts === null || senderId === undefined || parts.senderNumber !== this.senderNum(senderId)) {
        throw new E2eeError('unencrypted', 'not an SFrame frame from the expected sender');
      }
      attributed = senderId;
      if (parts.kind !== info.kind) throw new E2eeError('unencrypted', `a ${parts.kind} KID on a ${info.kind} stream`);
      const epoch = this.epochs.find((e) => (e.epoch & 0xff) === parts.epochLow);
      if (epoch === undefined) throw new E2eeError('missing-key', `no key for epoch …${parts.epochLow} of ${senderId}`);
      const state = this.keyState(epoch, header.kid, senderId, info.kind);
      const window = info.replayScope === undefined ? state.window : this.scopedWindow(state, info.replayScope);
      const verdict = window.check(header.ctr);
      if (verdict !== 'fresh') throw new E2eeError('replay', `CTR ${header.ctr} is ${verdict === 'replay' ? 'a replay' : 'too old'}`);
      const key = state.ready ?? (await state.key);
      const data = await key.openFrame(frame, prefix, header);
      if (!window.accept(header.ctr)) throw new E2eeError('replay', `CTR ${header.ctr} is a replay`);
      this.counters(senderId).decrypted++;
      return { ok: true, data, senderId, epoch: epoch.epoch };
    } catch (error) {
      const e = error instanceof E2eeError ? error : new E2eeError('invalid-tag', 'decryption failed', { cause: error });
      if (!(opts.deferMissingKey === true && e.code === 'missing-key')) this.reject(attributed, e.code);
      return { ok: false, code: e.code, message: e.message, ...(attributed === UNKNOWN_SENDER ? {} : { senderId: attributed }) };
    }
  }

  /** A snapshot of the counters, by sender id (our own id counts what we encrypted). */
  counters(): Record<string, SenderCounters>;
  counters(senderId: string): SenderCounters;
  counters(senderId?: string): Record<string, SenderCounters> | SenderCounters {
    if (senderId === undefined) {
      const out: Record<string, SenderCounters> = {};
      for (const [id, c] of this.stats) out[id] = { ...c, rejected: { ...c.rejected } };
      return out;
    }
    let c = this.stats.get(senderId);
    if (c === undefined) {
      c = { encrypted: 0, decrypted: 0, rejected: {} };
      this.stats.set(senderId, c);
    }
    return c;
  }

  private senderNum(id: string): bigint {
    let n = this.numbers.get(id);
    if (n === undefined) {
      n = senderNumber(id);
      this.numbers.set(id, n);
    }
    return n;
  }

  private reject(senderId: string, code: E2eeErrorCode): void {
    const rejected = this.counters(senderId).rejected;
    rejected[code] = (rejected[code] ?? 0) + 1;
  }

  private parseHeader(frame: Uint8Array, prefix: number): DecodedHeader {
    try {
      return decodeHeader(frame, prefix);
    } catch (cause) {
      throw new E2eeError('unencrypted', 'no SFrame header after the clear prefix', { cause });
    }
  }

  /** Forgets a replay scope's windows (its link has closed). */
  dropReplayScope(scope: string): void {
    for (const e of this.epochs) for (const state of e.keys.values()) state.scoped?.delete(scope);
  }

  private scopedWindow(state: KeyState, scope: string): ReplayWindow {
    state.scoped ??= new Map();
    let w = state.scoped.get(scope);
    if (w === undefined) {
      w = new ReplayWindow(this.replayWindow);
      state.scoped.set(scope, w);
      // Bounded even if a link's end is never heard of: the oldest scope goes.
      if (state.scoped.size > MAX_REPLAY_SCOPES) state.scoped.delete(state.scoped.keys().next().value as string);
    }
    return w;
  }

  /** The KID `senderId` sends `kind` frames under in `epoch` (ours is cached: it is asked per frame). */
  private kidFor(epoch: EpochState, senderId: string, kind: MediaKind): bigint {
    if (senderId !== this.localId) return makeKid(this.senderNum(senderId), kind, epoch.epoch);
    const kids = (epoch.sendKids ??= {});
    return (kids[kind] ??= makeKid(this.senderNum(senderId), kind, epoch.epoch));
  }

  private keyState(epoch: EpochState, kid: bigint, senderId: string, kind: MediaKind): KeyState {
    let state = epoch.keys.get(kid);
    if (state === undefined) {
      const baseKey = deriveSenderBaseKey(epoch.epochKey, senderId, epoch.epoch);
      const key = SFrameKey.fromBaseKey(this.suites[kind], kid, baseKey);
      const created: KeyState = { key, window: new ReplayWindow(this.replayWindow) };
      // A failed derivation stays a rejected `key`: every frame under it is then dropped.
      key.then((k) => (created.ready = k)).catch(() => undefined);
      state = created;
      epoch.keys.set(kid, state);
    }
    return state;
  }
}
