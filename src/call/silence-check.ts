/**
 * When a connected peer that went quiet counts as gone (its tile removed, its session and
 * trust dropped, the room rekeyed). Pure: the engine passes times.
 *
 * A fixed "8 s without a ping" fired for the wrong reason under load: in an eight-page room on
 * two cores, a page whose own main thread was starved saw every peer silent at once and
 * dropped them all. Each drop cost a rekey, a new connection and a re-planned tree, which
 * loaded the machine further (10–16 drops per page in two minutes). So silence is judged
 * against what else we heard:
 *  - others were heard well after this peer's last word: this one alone went quiet (when our
 *    own page was starved, everyone is equally stale and nobody is dropped);
 *  - it is our only peer: the window alone decides;
 *  - nothing from it on the channel nor through the relay for `goneMs`: gone regardless;
 *  - while its connection's ICE still says connected, only `goneMs` of channel silence counts.
 *    ICE keeps receiving (media, consent checks) from a page whose JS is merely starved, and
 *    stops within seconds when the page or its network is gone. In a five-page call on two
 *    cores, a newcomer busy joining went 8 s without a ping while its media flowed; dropping
 *    it re-made the connection from one side only, and that re-made one stalled (call.spec).
 * (A guard that also waited a full window after each of our own late heartbeats kept a
 * crashed forwarder for 25 s on a loaded machine, where heartbeats are late all the time.)
 */
export interface SilenceLimits {
  /** A peer quiet this long may be gone. */
  silenceMs: number;
  /** Quiet on its channel and absent from the relay's presence this long: gone. */
  goneMs: number;
}

export interface SilenceContext {
  now: number;
  /** When we last heard any other connected peer (null: it is our only one). */
  freshestOther: number | null;
}

export interface QuietPeer {
  lastHeardAt: number;
  /** Last seen in the relay's presence. */
  lastSeen: number;
  /** Its connection's ICE is connected: packets from it still arrive. */
  transportAlive: boolean;
}

export function isSilent(peer: QuietPeer, ctx: SilenceContext, limits: SilenceLimits): boolean {
  if (ctx.now - peer.lastHeardAt <= limits.silenceMs) return false;
  if (peer.transportAlive) return ctx.now - peer.lastHeardAt > limits.goneMs;
  if (ctx.now - Math.max(peer.lastHeardAt, peer.lastSeen) > limits.goneMs) return true;
  return ctx.freshestOther === null || ctx.freshestOther - peer.lastHeardAt > limits.silenceMs / 2;
}
