/**
 * Room settings (locked, lobby, everyone-is-moderator, follow-my-layout). They are not a
 * writable map in the doc — any member could flip a map entry — but the fold of verified
 * moderator actions: per setting, the newest action by (time, id) wins, the same on every
 * peer whatever order the actions arrived in.
 */
import type { LayoutKind, ModeratorAction } from './moderator-action';

export interface FollowLayout {
  layout: LayoutKind;
  pinned: string | null;
  /** Peer id of the moderator being followed. */
  by: string;
}

export interface RoomSettings {
  locked: boolean;
  lobby: boolean;
  everyoneModerator: boolean;
  followLayout: FollowLayout | null;
}

export const DEFAULT_ROOM_SETTINGS: RoomSettings = Object.freeze({ locked: false, lobby: false, everyoneModerator: false, followLayout: null });

type SettingKey = keyof RoomSettings;
type Stamp = { at: number; id: string };

/** Settings plus, per setting, the stamp of the action that set it. */
export interface SettingsFold {
  settings: RoomSettings;
  stamps: Partial<Record<SettingKey, Stamp>>;
}

export function emptySettingsFold(): SettingsFold {
  return { settings: { ...DEFAULT_ROOM_SETTINGS }, stamps: {} };
}

const newer = (a: Stamp, b: Stamp | undefined): boolean => !b || a.at > b.at || (a.at === b.at && a.id > b.id);

/** Folds one verified action in (returns a new fold; non-setting actions leave it as is). */
export function applyToSettings(fold: SettingsFold, action: ModeratorAction): SettingsFold {
  let key: SettingKey;
  let patch: Partial<RoomSettings>;
  switch (action.kind) {
    case 'lock':
      key = 'locked';
      patch = { locked: action.locked };
      break;
    case 'lobby':
      key = 'lobby';
      patch = { lobby: action.enabled };
      break;
    case 'everyone-moderator':
      key = 'everyoneModerator';
      patch = { everyoneModerator: action.enabled };
      break;
    case 'set-layout':
      key = 'followLayout';
      patch = { followLayout: action.layout === null ? null : { layout: action.layout, pinned: action.pinned, by: action.by } };
      break;
    default:
      return fold;
  }
  const stamp = { at: action.at, id: action.id };
  if (!newer(stamp, fold.stamps[key])) return fold;
  return { settings: { ...fold.settings, ...patch }, stamps: { ...fold.stamps, [key]: stamp } };
}

export function foldSettings(actions: Iterable<ModeratorAction>): RoomSettings {
  let fold = emptySettingsFold();
  for (const action of actions) fold = applyToSettings(fold, action);
  return fold.settings;
}
