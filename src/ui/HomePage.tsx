import { createSignal, type JSX } from 'solid-js';
import { derivePasscodeKeys } from '../room-state/passcode';
import { createHostedRoom } from '../room-state/host-key';
import { formatHostHash } from '../room-state/room-links';

export function HomePage(): JSX.Element {
  const [passcode, setPasscode] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const start = async () => {
    // A hosted room: the id is a hash of the host's public key, and only this (the
    // creator's) link carries the host key. "Copy link" shares the guest link.
    const { roomId, secret, hostKey } = createHostedRoom();
    let hash = formatHostHash(roomId, secret, hostKey);
    if (passcode().trim()) {
      // Only the check value goes into links; the passcode itself is told out of band.
      setBusy(true);
      hash += `&pc=${(await derivePasscodeKeys(roomId, secret, passcode())).check}`;
    }
    location.hash = hash;
  };
  return (
    <main class="centered home">
      <h1>Lunar Chat</h1>
      <p class="tagline">Private video meetings in your browser. End-to-end encrypted, no account, nothing installed.</p>
      <button type="button" class="primary big" disabled={busy()} onClick={() => void start()}>
        Start a meeting
      </button>
      <label class="hint">
        Passcode for the new meeting (optional){' '}
        <input type="password" autocomplete="new-password" maxLength={128} value={passcode()} onInput={(e) => setPasscode(e.currentTarget.value)} />
      </label>
      <p class="hint">You get a link to share. Everything after the # in it stays in your browsers: the server never sees the room or its key.</p>
    </main>
  );
}
