/**
 * Everything the forward worker does, minus the worker globals (so it runs in Node tests
 * with fake frames). A forwarder receives a source's SFrame ciphertext from its parent and:
 *   1. writes a copy of each frame, byte for byte, into the sender towards every child of
 *      that stream (written through the child sender's `createEncodedStreams()` writable:
 *      Chromium silently drops frames written through a second RTCRtpScriptTransform);
 *   2. decrypts its own copy for its decoder. It must decode: a receiver that never decodes
 *      asks its parent for key frames without end.
 * The child senders' own track is a placeholder; its encoded frames are read and discarded.
 * A key frame from the placeholder encoder means the child asked for one (PLI/FIR), so it is
 * passed upstream through the receiver's `sendKeyFrameRequest`, rate-limited by a KeyFrameGate.
 * The origin's own sender encrypts with the same SFrame code as the E2EE worker.
 * Per-branch layers: a congested child's video can be capped to fewer temporal layers
 * (`setChildLayers`, temporal-thinning.ts): its upper-layer frames are not passed on.
 * Standby children (paused) get nothing until resumed; `primeStandby` readies their first
 * picture ahead of the resume (primed-frames.ts).
 */
import type { MediaKind } from '../../e2ee/clear-prefix';
import { E2eeError, type E2eeErrorCode } from '../../e2ee/errors';
import { FrameCryptor, type SenderCounters } from '../../e2ee/frame-cryptor';
import { createFrameTransform, frameCodec, type EncodedFrame } from '../../e2ee/frame-transform';
import type { KeyFrameControl } from '../../e2ee/worker-core';
import { ForwardingError, type ForwardingErrorData } from './forwarding-error';
import { id, parseForwardOptions, streamId, type ChildOptions, type OriginOptions, type ReceiveOptions } from './forward-options';
import { DEFAULT_KEY_FRAME_INTERVAL_MS, KeyFrameGate, NEW_CHILD_WINDOW_MS } from './key-frame-gate';
import { LinkFrames, receivedCount } from './link-frames';
import { PayloadLedger, type LedgerEntry } from './payload-ledger';
import { PrimedFrames } from './primed-frames';
import { ChildThinning, type TemporalInfo } from './temporal-thinning';

export type ForwardResult<T = undefined> = { ok: true; value: T } | { ok: false; error: ForwardingErrorData };

export interface ChildCounters {
  /** Frames of the stream that arrived while this child was attached. */
  offered: number;
  /** Copies the child's sender accepted. */
  forwarded: number;
  /** Copies that could not be made or written. */
  failed: number;
  /** Frames not passed on by choice: above the child's temporal-layer cap (per-branch layers). */
  thinned: number;
  /** The cap now: highest temporal layer passed on (2: all). */
  maxTemporal: number;
  /** Frames of the placeholder encoder, read and thrown away. */
  placeholderDiscarded: number;
  /** Placeholder key frames: the child's key-frame requests as the encoder saw them. */
  placeholderKeyFrames: number;
}

export interface StreamCounters {
  kind: MediaKind;
  sourceId: string;
  /** Ciphertext frames read from the parent. */
  received: number;
  /** Of those, frames that authenticated and went to our decoder. */
  decrypted: number;
  keyFrameRequestsUp: number;
  keyFrameRequestsSuppressed: number;
  /** Debug: how long after priming began its key frame came, the last time a resumed child waited for it. */
  awaitedKeyMs?: number;
  /** Video: frames received per temporal layer ('-': the frame said none), from their metadata. */
  temporalLayers: Record<string, number>;
  children: Record<string, ChildCounters>;
}

export interface ForwarderCounters {
  streams: Record<string, StreamCounters>;
  /** Our own frames encrypted and handed to our sender, by stream id. */
  sent: Record<string, number>;
  /** The SFrame cryptor's counters per participant: `decrypted` and `rejected` by reason. */
  cryptor: Record<string, SenderCounters>;
  drops: Partial<Record<E2eeErrorCode, number>>;
}

