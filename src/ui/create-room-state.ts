/**
 * The shared room state as a Solid store: the validated views of the room doc (chat,
 * hands, polls, reactions), presences, private messages and the dominant speaker, plus the
 * actions that write them. Everything read from the doc goes through the room-state
 * readers (a peer may be hostile); nothing here renders HTML.
 */
import { createStore, reconcile } from 'solid-js/store';
import { onCleanup } from 'solid-js';
import type { CallEngine, IncomingDirectMessage } from '../call/call-engine';
import type { LocalMedia } from '../call/local-media';
import { createDirectMessage, DirectMessageStore, type StoredDirectMessage } from '../room-state/direct-message';
import { DominantSpeaker } from '../room-state/dominant-speaker';
import type { Presence } from '../room-state/presence';
import { quantizeSpeaking, SPEAKING_POLL_MS } from '../room-state/presence';
import { TurnTaker } from '../tree/speaking-turns';
import type { RoomDocConnection } from '../room-state/room-doc-provider';
import { handsInOrder, isHandRaised, lowerHand, raiseHand, type RaisedHand } from '../room-state/room-hands';
import { readChat, sendChat, unreadCount, type ChatMessage } from '../room-state/room-chat';
import { createPoll, pollResults, readPolls, vote, type PollResults } from '../room-state/room-polls';
import { createReactionLimiter, readReactions, ReactionFilter, sendReaction, type ReactionEmoji } from '../room-state/room-reactions';
import { LocalAudioMeter } from './local-audio-meter';
import { speakingLevels } from './speaking-levels';

export interface ShownReaction {
  id: string;
  from: string;
  emoji: string;
}

export interface RoomStateView {
  chat: ChatMessage[];
  unread: number;
  hands: RaisedHand[];
  polls: PollResults[];
  reactions: ShownReaction[];
  /** Others' presences by mesh peer id. */
  presence: Record<string, Presence>;
  /** Private conversations by peer id. */
  dms: Record<string, StoredDirectMessage[]>;
  dmUnread: number;
  speaker: string | null;
  /** Speaking levels (0..1, coarse) by peer id, ours included. */
  speaking: Record<string, number>;
  error: string | null;
}

export interface RoomStateActions {
  sendChat(text: string): void;
  sendDirect(peerId: string, text: string): boolean;
  /** While the chat is open, everything in it counts as read. */
  setChatOpen(open: boolean): void;
  markDirectRead(peerId: string): void;
  setHand(up: boolean): void;
  react(emoji: ReactionEmoji): void;
  createPoll(question: string, options: string[]): void;
  vote(pollId: string, option: number): void;
  rename(name: string): void;
}

export interface RoomStateOptions {
  conn: RoomDocConnection;
  engine: CallEngine;
  media: LocalMedia;
}

