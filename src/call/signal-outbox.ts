/**
 * Offers, answers and candidates on their way to one peer through the relay's PeerJS route.
 * While our PeerJS socket is down (the relay restarting) or not yet registered, they are held,
 * at most `maxPerPeer` per peer (oldest dropped), and sent in order once it is back. Dropped
 * instead, an offer left its session in `have-local-offer` for good while the other side never
 * heard of it (seen in call.spec's relay restart). Pure: the socket is passed in.
 */
import type { NegotiationPayload } from '../protocol/mesh-messages';

export type SignalType = 'OFFER' | 'ANSWER' | 'CANDIDATE';

export interface SignalSocket {
  readonly isReady: boolean;
  /** False when the message could not be written. */
  send(type: SignalType, dst: string, payload: NegotiationPayload): boolean;
}

/** The PeerJS message type a payload travels in (proofs ride in CANDIDATE envelopes). */
export function signalType(payload: NegotiationPayload): SignalType {
  if ('description' in payload) return payload.description.type === 'offer' ? 'OFFER' : 'ANSWER';
  return 'CANDIDATE';
}

export class SignalOutbox {
  private readonly held = new Map<string, NegotiationPayload[]>();

  constructor(
    private readonly socket: SignalSocket,
    /** Counts `signal-held:<TYPE>` and `signal-dropped:<TYPE>` (the engine's churn). */
    private readonly count: (event: string) => void,
    private readonly maxPerPeer = 64,
  ) {}

  send(peerId: string, payload: NegotiationPayload): void {
    const type = signalType(payload);
    // Behind held ones it waits its turn: order matters (offer before its candidates).
    if (this.socket.isReady && !this.held.has(peerId) && this.socket.send(type, peerId, payload)) return;
    const queue = this.held.get(peerId) ?? [];
    if (queue.length >= this.maxPerPeer) {
      const dropped = queue.shift();
      if (dropped) this.count(`signal-dropped:${signalType(dropped)}`);
    }
    queue.push(payload);
    this.held.set(peerId, queue);
    this.count(`signal-held:${type}`);
  }

  /**
   * Sends what was held, in order, for each peer's current session (`sidOf`); signals of a
   * session replaced meanwhile mean nothing to the peer and are dropped.
   */
  flush(sidOf: (peerId: string) => string | undefined): void {
    if (!this.socket.isReady) return;
    for (const [peerId, queue] of [...this.held]) {
      this.held.delete(peerId);
      const sid = sidOf(peerId);
      for (const payload of queue) if (payload.sid === sid) this.send(peerId, payload);
    }
  }

  /** How many signals wait for `peerId`. */
  waiting(peerId: string): number {
    return this.held.get(peerId)?.length ?? 0;
  }

  forget(peerId: string): void {
    this.held.delete(peerId);
  }

  clear(): void {
    this.held.clear();
  }
}
