/**
 * Keyboard shortcuts as a pure reducer: a key event (reduced to the fields we read) plus the
 * push-to-talk state in, an action and the next state out. The DOM binding is `create-shortcuts.ts`.
 *
 * Push-to-talk: holding Space while muted unmutes; releasing it mutes again. Auto-repeat is
 * ignored, keys typed into text fields are never shortcuts, and losing focus while Space is held
 * counts as a release so the mic cannot stay open behind the user's back.
 */

export type ShortcutAction = 'toggle-mic' | 'toggle-camera' | 'toggle-chat' | 'raise-hand' | 'toggle-tile-view' | 'show-help' | 'ptt-unmute' | 'ptt-mute';

export interface KeyEventLike {
  type: 'keydown' | 'keyup';
  key: string;
  code?: string;
  repeat: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focused element takes text (input, textarea, select, contenteditable): never a shortcut. */
  editable: boolean;
}

export interface PttState {
  /** Space is held and we unmuted for it (so releasing must mute again). */
  holding: boolean;
}

export const INITIAL_PTT: PttState = { holding: false };

/** The single-key shortcuts (lower-case `key`), listed in the help dialog in this order. */
export const SHORTCUTS: readonly { key: string; label: string; action: ShortcutAction }[] = [
  { key: 'm', label: 'M', action: 'toggle-mic' },
  { key: 'v', label: 'V', action: 'toggle-camera' },
  { key: 'c', label: 'C', action: 'toggle-chat' },
  { key: 'r', label: 'R', action: 'raise-hand' },
  { key: 'w', label: 'W', action: 'toggle-tile-view' },
  { key: '?', label: '?', action: 'show-help' },
];

export const SHORTCUT_DESCRIPTIONS: Record<ShortcutAction, string> = {
  'toggle-mic': 'Mute or unmute the microphone',
  'toggle-camera': 'Turn the camera on or off',
  'toggle-chat': 'Open or close the chat',
  'raise-hand': 'Raise or lower your hand',
  'toggle-tile-view': 'Switch between tile view and stage view',
  'show-help': 'Show keyboard shortcuts',
  'ptt-unmute': 'Hold Space to talk while muted',
  'ptt-mute': 'Release Space to mute again',
};

export interface KeyResult {
  action: ShortcutAction | null;
  state: PttState;
  /** The page should not also act on the key (e.g. Space scrolling or pressing a focused button). */
  preventDefault: boolean;
}

function isSpace(e: KeyEventLike): boolean {
  return e.code === 'Space' || e.key === ' ' || e.key === 'Spacebar';
}

export function reduceKey(e: KeyEventLike, state: PttState, muted: boolean): KeyResult {
  const none = { action: null, state, preventDefault: false };
  if (isSpace(e)) {
    if (e.type === 'keyup') {
      // Release counts even when focus moved into a text field meanwhile.
      return state.holding ? { action: 'ptt-mute', state: { holding: false }, preventDefault: true } : none;
    }
    if (e.editable || e.ctrlKey || e.metaKey || e.altKey) return none;
    if (e.repeat) return { ...none, preventDefault: state.holding };
    if (!state.holding && muted) return { action: 'ptt-unmute', state: { holding: true }, preventDefault: true };
    return none;
  }
  if (e.type !== 'keydown' || e.repeat || e.editable || e.ctrlKey || e.metaKey || e.altKey) return none;
  const found = SHORTCUTS.find((s) => s.key === e.key.toLowerCase());
  return found ? { action: found.action, state, preventDefault: true } : none;
}

/** Focus or the window was lost while holding Space: treat it as a release. */
export function releaseOnBlur(state: PttState): KeyResult {
  return state.holding ? { action: 'ptt-mute', state: { holding: false }, preventDefault: false } : { action: null, state, preventDefault: false };
}
