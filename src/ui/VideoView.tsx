import { createEffect, onCleanup, type JSX } from 'solid-js';

/**
 * A <video> bound to a MediaStream. When the browser refuses to play with sound before a
 * click (autoplay policy), `onBlocked` lets the call ask for one click instead of staying silent.
 * `audioOnly`: an <audio> element instead, for people whose tile is on another page (we still
 * hear them; their picture is not drawn).
 */
export function VideoView(props: { stream: MediaStream | null; muted: boolean; mirrored?: boolean; label: string; onBlocked?: () => void; volume?: number; sinkId?: string; audioOnly?: boolean }): JSX.Element {
  let el!: HTMLMediaElement;
  // The chosen speaker, where the browser can route output (setSinkId); '' is the default.
  createEffect(() => {
    const sink = props.sinkId ?? '';
    const media = el as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };
    if (typeof media.setSinkId === 'function' && media.sinkId !== sink) media.setSinkId(sink).catch((err: unknown) => console.warn('speaker not available', err));
  });
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
  if (props.audioOnly) return <audio ref={el} autoplay muted={props.muted} aria-label={props.label} />;
  return <video ref={(v) => (el = v)} autoplay playsinline muted={props.muted} class={props.mirrored ? 'mirrored' : ''} aria-label={props.label} />;
}