export interface ForwarderApi {
  setRoomSecret(secret: string): ForwardResult;
  /** The room's media epoch key (handed out by the call's leader); epochs only move forward. */
  setEpoch(epoch: number, key: Uint8Array): ForwardResult;
  attachOrigin(readable: ReadableStream, writable: WritableStream, options: OriginOptions): ForwardResult;
  attachChild(readable: ReadableStream, writable: WritableStream, options: ChildOptions): ForwardResult;
  detachChild(childId: string): ForwardResult<number>;
  /** A child's link just connected: ask upstream for a key frame for it now; returns the requests passed. */
  childConnected(childId: string): ForwardResult<number>;
  /** Per-branch layers: the highest temporal layer (0–2) of video passed to this child link. */
  setChildLayers(childId: string, maxTemporal: number): ForwardResult;
  counters(): ForwardResult<ForwarderCounters>;
  /**
   * A standby child link takes over: frames flow to it from now on. Its video starts with the
   * primed frames where there are any (primeStandby), else a key frame is asked for it.
   */
  resumeChild(childId: string): ForwardResult<ResumeResult>;
  /**
   * A member went down, so standby children may be resumed soon: for each video stream with a
   * paused child, ask upstream for a key frame now and keep the frames from it on for a while
   * (PrimedFrames). Returns how many streams were primed.
   */
  primeStandby(): ForwardResult<number>;
  /** A spare receiver (`receive-later`) is `sourceId`'s now: its frames start flowing to the decrypter and children. */
  bindReceiver(token: string, sourceId: string): ForwardResult;
  /**
   * Frames received per stream id and per link (ReceiveOptions.link), and how long ago the
   * last one came: cheap, polled often to tell a live parent from a gone one.
   */
  received(): ForwardResult<ReceivedCounts>;
  /** Stream id → (SFrame CTR → [ciphertext hash, when it passed]), for the last few hundred frames. */
  ledgers(): ForwardResult<Record<string, Record<number, LedgerEntry>>>;
}

export interface ReceivedCounts {
  streams: Record<string, ReceivedCount>;
  /**
   * Per link, audio and video together. A source's streams can arrive by two links at once
   * (a parked link still fed, beside the new one): counted per stream, the frames of one made
   * the other's parent look alive. In the eight-page test a crashed parent's report was voided
   * that way, and its orphan stalled it by silence 4 s later.
   */
  links: Record<string, ReceivedCount>;
}

export interface ReceivedCount {
  count: number;
  /**
   * How long ago the last frame arrived (ms, the worker's monotonic clock; Infinity: none yet).
   * An age, not a time: a worker's and a page's wall clocks can part after a laptop sleeps.
   */
  ageMs: number;
}

export interface ResumeResult {
  /** Outputs (one per stream of the link) that were paused and now pass frames. */
  resumed: number;
  /** Of the video outputs, those that started with primed frames instead of a key-frame request. */
  primed: number;
  /** Of the video outputs, those primed whose key frame had not come yet: it will reach them live. */
  awaitingKey: number;
  /** Debug: how long ago priming began (absent: not primed), and its key frame came (absent: none yet). */
  primedMsAgo?: number;
  keyMsAgo?: number;
}

export interface ForwarderCoreOptions<F extends EncodedFrame> {
  /** An independent copy of a frame that a different sender accepts (Chromium: the copy constructor). */
  cloneFrame: (frame: F) => F;
  /** Monotonic ms for rate limits. */
  now?: () => number;
  /** Ms on a clock shared with other pages of the browser, for the ledger's timestamps. */
  wallClock?: () => number;
  keyFrameIntervalMs?: number;
}

interface ChildOutput<F> {
  writer: WritableStreamDefaultWriter<F>;
  counters: ChildCounters;
  thinning: ChildThinning;
  abort: AbortController;
  /** A standby link: connected, but passed nothing (and asking nothing) until `resumeChild`. */
  paused: boolean;
}

