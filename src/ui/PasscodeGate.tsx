import { Show, createSignal, type JSX } from 'solid-js';
import { unlockWithPasscode } from '../room-state/passcode';
import { RoomStateError } from '../room-state/room-state-error';

/**
 * Asks for the room's passcode before anything connects. The check is cryptographic (the
 * passcode is mixed into the key), so a wrong one is known here, and nothing is joined.
 */
export function PasscodeGate(props: { roomId: string; secret: string; check: string; onUnlocked: (effectiveSecret: string) => void }): JSX.Element {
  const [passcode, setPasscode] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onUnlocked(await unlockWithPasscode(props.roomId, props.secret, passcode(), props.check));
    } catch (err) {
      setError(err instanceof RoomStateError && err.code === 'wrong-passcode' ? 'Wrong passcode. Check it with whoever invited you and try again.' : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="centered">
      <h1>This meeting has a passcode</h1>
      <form class="prejoin-form" onSubmit={(e) => void submit(e)}>
        <label>
          Passcode
          <input type="password" autocomplete="off" maxLength={128} value={passcode()} onInput={(e) => setPasscode(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary" disabled={busy() || passcode().trim() === ''}>
          {busy() ? 'Checking…' : 'Continue'}
        </button>
      </form>
      <Show when={error()}>
        <p role="alert" class="error">
          {error()}
        </p>
      </Show>
    </main>
  );
}
