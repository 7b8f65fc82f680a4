/**
 * Moderation in the call: reads the doc's action log through `ModerationState` (every
 * action is verified against the room's moderator key before anything happens), carries
 * out live effects (mute, mute everyone, remove) and signs our own actions when we hold
 * the host key. A guest's forged action is refused and counted, never obeyed.
 */
import { createStore } from 'solid-js/store';
import { onCleanup } from 'solid-js';
import type { CallEngine } from '../call/call-engine';
import type { LocalMedia } from '../call/local-media';
import type { HostKey } from '../room-state/host-key';
import { macAction, moderationAuthKey, signAction } from '../room-state/moderation';
import { publishAction, publishModeratorKey, readActionLog, readModeratorKey } from '../room-state/moderation-log';
import { ModerationState } from '../room-state/moderation-state';
import { lockedBeforeJoin } from '../room-state/room-lock';
import type { ActionBody, LayoutKind, ModeratorAction } from '../room-state/moderator-action';
import type { RoomDocConnection } from '../room-state/room-doc-provider';
import { DEFAULT_ROOM_SETTINGS, type RoomSettings } from '../room-state/room-settings';

export interface ModerationView {
  isHost: boolean;
  /** May we act: we hold the host key, or the room lets everyone moderate (or has no host)? */
  canModerate: boolean;
  settings: RoomSettings;
  /** Actions refused so far (forged, replayed, not a moderator): for diagnostics and tests. */
  refused: number;
  /** Last action we carried out on ourselves, for a banner ("A moderator muted you"). */
  notice: string | null;
}

export interface ModerationActions {
  mute(peerId: string): void;
  muteEveryone(): void;
  remove(peerId: string): void;
  lock(locked: boolean): void;
  /** Host only: let every member moderate (the seed's controller mode), or not. */
  everyoneModerator(enabled: boolean): void;
  /** Ask everyone to follow our layout (null: stop asking). */
  followMe(layout: { layout: LayoutKind; pinned: string | null } | null): void;
}

export interface ModerationOptions {
  conn: RoomDocConnection;
  engine: CallEngine;
  media: LocalMedia;
  roomId: string;
  hostKey: HostKey | null;
  /** A verified moderator removed us: the page leaves the call. */
  onRemoved: () => void;
  /** We arrived in a room a moderator had locked: the page leaves. */
  onLocked: () => void;
}

/** Actions waiting for an epoch we have not reached are retried on this beat. */
const RECHECK_MS = 1000;
/**
 * A room whose doc shows no moderator key this long after we joined (with others present)
 * has no host: everyone moderates. Until then a guest is not offered controls, so a
 * hosted room's key arriving with the first sync never flashes them.
 */
const HOSTLESS_AFTER_MS = 3000;

export function createModeration(opts: ModerationOptions): [ModerationView, ModerationActions] {
  const { conn, engine, media, roomId, hostKey } = opts;
  const doc = conn.doc;
  const me = engine.myId;
  const [view, setView] = createStore<ModerationView>({
    isHost: !!hostKey,
    canModerate: !!hostKey,
    settings: DEFAULT_ROOM_SETTINGS,
    refused: 0,
    notice: null,
  });
  if (hostKey) publishModeratorKey(doc, hostKey.publicKey);

  let moderatorKey: Uint8Array | null = hostKey?.publicKey ?? null;
  const joinedAt = Date.now();
  let turnedAway = false;
  // MAC keys of recent epochs, for "everyone is a moderator" actions (derived once each).
  const macKeys = new Map<number, Uint8Array>();
  const authKeyForEpoch = (epoch: number): Uint8Array | null => {
    const cached = macKeys.get(epoch);
    if (cached) return cached;
    const epochKey = engine.epochKey(epoch);
    if (!epochKey) return null;
    const key = moderationAuthKey(epochKey);
    macKeys.set(epoch, key);
    if (macKeys.size > 8) macKeys.delete(macKeys.keys().next().value as number);
    return key;
  };
  const newState = () => new ModerationState({ roomId, moderatorKey, authKeyForEpoch });
  let state = newState();
  const guestMayModerate = (settings: RoomSettings): boolean =>
    moderatorKey ? settings.everyoneModerator : Date.now() - joinedAt > HOSTLESS_AFTER_MS && engine.participants().length > 0;

  const apply = (action: ModeratorAction) => {
    if (action.kind === 'remove') {
      if (action.target === me) opts.onRemoved();
      else {
        engine.removeParticipant(action.target);
        conn.refuse(action.target);
      }
    } else if (action.kind === 'mute' && action.target === me) {
      if (action.media === 'audio') void media.setMic(false);
      else void media.setCam(false);
      setView('notice', `A moderator turned off your ${action.media === 'audio' ? 'microphone' : 'camera'}.`);
    } else if (action.kind === 'mute-everyone' && action.by !== me) {
      if (action.media === 'audio') void media.setMic(false);
      else void media.setCam(false);
      setView('notice', 'A moderator muted everyone.');
    }
  };

  const ingest = () => {
    // The moderator key may arrive with the first sync; a new key means a fresh verifier
    // (nothing was accepted under the old one: no key, no ed25519 action passed).
    const key = moderatorKey ?? readModeratorKey(doc, roomId);
    if (key && !moderatorKey) {
      moderatorKey = key;
      state = newState();
    }
    const log = readActionLog(doc);
    // Locked means "no newcomers": an honest client that arrived after the lock leaves.
    if (!hostKey && !turnedAway && lockedBeforeJoin(log, roomId, moderatorKey, joinedAt)) {
      turnedAway = true;
      opts.onLocked();
      return;
    }
    const result = state.ingest(log, { now: Date.now(), epoch: engine.epoch });
    if (result.rejected.length) setView('refused', (n) => n + result.rejected.length);
    setView('settings', result.settings);
    setView('canModerate', !!hostKey || guestMayModerate(result.settings));
    for (const action of result.effects) apply(action);
  };
  const safeIngest = () => {
    try {
      ingest();
    } catch (err) {
      console.warn('moderation read failed', err);
    }
  };
  doc.on('update', safeIngest);
  const timer = setInterval(safeIngest, RECHECK_MS);
  safeIngest();
  onCleanup(() => {
    doc.off('update', safeIngest);
    clearInterval(timer);
  });

  const act = (body: ActionBody) => {
    const context = { by: me, epoch: engine.epoch };
    if (hostKey) {
      publishAction(doc, signAction(roomId, hostKey, body, context));
      return;
    }
    // Controller mode: a MAC under the current epoch's key, which only current members hold.
    const key = guestMayModerate(state.settings) ? authKeyForEpoch(context.epoch) : null;
    if (!key || body.kind === 'everyone-moderator') return;
    publishAction(doc, macAction(roomId, key, body, context));
    safeIngest();
  };
  return [
    view,
    {
      mute: (peerId) => act({ kind: 'mute', target: peerId, media: 'audio' }),
      muteEveryone: () => act({ kind: 'mute-everyone', media: 'audio' }),
      remove: (peerId) => act({ kind: 'remove', target: peerId }),
      lock: (locked) => act({ kind: 'lock', locked }),
      everyoneModerator: (enabled) => act({ kind: 'everyone-moderator', enabled }),
      followMe: (l) => act({ kind: 'set-layout', layout: l ? l.layout : null, pinned: l ? l.pinned : null }),
    },
  ];
}
