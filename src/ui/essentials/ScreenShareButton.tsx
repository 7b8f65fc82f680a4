import { Show, createSignal, onCleanup, type JSX } from 'solid-js';
import type { ScreenShare } from '../../call/screen-share';
import './media-controls.css';

/** "Share screen" / "Stop sharing" for the control bar, and the presenter's banner. */
export function createScreenShareState(screen: ScreenShare): { active: () => boolean; error: () => string | null } {
  const [active, setActive] = createSignal(screen.active);
  const [error, setError] = createSignal<string | null>(null);
  onCleanup(
    screen.on(() => {
      setActive(screen.active);
      setError(screen.lastError?.code === 'screen-unavailable' ? screen.lastError.message : null);
    }),
  );
  return { active, error };
}

export function ScreenShareButton(props: { screen: ScreenShare; active: boolean }): JSX.Element {
  return (
    <button type="button" aria-pressed={props.active} onClick={() => (props.active ? props.screen.stop() : void props.screen.start())}>
      {props.active ? 'Stop sharing' : 'Share screen'}
    </button>
  );
}

export function PresentingBanner(props: { active: boolean; error: string | null }): JSX.Element {
  return (
    <>
      <Show when={props.active}>
        <div class="banner presenting" role="status">
          You are presenting. Everyone in the call sees your screen.
        </div>
      </Show>
      <Show when={props.error}>
        <div class="banner error" role="alert">
          {props.error}
        </div>
      </Show>
    </>
  );
}
