import { render } from 'solid-js/web';
import { markOnce } from './util/mark-once';
import { bootConfig } from './config/boot-config';
import { parseRoute } from './room/room-link';
import { openEarlySignaling } from './call/early-signaling';
import { readPasscodeCheck } from './room-state/room-links';
import { App } from './ui/App';
import './ui/styles.css';

// Imports are evaluated first: this marks the moment the whole first chunk has run (bench/join).
markOnce('script-start');

// Opening a room link: fetch the relay's config while the UI renders; a link that skips the
// pre-join screen opens its signalling sockets as soon as the config is in (early-signaling).
const route = parseRoute(location.hash);
let beforeRender: Promise<unknown> = Promise.resolve();
if (route.kind === 'room') {
  const config = bootConfig();
  config.catch(() => undefined);
  if (!route.link.params.prejoin && !readPasscodeCheck(location.hash.split('?')[1] ?? '')) beforeRender = openEarlySignaling(route.link, config);
}

// The sockets start before the first render (a few ms: the config came with the page), but a
// slow config never holds the page up for long.
const RENDER_WAIT_MS = 50;
const root = document.getElementById('root');
void Promise.race([beforeRender, new Promise((resolve) => setTimeout(resolve, RENDER_WAIT_MS))]).then(() => {
  if (root) render(() => <App />, root);
});
