/**
 * Which screen share holds the stage. A share that starts takes the stage (the caller
 * switches to stage view and drops an older pin); when it stops, the next newest does.
 * Keys are `screen:<peerId>` so they live next to peer ids in the pin.
 */
import { createEffect, createSignal, on, type Accessor } from 'solid-js';

export const screenKey = (peerId: string): string => `screen:${peerId}`;

export function createScreenStage(presenters: Accessor<string[]>, onStart: (key: string) => void): Accessor<string | null> {
  // Newest last.
  const [order, setOrder] = createSignal<string[]>([]);
  createEffect(
    on(presenters, (now) => {
      const before = order();
      const kept = before.filter((id) => now.includes(id));
      const started = now.filter((id) => !before.includes(id));
      setOrder([...kept, ...started]);
      const newest = started[started.length - 1];
      if (newest) onStart(screenKey(newest));
    }),
  );
  return () => {
    const o = order();
    const last = o[o.length - 1];
    return last ? screenKey(last) : null;
  };
}
