import { Match, Switch, createSignal, onCleanup, type JSX } from 'solid-js';
import { bootConfig } from '../config/boot-config';
import { createKnock, lobbyTopic, parseLobbyMessage, readAnswer, type PendingKnock } from '../room-state/lobby';
import type { LobbyLink } from '../room-state/room-links';
import { formatRoomHash, sanitizeDisplayName } from '../room/room-link';
import { PresenceChannel } from '../signaling/presence-channel';
import { rememberName, rememberedName } from './display-name-store';

type Status = { kind: 'form' } | { kind: 'waiting' } | { kind: 'denied' } | { kind: 'error'; message: string };

/** Knocks are repeated until answered: a moderator may join the lobby topic after us. */
const KNOCK_EVERY_MS = 3000;

/**
 * The guest side of a lobby link: no secret, only the room id and the moderators' key. The
 * guest knocks with its name sealed to that key; a signed admit carries the secret, sealed
 * to the guest's one-time key. The relay sees a hashed topic and fixed-size ciphertext.
 */
export function LobbyPage(props: { lobby: LobbyLink }): JSX.Element {
  const [name, setName] = createSignal(rememberedName());
  const [status, setStatus] = createSignal<Status>({ kind: 'form' });
  let channel: PresenceChannel | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    clearInterval(timer);
    channel?.close();
    channel = null;
  };
  onCleanup(stop);

  const knock = async (e: SubmitEvent) => {
    e.preventDefault();
    const displayName = sanitizeDisplayName(name());
    if (!displayName) return;
    rememberName(displayName);
    setStatus({ kind: 'waiting' });
    try {
      const { relayBase } = await bootConfig();
      const { knock: message, pending } = await createKnock(props.lobby.roomId, props.lobby.moderatorKey, displayName);
      const ch = new PresenceChannel(relayBase, await lobbyTopic(props.lobby.roomId));
      channel = ch;
      ch.on('message', (m) => void onMessage(pending, m, displayName));
      ch.on('status', (s) => {
        if (s === 'open') ch.publish(message);
      });
      timer = setInterval(() => ch.publish(message), KNOCK_EVERY_MS);
    } catch (err) {
      setStatus({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  };

  const onMessage = async (pending: PendingKnock, raw: unknown, displayName: string) => {
    let outcome;
    try {
      const msg = parseLobbyMessage(raw);
      if (msg.type === 'knock') return;
      outcome = await readAnswer(pending, msg);
    } catch {
      return; // Someone else's traffic, or a forgery: only a signed answer counts.
    }
    // Two answers can be opening at once (a repeated admit): the first one wins.
    if (!outcome || status().kind !== 'waiting') return;
    stop();
    if (outcome.kind === 'denied') {
      setStatus({ kind: 'denied' });
      return;
    }
    location.hash = formatRoomHash(props.lobby.roomId, outcome.secret, { name: displayName, prejoin: false });
  };

  return (
    <main class="centered">
      <h1>Join the meeting</h1>
      <Switch>
        <Match when={status().kind === 'form'}>
          <p>A moderator lets people into this meeting. Tell them who you are.</p>
          <form class="prejoin-form" onSubmit={(e) => void knock(e)}>
            <label>
              Display name
              <input maxLength={64} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
            </label>
            <button type="submit" class="primary" disabled={!sanitizeDisplayName(name())}>
              Ask to join
            </button>
          </form>
        </Match>
        <Match when={status().kind === 'waiting'}>
          <p role="status">Waiting for a moderator to let you in…</p>
        </Match>
        <Match when={status().kind === 'denied'}>
          <p role="alert">A moderator declined your request to join this meeting.</p>
          <a class="button" href="#/">
            Home
          </a>
        </Match>
        <Match when={status().kind === 'error' && (status() as { message: string })}>
          {(s) => (
            <p role="alert" class="error">
              {s().message}
            </p>
          )}
        </Match>
      </Switch>
    </main>
  );
}
