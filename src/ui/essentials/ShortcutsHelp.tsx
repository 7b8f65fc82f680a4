import { createEffect, For, type JSX } from 'solid-js';
import { SHORTCUT_DESCRIPTIONS, SHORTCUTS } from '../../shortcuts/keymap';
import './essentials.css';

export interface ShortcutsHelpProps {
  open: boolean;
  onClose: () => void;
}

/** The "?" dialog listing the keyboard shortcuts. A native modal <dialog>: focus trap and Escape for free. */
export function ShortcutsHelp(props: ShortcutsHelpProps): JSX.Element {
  let dialog: HTMLDialogElement | undefined;
  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  });
  return (
    <dialog ref={dialog} class="shortcuts-help" aria-labelledby="shortcuts-help-title" onClose={() => props.onClose()}>
      <h2 id="shortcuts-help-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          <For each={SHORTCUTS}>
            {(s) => (
              <tr>
                <td>
                  <kbd>{s.label}</kbd>
                </td>
                <td>{SHORTCUT_DESCRIPTIONS[s.action]}</td>
              </tr>
            )}
          </For>
          <tr>
            <td>
              <kbd>Space</kbd>
            </td>
            <td>{SHORTCUT_DESCRIPTIONS['ptt-unmute']}</td>
          </tr>
        </tbody>
      </table>
      <button type="button" onClick={() => props.onClose()}>
        Close
      </button>
    </dialog>
  );
}