interface StreamState<F extends EncodedFrame> {
  kind: MediaKind;
  sourceId: string;
  received: number;
  /** When the last frame was received (`now`: monotonic). */
  lastAt: number;
  decrypted: number;
  ledger: PayloadLedger;
  gate: KeyFrameGate;
  keyFrames: KeyFrameControl | undefined;
  temporalLayers: Record<string, number>;
  children: Map<string, ChildOutput<F>>;
  /** Frames kept for standby children about to be resumed (primeStandby, primed-frames.ts). */
  primed?: PrimedFrames<F>;
  /** A child resumed to wait for the key frame asked for at priming: when priming began (debug). */
  keyAwaitedSince?: number;
  /** Debug: how long after priming began that key frame came, the last time a child waited for it. */
  awaitedKeyMs?: number;
}

/**
 * Spare and standby receivers waiting for their source (and bindings waiting for their
 * receiver), at most: two per link, and a closed link's stay until pushed out.
 */
const MAX_WAITING = 64;

/** A later-bound receiver's options once its source is known. */
function boundReceive(kind: MediaKind, sourceId: string, link: string | undefined): ReceiveOptions {
  return { role: 'receive', kind, sourceId, ...(link === undefined ? {} : { link }) };
}

/** Sets `key` in a map kept to MAX_WAITING entries, the oldest forgotten first. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MAX_WAITING) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

function run<T>(fn: () => T): ForwardResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    const e = error instanceof ForwardingError ? error : new ForwardingError('invalid-message', String(error), { cause: error });
    return { ok: false, error: e.toData() };
  }
}

export class ForwarderCore<F extends EncodedFrame = EncodedFrame> {
  readonly cryptor = new FrameCryptor();
  private readonly streams = new Map<string, StreamState<F>>();
  /** Receive pipes started so far: each gets its own replay scope. */
  private receiveCount = 0;
  private readonly linkFrames = new LinkFrames();
  private readonly sent = new Map<string, number>();
  private readonly drops = new Map<E2eeErrorCode, number>();
  /** Spare receivers' transforms, by token, until bound (`receive-later`); at most MAX_WAITING. */
  private readonly waiting = new Map<string, { readable: ReadableStream<F>; writable: WritableStream<F>; kind: MediaKind; keyFrames: KeyFrameControl | undefined; link?: string }>();
  /** Bindings that came before their transform (the two travel separately), by token. */
  private readonly boundEarly = new Map<string, string>();
  private readonly now: () => number;
  private readonly wallClock: () => number;

  constructor(private readonly options: ForwarderCoreOptions<F>) {
    this.now = options.now ?? (() => performance.now());
    this.wallClock = options.wallClock ?? (() => performance.timeOrigin + performance.now());
  }

  readonly api: ForwarderApi = {
    setRoomSecret: (secret) =>
      run(() => {
        if (typeof secret !== 'string') throw new ForwardingError('invalid-message', 'secret must be a string');
        try {
          this.cryptor.setRoomSecret(secret);
        } catch (cause) {
          throw new ForwardingError('invalid-message', cause instanceof E2eeError ? cause.message : 'bad secret', { cause });
        }
        for (const s of this.streams.values()) this.requestUpstream(s, true);
        return undefined;
      }),
    setEpoch: (epoch, key) =>
      run(() => {
        if (typeof epoch !== 'number' || !(key instanceof Uint8Array)) throw new ForwardingError('invalid-message', 'setEpoch(epoch: number, key: Uint8Array)');
        try {
          this.cryptor.setEpoch(epoch, key);
        } catch (cause) {
          throw new ForwardingError('invalid-message', cause instanceof E2eeError ? cause.message : 'bad epoch', { cause });
        }
        // Our parents' frames under the new key start with the next key frame: ask for one now.
        for (const s of this.streams.values()) this.requestUpstream(s, true);
        return undefined;
      }),
    attachOrigin: (readable, writable, options) => run(() => this.handleOrigin(readable, writable, options)),
    attachChild: (readable, writable, options) => run(() => this.handleChild(readable, writable, options)),
    detachChild: (childId) => run(() => this.detachChild(childId)),
    childConnected: (childId) =>
      run(() => {
        if (typeof childId !== 'string') throw new ForwardingError('invalid-message', 'childConnected(childId: string)');
        return this.childConnected(childId);
      }),
    setChildLayers: (childId, maxTemporal) =>
      run(() => {
        if (typeof childId !== 'string' || typeof maxTemporal !== 'number' || !Number.isFinite(maxTemporal)) {
          throw new ForwardingError('invalid-message', 'setChildLayers(childId: string, maxTemporal: number)');
        }
        for (const s of this.streams.values()) {
          const child = s.children.get(childId);
          if (child && s.kind === 'video') {
            child.thinning.setMaxTemporal(maxTemporal);
            child.counters.maxTemporal = child.thinning.maxTemporal;
          }
        }
        return undefined;
      }),
    counters: () => run(() => this.counters()),
    resumeChild: (childId) => run(() => this.resumeChild(id(childId, 'childId'))),
    primeStandby: () => run(() => this.primeStandby()),
    bindReceiver: (token, sourceId) =>
      run(() => {
        const t = id(token, 'token');
        const source = id(sourceId, 'sourceId');
        const w = this.waiting.get(t);
        if (w === undefined) {
          remember(this.boundEarly, t, source);
          return undefined;
        }
        this.waiting.delete(t);
        this.startReceive(w.readable, w.writable, boundReceive(w.kind, source, w.link), w.keyFrames);
        return undefined;
      }),
    received: () =>
      run(() => {
        const now = this.now();
        return {
          streams: Object.fromEntries([...this.streams].map(([id, s]) => [id, receivedCount(s.received, s.lastAt, now)])),
          links: this.linkFrames.snapshot(now),
        };
      }),
    ledgers: () =>
      run(() => {
        const out: Record<string, Record<number, LedgerEntry>> = {};
        for (const [id, s] of this.streams) out[id] = s.ledger.snapshot();
        return out;
      }),
  };

  /** A receiver's frames (its RTCRtpScriptTransformer): copy to the children, decrypt for our decoder. */
  handleReceive(readable: ReadableStream<F>, writable: WritableStream<F>, rawOptions: unknown, keyFrames?: KeyFrameControl): () => void {
    const options = parseForwardOptions(rawOptions);
    if (options.role === 'receive-later') {
      const source = this.boundEarly.get(options.token);
      if (source !== undefined) {
        this.boundEarly.delete(options.token);
        return this.startReceive(readable, writable, boundReceive(options.kind, source, options.link), keyFrames);
      }
      // Nothing flows until the link connects, and it connects only after it was bound.
      remember(this.waiting, options.token, { readable, writable, kind: options.kind, keyFrames, ...(options.link === undefined ? {} : { link: options.link }) });
      return () => this.waiting.delete(options.token);
    }
    if (options.role !== 'receive') throw new ForwardingError('invalid-message', 'a receiver transform needs role "receive"');
    return this.startReceive(readable, writable, options, keyFrames);
  }

  private startReceive(readable: ReadableStream<F>, writable: WritableStream<F>, options: ReceiveOptions, keyFrames: KeyFrameControl | undefined): () => void {
    const stream = this.stream(options);
    stream.keyFrames = keyFrames;
    this.cryptor.addParticipant(options.sourceId);
    const link = options.link === undefined ? undefined : this.linkFrames.open(options.link);
    const fanOut = new TransformStream<F, F>({
      transform: (frame, controller) => {
        link?.frame(this.now());
        this.forward(stream, frame);
        controller.enqueue(frame);
      },
    });
    // Each link refuses replays on its own (DecryptInfo.replayScope): a new link's decoder
    // needs its own key frame, even one we decrypted through the link before.
    const replayScope = `link-${++this.receiveCount}`;
    const decrypt = createFrameTransform<F>(this.cryptor, { operation: 'decrypt', kind: options.kind, participantId: options.sourceId, replayScope }, (code) =>
      this.drop(code),
    );
    const count = new TransformStream<F, F>({
      transform: (frame, controller) => {
        stream.decrypted++;
        controller.enqueue(frame);
      },
    });
    return this.pipe(readable.pipeThrough(fanOut).pipeThrough(decrypt).pipeThrough(count), writable, () => {
      decrypt.dispose();
      this.cryptor.dropReplayScope(replayScope);
      link?.close();
    });
  }

  private forward(stream: StreamState<F>, frame: F): void {
    stream.received++;
    stream.lastAt = this.now();
    const bytes = new Uint8Array(frame.data);
    const codec = frameCodec(frame, { operation: 'decrypt', kind: stream.kind, participantId: stream.sourceId });
    stream.ledger.record(stream.kind, codec, bytes, this.wallClock());
    const temporal = stream.kind === 'video' ? temporalInfo(frame) : null;
    if (temporal) {
      const layer = temporal.temporalIndex === undefined ? '-' : String(temporal.temporalIndex);
      stream.temporalLayers[layer] = (stream.temporalLayers[layer] ?? 0) + 1;
    }
    if (stream.primed && !stream.primed.keep(frame, temporal, bytes.byteLength, this.now())) stream.primed = undefined;
    if (stream.keyAwaitedSince !== undefined && frame.type === 'key') {
      stream.awaitedKeyMs = Math.round(this.now() - stream.keyAwaitedSince);
      stream.keyAwaitedSince = undefined;
    }
    for (const child of stream.children.values()) {
      if (!child.paused) this.sendTo(child, frame, temporal);
    }
  }

  /** One frame to one child: through its layer cap, as a copy its sender accepts. */
  private sendTo(child: ChildOutput<F>, frame: F, temporal: TemporalInfo | null): void {
    child.counters.offered++;
    if (temporal && !child.thinning.admit(temporal)) {
      child.counters.thinned++;
      return;
    }
    let copy: F;
    try {
      copy = this.options.cloneFrame(frame);
    } catch {
      child.counters.failed++;
      return;
    }
    child.writer.write(copy).then(
      () => child.counters.forwarded++,
      () => child.counters.failed++,
    );
  }

  private primeStandby(): number {
    let n = 0;
    for (const s of this.streams.values()) {
      if (s.kind !== 'video' || ![...s.children.values()].some((c) => c.paused)) continue;
      const now = this.now();
      n++;
      if (s.primed?.live(now)) {
        s.primed.extend(now);
        continue;
      }
      s.primed = new PrimedFrames(now, this.options.cloneFrame);
      // Through the new-child gate: a key frame asked for less than 150 ms ago is on its way.
      this.requestUpstream(s, false, true);
    }
    return n;
  }

  private resumeChild(childId: string): ResumeResult {
    const result: ResumeResult = { resumed: 0, primed: 0, awaitingKey: 0 };
    for (const s of this.streams.values()) {
      const out = s.children.get(childId);
      if (!out?.paused) continue;
      out.paused = false;
      result.resumed++;
      if (s.kind !== 'video') continue;
      const now = this.now();
      if (s.primed) Object.assign(result, s.primed.ages(now));
      const start = s.primed?.start(now) ?? { how: 'ask' };
      if (start.how === 'frames') {
        for (const f of start.frames) this.sendTo(out, f.frame, f.temporal);
        result.primed++;
      } else if (start.how === 'await') {
        result.awaitingKey++;
        s.keyAwaitedSince ??= now - (result.primedMsAgo ?? 0);
      } else {
        // Its first picture needs a key frame, as a newly connected child's does.
        this.requestUpstream(s, false, true);
      }
      this.releasePrimed(s);
    }
    return result;
  }

  /** Primed frames nobody can use any more (no paused child left) are let go at once. */
  private releasePrimed(s: StreamState<F>): void {
    if (s.primed !== undefined && ![...s.children.values()].some((c) => c.paused)) s.primed = undefined;
  }

  private handleChild(readable: ReadableStream, writable: WritableStream, raw: unknown): undefined {
    if (!(readable instanceof ReadableStream) || !(writable instanceof WritableStream)) {
      throw new ForwardingError('invalid-message', 'attachChild needs a ReadableStream and a WritableStream');
    }
    const options = parseForwardOptions(raw);
    if (options.role !== 'child') throw new ForwardingError('invalid-message', 'attachChild needs role "child"');
    const stream = this.stream(options);
    stream.children.get(options.childId)?.abort.abort();
    const counters: ChildCounters = { offered: 0, forwarded: 0, failed: 0, thinned: 0, maxTemporal: 2, placeholderDiscarded: 0, placeholderKeyFrames: 0 };
    const abort = new AbortController();
    // Its placeholder's first frame: the link's sender has started, so the child is coming up.
    let firstFrameAt: number | undefined;
    const output: ChildOutput<F> = { writer: (writable as WritableStream<F>).getWriter(), counters, thinning: new ChildThinning(), abort, paused: options.paused === true };
    stream.children.set(options.childId, output);
    // The placeholder encoder's frames: never sent, but its key frames tell us the child lost the picture.
    const discard = new WritableStream<F>({
      write: (frame) => {
        counters.placeholderDiscarded++;
        // A standby child has no picture to lose yet; once resumed it counts as new from then.
        if (output.paused) return;
        firstFrameAt ??= this.now();
        if (frame.type === 'key') {
          counters.placeholderKeyFrames++;
          this.requestUpstream(stream, false, this.now() - firstFrameAt < NEW_CHILD_WINDOW_MS);
        }
      },
    });
    (readable as ReadableStream<F>).pipeTo(discard, { signal: abort.signal }).catch(() => undefined);
    abort.signal.addEventListener('abort', () => {
      output.writer.close().catch(() => undefined);
      if (stream.children.get(options.childId) === output) stream.children.delete(options.childId);
    });
    return undefined;
  }

  private handleOrigin(readable: ReadableStream, writable: WritableStream, raw: unknown): undefined {
    if (!(readable instanceof ReadableStream) || !(writable instanceof WritableStream)) {
      throw new ForwardingError('invalid-message', 'attachOrigin needs a ReadableStream and a WritableStream');
    }
    const options = parseForwardOptions(raw);
    if (options.role !== 'origin') throw new ForwardingError('invalid-message', 'attachOrigin needs role "origin"');
    this.cryptor.setLocalId(options.localId);
    const id = streamId(options.kind, options.localId);
    const stream = this.stream({ kind: options.kind, sourceId: options.localId });
    const encrypt = createFrameTransform<F>(this.cryptor, { operation: 'encrypt', kind: options.kind, participantId: options.localId }, (code) =>
      this.drop(code),
    );
    const record = new TransformStream<F, F>({
      transform: (frame, controller) => {
        this.sent.set(id, (this.sent.get(id) ?? 0) + 1);
        const codec = frameCodec(frame, { operation: 'encrypt', kind: options.kind, participantId: options.localId });
        stream.ledger.record(options.kind, codec, new Uint8Array(frame.data), this.wallClock());
        controller.enqueue(frame);
      },
    });
    this.pipe((readable as ReadableStream<F>).pipeThrough(encrypt).pipeThrough(record), writable as WritableStream<F>);
    return undefined;
  }

  /**
   * A child's link is up: its first picture needs a key frame. Asking now, through the new-child
   * gate, saves the round of its decoder's request coming back as a placeholder key frame (the
   * placeholder paints from a main thread that is busiest during a repair).
   */
  private childConnected(childId: string): number {
    let n = 0;
    for (const s of this.streams.values()) {
      if (s.kind !== 'video' || !s.children.has(childId)) continue;
      const before = s.gate.passed;
      this.requestUpstream(s, false, true);
      n += s.gate.passed - before;
    }
    return n;
  }

  /** Stops forwarding to `childId` on every stream; returns how many outputs were closed. */
  detachChild(childId: string): number {
    let n = 0;
    for (const s of this.streams.values()) {
      const out = s.children.get(childId);
      if (out === undefined) continue;
      out.abort.abort();
      this.releasePrimed(s);
      n++;
    }
    return n;
  }

  counters(): ForwarderCounters {
    const streams: Record<string, StreamCounters> = {};
    for (const [id, s] of this.streams) {
      const children: Record<string, ChildCounters> = {};
      for (const [child, out] of s.children) children[child] = { ...out.counters };
      streams[id] = {
        kind: s.kind,
        sourceId: s.sourceId,
        received: s.received,
        decrypted: s.decrypted,
        keyFrameRequestsUp: s.gate.passed,
        keyFrameRequestsSuppressed: s.gate.suppressed,
        temporalLayers: { ...s.temporalLayers },
        children,
        ...(s.awaitedKeyMs === undefined ? {} : { awaitedKeyMs: s.awaitedKeyMs }),
      };
    }
    return { streams, sent: Object.fromEntries(this.sent), cryptor: this.cryptor.counters(), drops: Object.fromEntries(this.drops) };
  }

  private stream(o: Pick<ReceiveOptions, 'kind' | 'sourceId'>): StreamState<F> {
    const id = streamId(o.kind, o.sourceId);
    let s = this.streams.get(id);
    if (s === undefined) {
      s = {
        kind: o.kind,
        sourceId: o.sourceId,
        received: 0,
        lastAt: 0,
        decrypted: 0,
        ledger: new PayloadLedger(),
        gate: new KeyFrameGate(this.options.keyFrameIntervalMs ?? DEFAULT_KEY_FRAME_INTERVAL_MS),
        keyFrames: undefined,
        temporalLayers: {},
        children: new Map(),
      };
      this.streams.set(id, s);
    }
    return s;
  }

  /** Asks our parent for a key frame for `stream`; `force` skips the gate (a key change); `newChild`: from a child that just attached. */
  private requestUpstream(stream: StreamState<F>, force: boolean, newChild = false): void {
    if (stream.kind !== 'video' || stream.keyFrames?.sendKeyFrameRequest === undefined) return;
    if (!force && !stream.gate.request(this.now(), newChild)) return;
    try {
      stream.keyFrames.sendKeyFrameRequest().catch(() => undefined);
    } catch {
      // Not supported here: the origin's periodic key frame will do.
    }
  }

  private drop(code: E2eeErrorCode): void {
    this.drops.set(code, (this.drops.get(code) ?? 0) + 1);
  }

  private pipe(readable: ReadableStream<F>, writable: WritableStream<F>, onEnd?: () => void): () => void {
    const abort = new AbortController();
    readable
      .pipeTo(writable, { signal: abort.signal })
      .catch(() => {
        // The pipe ends when the transceiver stops; nothing to report.
      })
      .finally(() => onEnd?.());
    return () => abort.abort();
  }
}

/** A video frame's layer and references from its metadata (outside the ciphertext); {} when absent. */
function temporalInfo(frame: EncodedFrame): TemporalInfo {
  let meta: { temporalIndex?: unknown; frameId?: unknown; dependencies?: unknown } = {};
  try {
    meta = (frame.getMetadata?.() ?? {}) as typeof meta;
  } catch {
    // A detached frame: no metadata, so it is treated as layer 0 (always passed on).
  }
  const info: TemporalInfo = { keyFrame: frame.type === 'key' };
  if (typeof meta.temporalIndex === 'number') info.temporalIndex = meta.temporalIndex;
  if (typeof meta.frameId === 'number') info.frameId = meta.frameId;
  if (Array.isArray(meta.dependencies) && meta.dependencies.every((d) => typeof d === 'number')) info.dependencies = meta.dependencies as number[];
  return info;
}
