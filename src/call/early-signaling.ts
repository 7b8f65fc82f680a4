/**
 * A room link that skips the pre-join screen opens its signalling sockets from `main.tsx`, as
 * soon as the relay's config is in (it is preloaded with the page), before the app renders:
 * the first render and the room page's start-up (camera, keys, worker) are 60–120 ms of main
 * thread. Opened from the room page, the handshakes began that much later, and took 60–75 ms
 * there against 20–60 ms at document start (bench/join, traced). The room page takes them over
 * with the participant id and room topic they were opened for; nothing is announced until the
 * call engine does it.
 *
 * Only without a pre-join screen (and not in a passcode room): the person has chosen to join
 * by opening the link. Someone looking at the pre-join screen tells the relay nothing yet.
 */
import type { LoadedConfig } from '../config/load-config';
import { roomTopic, type RoomLink } from '../room/room-link';
import { randomBytes, toHex } from '../util/base64url';
import { closeCallSignaling, openCallSignaling, type CallSignaling } from './call-signaling';

export interface EarlySignaling {
  myId: string;
  topic: Promise<string>;
  /** The sockets, or null when the config could not be loaded (the room page reports that). */
  sockets: Promise<CallSignaling | null>;
}

let early: (EarlySignaling & { roomId: string }) | null = null;

/** Opens the sockets once the config and the room topic are in; resolves when they are opening. */
export function openEarlySignaling(link: RoomLink, config: Promise<LoadedConfig>): Promise<unknown> {
  const myId = toHex(randomBytes(16));
  const topic = roomTopic(link.roomId);
  const sockets = Promise.all([config, topic])
    .then(([c, t]) => openCallSignaling(c.relayBase, myId, t, link.params.jwt))
    .catch(() => null);
  early = { myId, topic, roomId: link.roomId, sockets };
  return sockets;
}

/** The early sockets, if they were opened for this room (once); any others are closed. */
export function takeEarlySignaling(roomId: string): EarlySignaling | null {
  const e = early;
  early = null;
  if (!e) return null;
  if (e.roomId === roomId) return e;
  void e.sockets.then((s) => s && closeCallSignaling(s));
  return null;
}
