import { Match, Switch, lazy, type JSX } from 'solid-js';
import { createHashRoute } from './create-hash-route';
import { HomePage } from './HomePage';
import { LobbyPage } from './LobbyPage';
import { RoomPage } from './RoomPage';

// The recording player is its own chunk: a room link should not parse it (see RoomPage).
const PlayerPage = lazy(() => import('./essentials/PlayerPage').then((m) => ({ default: m.PlayerPage })));

export function App(): JSX.Element {
  const route = createHashRoute();
  return (
    <Switch>
      <Match when={route().kind === 'home'}>
        <HomePage />
      </Match>
      <Match when={route().kind === 'play'}>
        <PlayerPage />
      </Match>
      <Match when={route().kind === 'invalid' && route()}>
        {(r) => (
          <main class="centered">
            <h1>Lunar Chat</h1>
            <p role="alert">{(r() as { reason: string }).reason}</p>
            <a href="#/">Start a new meeting instead</a>
          </main>
        )}
      </Match>
      <Match when={route().kind === 'lobby' && route()}>
        {(r) => <LobbyPage lobby={(r() as Extract<ReturnType<typeof route>, { kind: 'lobby' }>).lobby} />}
      </Match>
      <Match when={route().kind === 'room' && route()}>
        {(r) => {
          const link = (r() as Extract<ReturnType<typeof route>, { kind: 'room' }>).link;
          return <RoomPage link={link} />;
        }}
      </Match>
    </Switch>
  );
}
