import type { JSX } from 'solid-js';
import { createRoom, formatRoomHash } from '../room/room-link';

export function HomePage(): JSX.Element {
  const start = () => {
    const { roomId, secret } = createRoom();
    location.hash = formatRoomHash(roomId, secret);
  };
  return (
    <main class="centered home">
      <h1>Lunar Chat</h1>
      <p class="tagline">Private video meetings in your browser. End-to-end encrypted, no account, nothing installed.</p>
      <button type="button" class="primary big" onClick={start}>
        Start a meeting
      </button>
      <p class="hint">You get a link to share. Everything after the # in it stays in your browsers: the server never sees the room or its key.</p>
    </main>
  );
}