const REACTION_SHOWN_MS = 4000;
const ERROR_SHOWN_MS = 5000;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createRoomState(opts: RoomStateOptions): [RoomStateView, RoomStateActions] {
  const { conn, engine, media } = opts;
  const doc = conn.doc;
  const me = engine.myId;
  const [state, setState] = createStore<RoomStateView>({
    chat: [],
    unread: 0,
    hands: [],
    polls: [],
    reactions: [],
    presence: {},
    dms: {},
    dmUnread: 0,
    speaker: null,
    speaking: {},
    error: null,
  });
  let lastSeenChat: string | null = null;
  let chatOpen = false;
  const reactionFilter = new ReactionFilter();
  const reactionLimiter = createReactionLimiter();
  const dms = new DirectMessageStore();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const readDoc = () => {
    const chat = readChat(doc);
    if (chatOpen) lastSeenChat = chat[chat.length - 1]?.id ?? lastSeenChat;
    setState('chat', reconcile(chat, { key: 'id' }));
    setState('unread', unreadCount(chat, lastSeenChat, me));
    setState('hands', reconcile(handsInOrder(doc), { key: 'peerId' }));
    const polls = readPolls(doc)
      .map((p) => pollResults(doc, p.id, me))
      .filter((r): r is PollResults => r !== null);
    setState('polls', reconcile(polls));
    const now = Date.now();
    for (const r of readReactions(doc)) {
      if (!reactionFilter.admit(r, now)) continue;
      setState('reactions', (list) => [...list.slice(-19), { id: r.id, from: r.from, emoji: r.emoji }]);
      const t = setTimeout(() => {
        timers.delete(t);
        setState('reactions', (list) => list.filter((x) => x.id !== r.id));
      }, REACTION_SHOWN_MS);
      timers.add(t);
    }
  };
  // Anything in a doc update may be hostile: readers validate; a throw here must not kill the UI.
  const safely = (f: () => void) => {
    try {
      f();
    } catch (err) {
      console.warn('room state read failed', err);
    }
  };
  const onUpdate = () => safely(readDoc);
  doc.on('update', onUpdate);
  safely(readDoc);

  // Speaking turns (who spoke most recently) decide the active sources of a large room.
  const turns = new TurnTaker();
  let highestTurn = 0;
  const pushTurns = () => {
    const map = new Map<string, number>();
    highestTurn = turns.turn ?? 0;
    for (const p of conn.peers().values()) {
      if (p.turn === undefined) continue;
      map.set(p.peerId, p.turn);
      highestTurn = Math.max(highestTurn, p.turn);
    }
    if (turns.turn !== undefined) map.set(me, turns.turn);
    engine.setSpeakingTurns(map);
  };
  const readPeers = () => {
    const byPeer: Record<string, Presence> = {};
    for (const p of conn.peers().values()) byPeer[p.peerId] = p;
    setState('presence', reconcile(byPeer));
    pushTurns();
  };
  const offPeers = conn.onPeers(() => safely(readPeers));
  readPeers();

  const readDms = () => {
    const out: Record<string, StoredDirectMessage[]> = {};
    for (const p of engine.participants()) {
      const list = dms.messages(p.peerId);
      if (list.length) out[p.peerId] = [...list];
    }
    setState('dms', reconcile(out));
    setState('dmUnread', dms.totalUnread());
  };
  const offDms = dms.onChange(readDms);
  const offIncoming = engine.onDirectMessage((dm: IncomingDirectMessage) => {
    dms.add(dm.from, dm.message, 'in');
  });

  // Our presence follows the call: name, mic/camera, E2EE state.
  const publishLocal = () =>
    safely(() =>
      conn.updatePresence({
        name: engine.displayName,
        mic: media.micOn,
        cam: media.camOn && !!media.videoTrack,
        e2ee: engine.encrypted ? 'verified' : 'off',
      }),
    );
  const offMedia = media.on(publishLocal);
  publishLocal();

  // Dominant speaker: announced levels (speaking-levels.ts), hysteresis in the pure tracker.
  const speaker = new DominantSpeaker();
  const meter = new LocalAudioMeter();
  let lastPublished = -1;
  const speakerTimer = setInterval(() => {
    safely(() => {
      const levels = speakingLevels(engine, me, { meter, track: media.audioTrack, micOn: media.micOn }, (peerId) => {
        const p = state.presence[peerId];
        return p?.mic ? p.speaking : 0;
      });
      setState('speaker', speaker.update(levels, Date.now()));
      const speaking: Record<string, number> = {};
      for (const [id, level] of levels) speaking[id] = quantizeSpeaking(level);
      setState('speaking', reconcile(speaking));
      const mine = speaking[me] ?? 0;
      const turn = turns.update(mine, Date.now(), highestTurn);
      if (turn !== null) {
        conn.updatePresence({ turn });
        pushTurns();
      }
      if (mine !== lastPublished) {
        lastPublished = mine;
        conn.updatePresence({ speaking: mine });
      }
    });
  }, SPEAKING_POLL_MS);

  onCleanup(() => {
    doc.off('update', onUpdate);
    offPeers();
    offDms();
    offIncoming();
    offMedia();
    clearInterval(speakerTimer);
    meter.dispose();
    for (const t of timers) clearTimeout(t);
    clearTimeout(errorTimer);
  });

  let errorTimer: ReturnType<typeof setTimeout> | undefined;
  const attempt = (f: () => void) => {
    try {
      f();
      setState('error', null);
    } catch (err) {
      setState('error', message(err));
      clearTimeout(errorTimer);
      errorTimer = setTimeout(() => setState('error', null), ERROR_SHOWN_MS);
    }
  };

  const actions: RoomStateActions = {
    sendChat: (text) => attempt(() => void sendChat(doc, { from: me, name: engine.displayName, text })),
    sendDirect: (peerId, text) => {
      let ok = false;
      attempt(() => {
        const dm = createDirectMessage(text);
        if (!engine.sendDirectMessage(peerId, dm)) throw new Error('This person cannot receive private messages right now.');
        dms.add(peerId, dm, 'out');
        ok = true;
      });
      return ok;
    },
    setChatOpen: (open) => {
      chatOpen = open;
      if (!open) return;
      lastSeenChat = state.chat[state.chat.length - 1]?.id ?? lastSeenChat;
      setState('unread', 0);
    },
    markDirectRead: (peerId) => dms.markRead(peerId),
    setHand: (up) =>
      attempt(() => {
        if (up) raiseHand(doc, me);
        else if (isHandRaised(doc, me)) lowerHand(doc, me);
        conn.updatePresence({ hand: up ? Date.now() : null });
      }),
    react: (emoji) => attempt(() => void sendReaction(doc, reactionLimiter, me, emoji)),
    createPoll: (question, options) => attempt(() => void createPoll(doc, { createdBy: me, question, options })),
    vote: (pollId, option) => attempt(() => vote(doc, pollId, me, option)),
    rename: (name) =>
      attempt(() => {
        engine.setDisplayName(name);
        conn.updatePresence({ name });
      }),
  };
  return [state, actions];
}
