/**
 * Per-peer trust for one call: runs the verification handshake on each connection's
 * control channel, decides who may receive our media, and drives media epochs (the leader,
 * the earliest-joined verified member, rekeys whenever the verified set changes).
 */
import type { ControlMessage } from '../protocol/mesh-messages';
import type { CallSecurity, PeerTrust } from './call-security';
import { compareEpochIds, electLeader, LINK_EPOCH, rekeyAfterAdopting, type EpochId } from './epoch-book';
import type { Member } from './membership';
import type { PeerSession } from './peer-session';
import { rekeyGapMs } from './rekey-pace';
import { sdpFingerprint } from './sdp-fingerprint';
import { markOnce } from '../util/mark-once';

interface PeerRecord {
  sid: string;
  trust: PeerTrust;
  fingerprint: string | null;
  publicKey: string | null;
  openedAt: number;
  /** A key hand-out that arrived before we finished verifying its sender; applied once verified. */
  earlyEpoch: { id: EpochId; to: string[]; sealed: string } | null;
}

/** Both DTLS fingerprints of a session, once both descriptions are applied (or null after 10 s). */
function fingerprints(session: PeerSession): Promise<{ mine: string; theirs: string } | null> {
  const read = () => {
    const mine = sdpFingerprint(session.pc.localDescription?.sdp);
    const theirs = sdpFingerprint(session.pc.remoteDescription?.sdp);
    return mine && theirs ? { mine, theirs } : null;
  };
  const now = read();
  if (now) return Promise.resolve(now);
  return new Promise((resolve) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const got = read();
      if (got || Date.now() - started > VERIFY_TIMEOUT_MS || session.phase === 'closed') {
        clearInterval(poll);
        resolve(got);
      }
    }, 20);
  });
}

export interface TrustHooks {
  /** Members (with join times) we could hand a key to; the engine knows join order. */
  member: (peerId: string) => Member | undefined;
  /** Everyone we count as in the call: the recipients of an epoch we mint. */
  members: () => readonly Member[];
  me: () => Member;
  session: (peerId: string) => PeerSession | undefined;
  onVerified: (peerId: string) => void;
  onChange: () => void;
  /**
   * A large room on the control overlay (src/tree/control-overlay.ts): members we hear only
   * through others (they count when electing the leader), and whether we pass a new epoch on
   * to our neighbours at once (they may hear of it from no one else).
   */
  overlay?: () => { others: readonly Member[]; passOn: boolean };
}

/** A peer that has not proven the room key this long after its channel opened is not verified. */
const VERIFY_TIMEOUT_MS = 10_000;
/**
 * Rekey pacing. A lone join or leave rekeys almost at once (a newcomer sees nothing until it
 * holds the new epoch: a 250 ms debounce was 20 % of the join time, measured by bench/join);
 * changes that land within the same short window share one rekey, and rekeys are at least
 * `rekeyGapMs` apart (250 ms up to 64 members, longer in larger rooms: rekey-pace.ts), so a
 * burst of joins costs two rekeys, not one per person.
 */
const REKEY_QUICK_MS = 0;

export class TrustKeeper {
  private readonly peers = new Map<string, PeerRecord>();
  private rekeyTimer: ReturnType<typeof setTimeout> | null = null;
  private lastRekeyAt = -Infinity;
  private disposed = false;

  constructor(
    private readonly security: CallSecurity,
    private readonly hooks: TrustHooks,
  ) {}

  trust(peerId: string): PeerTrust {
    return this.peers.get(peerId)?.trust ?? 'pending';
  }

  isVerified(peerId: string): boolean {
    return this.trust(peerId) === 'verified';
  }

  /**
   * Sends our proof for this session. Called when both descriptions are applied (over
   * signalling: the fast path, so media can flow as soon as DTLS is up) and again when the
   * control channel opens (in case the relay lost the first one). Idempotent for the peer.
   */
  sendProof(session: PeerSession, via: 'signal' | 'channel', sendSignal: (auth: { proof: string; pub: string }) => void): void {
    const rec = this.record(session);
    void fingerprints(session).then((fps) => {
      if (!fps) {
        rec.trust = 'failed';
        console.warn('[trust] no DTLS fingerprint in the session descriptions');
        this.hooks.onChange();
        return;
      }
      const { proof, pub } = this.security.authMessage(fps.mine, fps.theirs);
      markOnce(`proof-sent-${via}`);
      if (via === 'signal') sendSignal({ proof, pub });
      else session.sendControl({ t: 'auth', proof, pub });
    });
  }

