/**
 * Binds the keymap to the page. `handlers` are the call's actions; `isMuted` is read on every
 * Space press so push-to-talk only engages while actually muted. Returns the disposer.
 */
import { INITIAL_PTT, reduceKey, releaseOnBlur, type KeyEventLike, type KeyResult, type PttState, type ShortcutAction } from './keymap';

export interface ShortcutHandlers {
  toggleMic(): void;
  toggleCamera(): void;
  toggleChat(): void;
  raiseHand(): void;
  toggleTileView(): void;
  showHelp(): void;
  /** Set the microphone state (push-to-talk). */
  setMuted(muted: boolean): void;
  isMuted(): boolean;
}

/** Elements where typing must not trigger shortcuts. */
export function isEditableTarget(target: EventTarget | null): boolean {
  const el = target as (HTMLElement & { type?: string }) | null;
  if (!el || typeof el.tagName !== 'string') return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toLowerCase();
  // Every input counts, checkboxes too: there Space means "toggle", and it should keep that meaning.
  return tag === 'input' || tag === 'textarea' || tag === 'select';
}

function toKeyLike(e: KeyboardEvent): KeyEventLike {
  return {
    type: e.type === 'keyup' ? 'keyup' : 'keydown',
    key: e.key,
    code: e.code,
    repeat: e.repeat,
    ctrlKey: e.ctrlKey,
    metaKey: e.metaKey,
    altKey: e.altKey,
    editable: isEditableTarget(e.target),
  };
}

export function createShortcuts(target: Window | Document | HTMLElement, handlers: ShortcutHandlers): () => void {
  let state: PttState = INITIAL_PTT;
  const run = (action: ShortcutAction | null) => {
    switch (action) {
      case 'toggle-mic':
        return handlers.toggleMic();
      case 'toggle-camera':
        return handlers.toggleCamera();
      case 'toggle-chat':
        return handlers.toggleChat();
      case 'raise-hand':
        return handlers.raiseHand();
      case 'toggle-tile-view':
        return handlers.toggleTileView();
      case 'show-help':
        return handlers.showHelp();
      case 'ptt-unmute':
        return handlers.setMuted(false);
      case 'ptt-mute':
        return handlers.setMuted(true);
      case null:
        return;
    }
  };
  const apply = (r: KeyResult, e?: Event) => {
    state = r.state;
    if (r.preventDefault) e?.preventDefault();
    run(r.action);
  };
  const onKey = (e: Event) => {
    const ke = e as KeyboardEvent;
    if (ke.defaultPrevented && !state.holding) return;
    apply(reduceKey(toKeyLike(ke), state, handlers.isMuted()), e);
  };
  const onBlur = () => apply(releaseOnBlur(state));
  target.addEventListener('keydown', onKey);
  target.addEventListener('keyup', onKey);
  window.addEventListener('blur', onBlur);
  return () => {
    target.removeEventListener('keydown', onKey);
    target.removeEventListener('keyup', onKey);
    window.removeEventListener('blur', onBlur);
    // Disposing mid-hold must not leave the mic open.
    apply(releaseOnBlur(state));
  };
}
