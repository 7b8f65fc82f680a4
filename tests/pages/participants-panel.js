/**
 * The real participants panel (src/ui/ParticipantsPanel.tsx) in the call's layout and styles,
 * with a room of `?n=` people (default 1,000): more than one machine can join for real. Built
 * and served by tests/e2e/participants-list.spec.ts.
 *
 * Plain JS on purpose: the Node type check (tsconfig.node.json) covers tests/ without JSX, so a
 * .ts page importing a .tsx component cannot type-check there; the component is checked by the
 * app's config.
 *
 * `window.panelPage`: `calls` records what the panel asked the call to do (volume, mute,
 * remove, rename, close); `toggleMic(peerId)` replaces the whole entries array with that person's mic
 * flipped, as the call does on every change in a room.
 */
/* global window, document, location, URLSearchParams -- a browser page; the lint config has no browser globals for .js */
import { createComponent, createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import { ParticipantsPanel } from '../../src/ui/ParticipantsPanel';
import '../../src/ui/styles.css';

const n = Number(new URLSearchParams(location.search).get('n') ?? 1000);

/** Guest 0002 ... Guest 1000, with a few names that only Unicode-aware search finds, and two hands up. */
function person(i) {
  const special = { 1: 'Me Myself', 500: 'Zoë Ångström', 501: 'Çiğdem Straße', [n]: 'Yara Último' };
  return {
    peerId: `peer-${String(i).padStart(4, '0')}`,
    name: special[i] ?? `Guest ${String(i).padStart(4, '0')}`,
    micOn: i % 3 !== 0,
    camOn: i % 4 !== 0,
    local: i === 1,
    hand: i === 700 ? 1 : i === 40 ? 2 : null,
  };
}

const [entries, setEntries] = createSignal(Array.from({ length: n }, (_, k) => person(k + 1)));
const calls = [];
const volumes = new Map();

window.panelPage = {
  calls,
  toggleMic(peerId) {
    setEntries((list) => list.map((e) => ({ ...e, micOn: e.peerId === peerId ? !e.micOn : e.micOn })));
  },
};

render(
  () =>
    createComponent(ParticipantsPanel, {
      get entries() {
        return entries();
      },
      myName: 'Me Myself',
      onClose: () => calls.push(['close']),
      onRename: (name) => calls.push(['rename', name]),
      volumeOf: (id) => volumes.get(id) ?? 1,
      onVolume: (id, v) => {
        volumes.set(id, v);
        calls.push(['volume', id, v]);
      },
      onMute: (id) => calls.push(['mute', id]),
      onRemove: (id) => calls.push(['remove', id]),
    }),
  document.getElementById('stage'),
);
