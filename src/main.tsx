import { render } from 'solid-js/web';
import { markOnce } from './util/mark-once';
import { bootConfig } from './config/boot-config';
import { parseRoute } from './room/room-link';
import { App } from './ui/App';
import './ui/styles.css';

// Imports are evaluated first: this marks the moment the whole first chunk has run (bench/join).
markOnce('script-start');

// Opening a room link: fetch the relay's config while the UI renders.
if (parseRoute(location.hash).kind === 'room') void bootConfig().catch(() => undefined);

const root = document.getElementById('root');
if (root) render(() => <App />, root);