  /** Checks a peer's proof, from signalling or the control channel. */
  receiveProof(session: PeerSession, proof: string, pub: string): void {
    // The proof may arrive before our own descriptions are applied: wait for both.
    const rec = this.record(session);
    void fingerprints(session).then((fps) => {
      if (rec.trust === 'verified' || this.peers.get(session.remoteId) !== rec) return;
      if (fps && this.security.verify(proof, session.remoteId, fps.mine, fps.theirs, pub)) {
        rec.trust = 'verified';
        markOnce('verified');
        rec.fingerprint = fps.theirs;
        rec.publicKey = pub;
        const early = rec.earlyEpoch;
        rec.earlyEpoch = null;
        if (early) void this.receiveEpoch(early.id, early.to, early.sealed, session.remoteId);
        this.hooks.onVerified(session.remoteId);
        this.scheduleRekey();
      } else {
        console.warn('[trust] a peer failed to prove the room key');
        rec.trust = 'failed';
      }
      this.hooks.onChange();
    });
  }

  /** Handles auth/epoch messages; returns false for messages the engine should handle. */
  onControl(session: PeerSession, msg: ControlMessage): boolean {
    if (msg.t === 'auth') {
      this.receiveProof(session, msg.proof, msg.pub);
      return true;
    }
    if (msg.t === 'epoch') {
      markOnce('epoch-received');
      const id = { epoch: msg.epoch, minter: msg.minter };
      if (this.isVerified(session.remoteId)) void this.receiveEpoch(id, msg.to, msg.sealed, session.remoteId);
      else {
        // The leader verified us first and its hand-out beat our check of its proof: keep
        // the newest one for this session and open it only if the proof verifies.
        const rec = this.record(session);
        if (rec.trust === 'pending' && (!rec.earlyEpoch || compareEpochIds(id, rec.earlyEpoch.id) > 0)) rec.earlyEpoch = { id, to: msg.to, sealed: msg.sealed };
      }
      return true;
    }
    if (msg.t === 'ping' && msg.ep !== undefined && this.isVerified(session.remoteId)) {
      void this.offerEpoch(session, { epoch: msg.ep, minter: msg.em ?? '' });
    }
    return false;
  }

  /** What our pings carry: the epoch we hold, so a peer holding a newer one passes it on. */
  pingFields(): { ep: number; em: string } {
    const { epoch, minter } = this.security.book.current;
    return { ep: epoch, em: minter };
  }

  /**
   * Someone we have no channel to joined or left (a room on the control overlay): the leader
   * rekeys as for a member of its own.
   */
  roomChanged(): void {
    this.scheduleRekey();
  }

  /** A verified member left or was removed: those who remain move to a key it cannot derive. */
  forget(peerId: string): void {
    const rec = this.peers.get(peerId);
    this.peers.delete(peerId);
    this.security.book.forget(peerId);
    void this.security.forget(peerId);
    if (rec?.trust === 'verified') this.scheduleRekey();
  }

  /**
   * Marks peers that never proved the key in time. An earlier member we waited for may have
   * been the leader: without it we may lead now, so the rekey check runs again.
   */
  tick(now: number): void {
    for (const rec of this.peers.values()) {
      if (rec.trust === 'pending' && now - rec.openedAt > VERIFY_TIMEOUT_MS) {
        rec.trust = 'failed';
        this.scheduleRekey();
        this.hooks.onChange();
      }
    }
  }

  /** Fingerprints of everyone we verified plus ours (and `others`: members we have no channel to): the input to the safety words. */
  safetyWords(myFingerprint: string | null, others: readonly string[] = []): string[] {
    const fps = [...this.peers.values()].filter((r) => r.trust === 'verified' && r.fingerprint).map((r) => r.fingerprint as string);
    if (myFingerprint) fps.push(myFingerprint);
    fps.push(...others);
    // A member we once verified first-hand and now hear through the overlay is in both lists.
    return this.security.safetyWords([...new Set(fps)]);
  }

  dispose(): void {
    this.disposed = true;
    if (this.rekeyTimer) clearTimeout(this.rekeyTimer);
  }

