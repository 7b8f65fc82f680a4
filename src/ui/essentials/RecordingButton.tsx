import { createEffect, createSignal, Show, type JSX } from 'solid-js';
import type { StageSource } from '../../recording/stage-compositor';
import type { CallRecording } from './create-call-recording';
import './essentials.css';

export interface RecordingButtonProps {
  recording: CallRecording;
  /** The stage to record, read when recording starts. */
  stage: () => StageSource | null;
}

/**
 * "Start recording" opens a small dialog (optional passphrase: the file is then encrypted as it
 * is recorded); "Stop recording" saves the file. Errors show under the button as an alert.
 */
export function RecordingButton(props: RecordingButtonProps): JSX.Element {
  const view = () => props.recording[0];
  const actions = () => props.recording[1];
  const [asking, setAsking] = createSignal(false);
  const [passphrase, setPassphrase] = createSignal('');
  let dialog: HTMLDialogElement | undefined;
  createEffect(() => {
    if (!dialog) return;
    if (asking() && !dialog.open) dialog.showModal();
    if (!asking() && dialog.open) dialog.close();
  });

  const begin = (e: SubmitEvent) => {
    e.preventDefault();
    const stage = props.stage();
    setAsking(false);
    if (!stage) return;
    const secret = passphrase();
    // The passphrase is not kept on screen (or in memory here) once recording started.
    setPassphrase('');
    actions().start(stage, secret === '' ? undefined : secret);
  };

  return (
    <>
      <Show
        when={view().status === 'idle'}
        fallback={
          <button type="button" class="recording-stop" aria-pressed="true" disabled={view().status === 'saving'} onClick={() => void actions().stop()}>
            {view().status === 'saving' ? 'Saving recording…' : 'Stop recording'}
          </button>
        }
      >
        <button type="button" onClick={() => setAsking(true)}>
          Start recording
        </button>
      </Show>
      <Show when={view().error}>
        <span class="recording-error" role="alert">
          {view().error}
        </span>
      </Show>
      <dialog ref={dialog} class="recording-dialog" aria-labelledby="recording-dialog-title" onClose={() => setAsking(false)}>
        <form method="dialog" onSubmit={begin}>
          <h2 id="recording-dialog-title">Record this meeting</h2>
          <p class="hint">The recording stays on this device. Everyone in the meeting sees that you are recording.</p>
          <label>
            Passphrase (optional) <input type="password" autocomplete="new-password" value={passphrase()} onInput={(e) => setPassphrase(e.currentTarget.value)} />
          </label>
          <p class="hint">With a passphrase the file is encrypted; open it on the Play a recording page (#/play).</p>
          <div class="row">
            <button type="submit" class="primary">
              Start
            </button>
            <button type="button" onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
