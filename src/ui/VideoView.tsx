import { createEffect, onCleanup, type JSX } from 'solid-js';

/**
 * A <video> bound to a MediaStream. When the browser refuses to play with sound before a
 * click (autoplay policy), `onBlocked` lets the call ask for one click instead of staying silent.
 */
export function VideoView(props: { stream: MediaStream | null; muted: boolean; mirrored?: boolean; label: string; onBlocked?: () => void; volume?: number }): JSX.Element {
  let el!: HTMLVideoElement;
  // Local volume (this browser only): 0..1.
  createEffect(() => {
    el.volume = Math.min(1, Math.max(0, props.volume ?? 1));
  });
  createEffect(() => {
    const stream = props.stream;
    if (el.srcObject !== stream) el.srcObject = stream;
    if (stream) {
      el.play().catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'NotAllowedError') props.onBlocked?.();
      });
    }
  });
  onCleanup(() => {
    el.srcObject = null;
  });
  return <video ref={el} autoplay playsinline muted={props.muted} class={props.mirrored ? 'mirrored' : ''} aria-label={props.label} />;
}
