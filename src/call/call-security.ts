/**
 * End-to-end security of one call, on the main thread:
 *  - frame transforms (SFrame in the E2EE worker) on every sender and receiver;
 *  - peer verification: each side proves knowledge of the room key bound to both DTLS
 *    fingerprints before we send it any media;
 *  - media epochs: whenever the set of verified members changes, the leader (earliest
 *    joiner) hands every member a fresh random epoch key sealed to its X25519 key, so people
 *    who left (or were removed) cannot decrypt what follows and newcomers cannot decrypt
 *    what came before (except the link's epoch 0 that starts a room);
 *  - safety words over the room key and every member's DTLS fingerprint.
 */
import { markOnce } from '../util/mark-once';
import { E2eeController } from '../e2ee/e2ee-controller';
import type { SenderCounters } from '../e2ee/frame-cryptor';
import { boxBetween, directMessageContext, epochSealContext, generateX25519KeyPair, openBetween, openSealed, prepareEphemeral, sealToPeer, type Ephemeral, type X25519KeyPair } from '../e2ee/key-seal';
import { computePeerProof, deriveAuthKey, verifyPeerProof } from '../e2ee/peer-auth';
import { deriveRoomKey, randomKey } from '../e2ee/room-keys';
import { safetyWords } from '../e2ee/safety-words';
import { fromBase64Url, toBase64Url } from '../util/base64url';
import { EpochBook, type EpochId } from './epoch-book';
import type { FrameTransformHook, MediaKind } from './send-slots';

export interface CallSecurityOptions {
  secret: string;
  myId: string;
  /** Frame encryption on (the default) or off (relay's `E2EE=0`, debugging only). */
  encryptMedia: boolean;
  /** Test hook: our senders pass plaintext, to prove receivers reject it. */
  bypassEncryption?: boolean;
}

export type PeerTrust = 'pending' | 'verified' | 'failed';

const EPOCH_KEYS_KEPT = 4;

/** An ephemeral key pair on its way; a failure surfaces in the seal that uses it. */
function readyEphemeral(): Promise<Ephemeral> {
  const e = prepareEphemeral();
  e.catch(() => undefined);
  return e;
}

export class CallSecurity {
  readonly controller: E2eeController | null;
  private readonly roomKey: Uint8Array;
  private readonly authKey: Uint8Array;
  private x25519!: X25519KeyPair;
  /** The epoch we hold (number and minter) and who its minter meant it for. */
  readonly book: EpochBook;
  /** Recent epoch keys (epoch 0 = the link's room key), for keys derived from them (moderation MACs). */
  private readonly epochKeys = new Map<number, Uint8Array>();
  private certificate!: RTCCertificate;
  /** The next epoch hand-out's ephemeral key pair, made ahead (see `seal`). */
  private nextEphemeral = readyEphemeral();
  /** The last safety words, with the fingerprint set they were derived from. */
  private words: { key: string; words: string[] } | null = null;
  /** Serialises key installs: they must reach the worker in order. */
  private keyChain: Promise<void>;

  /**
   * Settles once the E2EE worker holds the room key; rejects with `worker-failed` when its
   * script could not load (the relay serving it is unreachable), and the call cannot go on.
   */
  readonly started: Promise<void>;

  private constructor(private readonly opts: CallSecurityOptions) {
    this.roomKey = deriveRoomKey(opts.secret);
    this.authKey = deriveAuthKey(this.roomKey);
    this.epochKeys.set(0, this.roomKey);
    this.book = new EpochBook(opts.myId);
    this.controller = opts.encryptMedia ? new E2eeController(opts.bypassEncryption ? { bypassEncryption: true } : {}) : null;
    this.keyChain = this.controller ? this.controller.setRoomSecret(opts.secret) : Promise.resolve();
    this.started = this.keyChain;
    this.started.catch(() => undefined);
  }

  static async create(opts: CallSecurityOptions): Promise<CallSecurity> {
    if (opts.encryptMedia && !E2eeController.isSupported()) {
      throw new Error("This browser can't encrypt calls end to end. Use a recent Chrome, Edge, Firefox or Safari.");
    }
    const security = new CallSecurity(opts);
    // One certificate for all our connections: our fingerprint is then one value everyone
    // can compare (safety words), not one per connection.
    [security.x25519, security.certificate] = await Promise.all([
      generateX25519KeyPair(),
      RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' } as EcKeyGenParams),
    ]);
    // The worker is not awaited: it took ≈150 ms to start on a busy page (bench/join), and
    // nothing needs it before the first connection's frames. Its failure surfaces in `started`.
    return security;
  }

  get certificates(): RTCCertificate[] {
    return [this.certificate];
  }

  get currentEpoch(): number {
    return this.book.current.epoch;
  }

  /** The key of a recent epoch, or null once it is forgotten (or never reached). */
  epochKey(epoch: number): Uint8Array | null {
    return this.epochKeys.get(epoch) ?? null;
  }

  transforms(): FrameTransformHook | undefined {
    const c = this.controller;
    if (!c) return undefined;
    return {
      attachSender: (sender: RTCRtpSender, kind: MediaKind, link: string) => c.attachSender(sender, kind, this.opts.myId, link),
      attachReceiverLater: (receiver: RTCRtpReceiver, kind: MediaKind) => c.attachReceiverLater(receiver, kind),
      bindReceivers: (tokens: readonly string[], remoteId: string) => {
        for (const token of tokens) c.bindReceiver(token, remoteId).catch((err: unknown) => console.warn('could not bind a receiver', err));
      },
    };
  }

  /**
   * Senders of a connection send nothing until its peer is verified: their frames are dropped
   * in the worker. True when that holds, so the call may attach its tracks before verification
   * and keep encoders warm (without frame encryption nothing would hold them back).
   */
  get holdsUnverified(): boolean {
    return this.controller !== null;
  }

