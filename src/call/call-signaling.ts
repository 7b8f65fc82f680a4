/**
 * The two signalling sockets of a call: PeerJS (offers, answers, candidates to one peer)
 * and the room's presence topic (who is here). Opened by the page as soon as it knows the
 * relay, before the call's keys and worker are ready, so the WebSocket handshakes overlap
 * them: opening them only with the call engine cost the join ≈100 ms (bench/join).
 */
import { PeerjsSignaling } from '../signaling/peerjs-signaling';
import { PresenceChannel } from '../signaling/presence-channel';
import { randomBytes, toHex } from '../util/base64url';

export interface CallSignaling {
  peerjs: PeerjsSignaling;
  presence: PresenceChannel;
}

export function openCallSignaling(relayBase: string, myId: string, roomTopic: string, jwt?: string): CallSignaling {
  // PeerJS's token only ties reconnects to this id; it need not be secret from the relay.
  return {
    peerjs: new PeerjsSignaling(relayBase, myId, toHex(randomBytes(8)), undefined, jwt),
    presence: new PresenceChannel(relayBase, roomTopic, undefined, jwt, myId),
  };
}

export function closeCallSignaling(s: CallSignaling): void {
  s.peerjs.close();
  s.presence.close();
}
