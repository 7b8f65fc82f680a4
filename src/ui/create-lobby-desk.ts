/**
 * The host side of the lobby: listens on the lobby topic, opens knocks sealed to the host
 * key, and answers with a signed admit (the secret sealed to the guest's one-time key) or
 * deny. Knocks not sealed to us, and anything malformed, are dropped.
 */
import { createStore, produce } from 'solid-js/store';
import { onCleanup } from 'solid-js';
import type { HostKey } from '../room-state/host-key';
import { admitGuest, denyGuest, lobbyTopic, openKnock, parseLobbyMessage, type LobbyAnswer, type OpenedKnock } from '../room-state/lobby';
import { PresenceChannel } from '../signaling/presence-channel';

export interface LobbyRequest {
  knockId: string;
  name: string;
}

export interface LobbyDeskActions {
  admit(knockId: string): void;
  deny(knockId: string): void;
}

/** More waiting guests than this is a flood: the newest are not shown. */
const MAX_WAITING = 20;

export function createLobbyDesk(opts: { relayBase: string; jwt?: string; roomId: string; hostKey: HostKey; secret: string }): [{ waiting: LobbyRequest[] }, LobbyDeskActions] {
  const [state, setState] = createStore<{ waiting: LobbyRequest[] }>({ waiting: [] });
  const opened = new Map<string, OpenedKnock>();
  const opening = new Set<string>();
  /** Answers already given: a guest that knocks again (it missed ours) gets the same one. */
  const answered = new Map<string, LobbyAnswer>();
  let channel: PresenceChannel | null = null;
  let disposed = false;

  void lobbyTopic(opts.roomId).then((topic) => {
    if (disposed) return;
    const ch = new PresenceChannel(opts.relayBase, topic, undefined, opts.jwt);
    channel = ch;
    ch.on('message', (raw) => {
      let msg;
      try {
        msg = parseLobbyMessage(raw);
      } catch {
        return;
      }
      if (msg.type !== 'knock') return;
      const previous = answered.get(msg.knockId);
      if (previous) {
        ch.publish(previous);
        return;
      }
      if (opened.has(msg.knockId) || opening.has(msg.knockId) || opened.size + opening.size >= MAX_WAITING) return;
      // Opening is async: a knock repeated meanwhile must not be opened (and listed) twice.
      opening.add(msg.knockId);
      openKnock(opts.roomId, opts.hostKey, msg).then(
        (knock) => {
          opening.delete(msg.knockId);
          if (disposed || opened.has(knock.knockId) || answered.has(knock.knockId)) return;
          opened.set(knock.knockId, knock);
          setState('waiting', (list) => [...list, { knockId: knock.knockId, name: knock.name }]);
        },
        () => opening.delete(msg.knockId), // Not sealed to this room's key: not for us.
      );
    });
  });
  onCleanup(() => {
    disposed = true;
    channel?.close();
  });

  const answer = async (knockId: string, make: (knock: OpenedKnock) => LobbyAnswer | Promise<LobbyAnswer>) => {
    const knock = opened.get(knockId);
    if (!knock) return;
    // Taken off the list before the (async) seal, so a double click answers once.
    opened.delete(knockId);
    const reply = await make(knock);
    answered.set(knockId, reply);
    channel?.publish(reply);
    setState(produce((s) => void (s.waiting = s.waiting.filter((w) => w.knockId !== knockId))));
  };
  return [
    state,
    {
      admit: (knockId) => void answer(knockId, (k) => admitGuest(opts.roomId, opts.hostKey, k, opts.secret)),
      deny: (knockId) => void answer(knockId, (k) => denyGuest(opts.roomId, opts.hostKey, k)),
    },
  ];
}