  /** The peer on this connection proved the room key: its senders may send. */
  releaseLink(link: string): void {
    this.controller?.releaseLink(link).catch((err: unknown) => console.warn('could not release a connection', err));
  }

  /** Our proof for one connection, and our public key for epoch hand-outs. */
  authMessage(myFingerprint: string, theirFingerprint: string): { t: 'auth'; proof: string; pub: string } {
    const proof = computePeerProof(this.authKey, { myFingerprint, theirFingerprint, myId: this.opts.myId, proverPublicKey: this.x25519.publicKey });
    return { t: 'auth', proof: toBase64Url(proof), pub: toBase64Url(this.x25519.publicKey) };
  }

  /** Our X25519 public key (base64url), as our proofs carry it. */
  get publicKey(): string {
    return toBase64Url(this.x25519.publicKey);
  }

  /**
   * A private message for a member we have no connection to (large rooms: others pass it on):
   * sealed between our X25519 key and theirs, so only they open it and only we could have sealed it.
   */
  async sealMessage(text: string, toId: string, theirPublicKey: string): Promise<string> {
    const boxed = await boxBetween(new TextEncoder().encode(text), this.x25519, fromBase64Url(theirPublicKey), directMessageContext(this.opts.myId, toId));
    return toBase64Url(boxed);
  }

  /** Opens a private message from `fromId` sealed with `sealMessage`; null when it does not open. */
  async openMessage(boxed: string, fromId: string, theirPublicKey: string): Promise<string | null> {
    try {
      const plain = await openBetween(fromBase64Url(boxed), this.x25519, fromBase64Url(theirPublicKey), directMessageContext(fromId, this.opts.myId));
      return new TextDecoder('utf-8', { fatal: true }).decode(plain);
    } catch {
      return null;
    }
  }

  verify(proof: string, theirId: string, myFingerprint: string, theirFingerprint: string, theirPublicKey: string): boolean {
    try {
      return verifyPeerProof(this.authKey, fromBase64Url(proof), { myFingerprint, theirFingerprint, theirId, proverPublicKey: fromBase64Url(theirPublicKey) });
    } catch {
      return false;
    }
  }

  /**
   * Creates the next epoch's key for `recipients` and starts installing it; returns what to
   * seal for each member at once (the hand-outs need not wait for our own worker: receivers
   * keep several epochs, so whoever installs first just waits for the other's frames).
   */
  startEpoch(recipients: readonly string[]): { id: EpochId; key: Uint8Array; installed: Promise<void> } {
    const id = this.book.nextOwn();
    const key = randomKey();
    this.book.adopt(id, recipients);
    return { id, key, installed: this.install(id.epoch, key) };
  }

  /** The key of the epoch we hold now (to pass on to a member who lacks it), or null. */
  currentKey(): Uint8Array | null {
    return this.book.current.epoch === 0 ? null : this.epochKey(this.book.current.epoch);
  }

  async seal(id: EpochId, key: Uint8Array, toId: string, theirPublicKey: string): Promise<string> {
    // Each seal takes the ephemeral made ahead and starts the next one: one use each.
    const ephemeral = this.nextEphemeral;
    this.nextEphemeral = readyEphemeral();
    return toBase64Url(await sealToPeer(key, fromBase64Url(theirPublicKey), epochSealContext(id.epoch, id.minter, this.opts.myId, toId), ephemeral));
  }

  /**
   * Opens and installs an epoch key handed to us (by its minter or passed on by a member);
   * stale or forged hand-outs are ignored. True when it became our epoch.
   */
  async receiveEpoch(id: EpochId, recipients: readonly string[], sealed: string, fromId: string): Promise<boolean> {
    if (!this.book.accepts(id) || !recipients.includes(this.opts.myId)) return false;
    let key: Uint8Array;
    try {
      key = await openSealed(fromBase64Url(sealed), this.x25519, epochSealContext(id.epoch, id.minter, fromId, this.opts.myId));
    } catch {
      return false;
    }
    // Another hand-out may have moved us on while this one was being opened.
    if (!this.book.accepts(id)) return false;
    this.book.adopt(id, recipients);
    await this.install(id.epoch, key);
    markOnce('epoch-installed');
    return true;
  }

  async forget(participantId: string): Promise<void> {
    await this.controller?.removeParticipant(participantId).catch(() => undefined);
  }

  async counters(): Promise<Record<string, SenderCounters>> {
    if (!this.controller) return {};
    try {
      return await this.controller.counters();
    } catch {
      return {};
    }
  }

  /**
   * Memoised on the fingerprint set: the UI asks on every call change, and each derivation
   * cost the joining page ≈40 ms of main thread (profiled in bench/join), all for the same words.
   */
  safetyWords(fingerprints: string[]): string[] {
    const key = [...fingerprints].sort().join('\n');
    if (this.words?.key !== key) this.words = { key, words: safetyWords(this.roomKey, fingerprints) };
    return this.words.words;
  }

  dispose(): void {
    this.controller?.dispose();
  }

  /** Installs the book's current epoch: a newer number, or the same number's winning key. */
  private install(epoch: number, key: Uint8Array): Promise<void> {
    this.epochKeys.set(epoch, key);
    // Keep a few: actions signed just before a rekey still verify; older ones do not matter.
    for (const old of this.epochKeys.keys()) if (old < epoch - EPOCH_KEYS_KEPT + 1) this.epochKeys.delete(old);
    const c = this.controller;
    this.keyChain = this.keyChain.then(() => (c ? c.setEpoch(epoch, key) : undefined)).catch((err: unknown) => console.warn('epoch install failed', err));
    return this.keyChain;
  }
}
