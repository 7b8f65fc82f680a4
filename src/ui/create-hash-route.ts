import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { parseRoute, type Route } from '../room/room-link';

/** The current route, from `location.hash`; everything after `#` stays in the browser. */
export function createHashRoute(): Accessor<Route> {
  const [route, setRoute] = createSignal<Route>(parseRoute(location.hash));
  const onHash = () => setRoute(parseRoute(location.hash));
  window.addEventListener('hashchange', onHash);
  onCleanup(() => window.removeEventListener('hashchange', onHash));
  return route;
}
