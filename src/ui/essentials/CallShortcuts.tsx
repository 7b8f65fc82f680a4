import { createSignal, onCleanup, type JSX } from 'solid-js';
import { createShortcuts, type ShortcutHandlers } from '../../shortcuts/create-shortcuts';
import { ShortcutsHelp } from './ShortcutsHelp';

export type CallShortcutActions = Omit<ShortcutHandlers, 'showHelp'>;

/**
 * Binds the call's keyboard shortcuts (M, V, C, R, W, ?, Space push-to-talk) to the window for as
 * long as the call is shown, and renders the "?" help dialog plus a button that opens it.
 */
export function CallShortcuts(props: { actions: CallShortcutActions }): JSX.Element {
  const [help, setHelp] = createSignal(false);
  // The actions object is fixed for the call's life; each handler reads live state when it runs.
  const actions = props.actions;
  const dispose = createShortcuts(window, {
    toggleMic: () => actions.toggleMic(),
    toggleCamera: () => actions.toggleCamera(),
    toggleChat: () => actions.toggleChat(),
    raiseHand: () => actions.raiseHand(),
    toggleTileView: () => actions.toggleTileView(),
    showHelp: () => setHelp(true),
    setMuted: (muted) => actions.setMuted(muted),
    isMuted: () => actions.isMuted(),
  });
  onCleanup(dispose);
  return (
    <>
      <button type="button" aria-label="Keyboard shortcuts" aria-haspopup="dialog" title="Keyboard shortcuts (?)" onClick={() => setHelp(true)}>
        ?
      </button>
      <ShortcutsHelp open={help()} onClose={() => setHelp(false)} />
    </>
  );
}