  /** The record for this session's peer; a new session (new DTLS) starts unverified. */
  private record(session: PeerSession): PeerRecord {
    let rec = this.peers.get(session.remoteId);
    if (!rec || rec.sid !== session.sid) {
      rec = { sid: session.sid, trust: 'pending', fingerprint: null, publicKey: null, openedAt: Date.now(), earlyEpoch: null };
      this.peers.set(session.remoteId, rec);
    }
    return rec;
  }

  private verifiedMembers(): Member[] {
    const out: Member[] = [];
    for (const [peerId, rec] of this.peers) {
      const m = this.hooks.member(peerId);
      if (rec.trust === 'verified' && m) out.push(m);
    }
    return out;
  }

  private scheduleRekey(): void {
    // A pending rekey already covers this change: it reads the verified set when it fires.
    if (this.rekeyTimer) return;
    const gap = rekeyGapMs(this.hooks.members().length + 1);
    const delay = Math.max(REKEY_QUICK_MS, this.lastRekeyAt + gap - Date.now());
    this.rekeyTimer = setTimeout(() => {
      this.rekeyTimer = null;
      this.lastRekeyAt = Date.now();
      void this.rekeyIfLeader();
    }, delay);
  }

  /** Do we mint epochs? Earlier members we verified, or are still verifying, lead instead. */
  private isLeader(): boolean {
    const candidates: Member[] = [];
    for (const [peerId, rec] of this.peers) {
      const m = this.hooks.member(peerId);
      if (m && rec.trust !== 'failed') candidates.push(m);
    }
    candidates.push(...(this.hooks.overlay?.().others ?? []));
    const me = this.hooks.me();
    return electLeader(me, candidates).peerId === me.peerId;
  }

  private async rekeyIfLeader(): Promise<void> {
    if (this.disposed) return;
    const members = this.verifiedMembers();
    if (members.length === 0 || !this.isLeader()) return;
    const recipients = this.hooks.members().map((m) => m.peerId);
    const { id, key, installed } = this.security.startEpoch(recipients);
    await Promise.all(
      members.map(async (m) => {
        const pub = this.peers.get(m.peerId)?.publicKey;
        if (!pub) return;
        const sealed = await this.security.seal(id, key, m.peerId, pub).catch(() => null);
        // Sealing is async: the member may have left (or reconnected) meanwhile.
        const session = this.hooks.session(m.peerId);
        if (!sealed || !session || this.disposed) return;
        session.sendControl({ t: 'epoch', epoch: id.epoch, minter: id.minter, to: recipients, sealed });
        this.security.book.noteOffered(m.peerId, id, Date.now());
        markOnce('epoch-sent');
      }),
    );
    await installed;
    this.hooks.onChange();
  }

  /** Opens a hand-out; a leader that adopted a later joiner's epoch mints one of its own. */
  private async receiveEpoch(id: EpochId, to: string[], sealed: string, fromId: string): Promise<void> {
    if (!(await this.security.receiveEpoch(id, to, sealed, fromId)) || this.disposed) return;
    this.hooks.onChange();
    if (this.hooks.overlay?.().passOn) this.passOnEpoch(fromId);
    if (rekeyAfterAdopting(this.hooks.me(), this.hooks.member(id.minter), this.isLeader())) this.scheduleRekey();
  }

  /**
   * On the overlay the minter reaches its neighbours only: each member hands a new epoch to
   * its own neighbours at once, hop by hop, instead of when their next ping (2 s) says they
   * lack it. The book still decides: only those the minter meant it for, once per identity.
   */
  private passOnEpoch(fromId: string): void {
    for (const [peerId, rec] of this.peers) {
      const session = this.hooks.session(peerId);
      if (peerId === fromId || rec.trust !== 'verified' || !session) continue;
      void this.offerEpoch(session, LINK_EPOCH);
    }
  }

  /** A verified peer holds an older epoch than ours: pass ours on if its minter meant it for them. */
  private async offerEpoch(session: PeerSession, theirs: EpochId): Promise<void> {
    const book = this.security.book;
    const key = this.security.currentKey();
    const pub = this.peers.get(session.remoteId)?.publicKey;
    if (!key || !pub || !book.shouldOffer(session.remoteId, theirs, Date.now())) return;
    const id = book.current;
    const to = book.to;
    const sealed = await this.security.seal(id, key, session.remoteId, pub).catch(() => null);
    if (!sealed || this.disposed || this.hooks.session(session.remoteId) !== session) return;
    session.sendControl({ t: 'epoch', epoch: id.epoch, minter: id.minter, to, sealed });
    markOnce('epoch-passed-on');
  }
}
