/**
 * When a joining page shows the in-call UI. That UI is the page's heaviest chunk to run and
 * render (≈0.4 s of main thread on two busy cores, traced in bench/join). Run earlier, it sits
 * in front of the offer, the answer and the key hand-out (which arrives over a data channel on
 * this main thread) that a newcomer's first video frame waits for: with the UI shown as soon as
 * the first peer was verified, the hand-out waited 180–350 ms behind the render.
 */
import type { ParticipantView, SignalingState } from '../call/call-engine';

/** What `untilFirstPeer` reads from the call (CallEngine has all of it). */
export interface JoinView {
  readonly signaling: SignalingState;
  readonly roomFull: boolean;
  readonly relayUnreachable: boolean;
  readonly encrypted: boolean;
  /** The media epoch we hold: 0 until a key hand-out (epoch 0 is only the link's key). */
  readonly epoch: number;
  participants(): Pick<ParticipantView, 'phase' | 'trust'>[];
  on(listener: () => void): () => void;
}

/**
 * How long a page that finds no one waits before showing the call anyway. Someone already in
 * the room offers within ≈100 ms of our announce and is verified ≈150 ms later (bench/join).
 */
export const ALONE_GRACE_MS = 400;
/** Once a first peer is connecting, the longest the UI waits for it to be verified and keyed. */
export const PEER_GRACE_MS = 1500;

/**
 * Resolves once a first peer is connected and verified and we hold a media key from the
 * hand-out; or ALONE_GRACE_MS after signalling came online with no peer; or PEER_GRACE_MS
 * after a first peer started connecting; or at once when the room is full or the relay
 * unreachable (the page shows that instead).
 */
export function untilFirstPeer(call: JoinView): Promise<void> {
  return new Promise((resolve) => {
    let alone: ReturnType<typeof setTimeout> | null = null;
    let peer: ReturnType<typeof setTimeout> | null = null;
    let off: (() => void) | null = null;
    let finished = false;
    const done = () => {
      finished = true;
      off?.();
      if (alone) clearTimeout(alone);
      if (peer) clearTimeout(peer);
      resolve();
    };
    const check = () => {
      if (finished) return;
      if (call.roomFull || call.relayUnreachable) return done();
      if (call.signaling === 'connecting') return;
      const people = call.participants();
      if (people.length === 0) {
        alone ??= setTimeout(done, ALONE_GRACE_MS);
        return;
      }
      // A peer is on its way: the alone grace no longer applies (it used to fire mid-handshake
      // when the offer came late, and the render then held up the answer and the key).
      if (alone) clearTimeout(alone);
      alone = null;
      const keyed = !call.encrypted || call.epoch > 0;
      if (keyed && people.some((p) => p.phase === 'connected' && p.trust === 'verified')) done();
      else peer ??= setTimeout(done, PEER_GRACE_MS);
    };
    off = call.on(check);
    check();
  });
}
