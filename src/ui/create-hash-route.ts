import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { parseLobbyHash, type LobbyLink } from '../room-state/room-links';
import { parseRoute, type Route } from '../room/room-link';

export type AppRoute = Route | { kind: 'lobby'; lobby: LobbyLink };

function readRoute(hash: string): AppRoute {
  // Lobby links (`#/l/<roomId>/<moderator key>`) carry no secret: the guest knocks.
  const lobby = parseLobbyHash(hash);
  return lobby ? { kind: 'lobby', lobby } : parseRoute(hash);
}

/** The current route, from `location.hash`; everything after `#` stays in the browser. */
export function createHashRoute(): Accessor<AppRoute> {
  const [route, setRoute] = createSignal<AppRoute>(readRoute(location.hash));
  const onHash = () => setRoute(readRoute(location.hash));
  window.addEventListener('hashchange', onHash);
  onCleanup(() => window.removeEventListener('hashchange', onHash));
  return route;
}
