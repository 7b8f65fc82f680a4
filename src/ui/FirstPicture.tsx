import { onCleanup, type JSX } from 'solid-js';
import { FIRST_PICTURE_MAX_MS } from './first-picture';

type FrameCallbackVideo = HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number; cancelVideoFrameCallback?: (id: number) => void };

/**
 * The "Joining…" screen with the first person's picture (see first-picture.ts). `onShown` runs
 * once a frame is on screen, or after FIRST_PICTURE_MAX_MS. Muted: their sound starts with the
 * call UI a moment later (an element with sound may need a click first, which the call asks for).
 */
export function FirstPicture(props: { name: string; stream: MediaStream; onShown: () => void }): JSX.Element {
  let done = false;
  let frameRequest: number | null = null;
  let video: FrameCallbackVideo | undefined;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const shown = () => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    props.onShown();
  };
  timer = setTimeout(shown, FIRST_PICTURE_MAX_MS);
  // Taken down before a frame came (the page moved on: full, error, left): the join goes on to see that.
  onCleanup(() => {
    if (video && frameRequest !== null) video.cancelVideoFrameCallback?.(frameRequest);
    if (video) video.srcObject = null;
    shown();
  });
  const bind = (el: FrameCallbackVideo) => {
    video = el;
    el.srcObject = props.stream;
    // requestVideoFrameCallback fires once a frame is composited; 'loadeddata' where it is missing.
    if (typeof el.requestVideoFrameCallback === 'function') frameRequest = el.requestVideoFrameCallback(shown);
    else el.addEventListener('loadeddata', shown, { once: true });
    el.play().catch(() => undefined);
  };
  return (
    <main class="centered first-picture">
      <video ref={bind} autoplay playsinline muted aria-label={`${props.name}'s camera`} />
      <p aria-live="polite">Joining the meeting…</p>
    </main>
  );
}
