import { createSignal, onCleanup, Show, type JSX } from 'solid-js';
import { looksEncrypted } from '../../recording/recording-format';
import { decryptBlob } from '../../recording/recording-streams';
import { RecordingError } from '../../recording/recording-error';
import './essentials.css';

const MESSAGES: Record<string, string> = {
  'wrong-passphrase': 'Wrong passphrase for this recording.',
  'corrupt-recording': 'This recording is damaged or was modified; it cannot be played.',
  'truncated-recording': 'This recording is incomplete (the end of the file is missing).',
  'unsupported-recording': 'This is not a Lunar Chat recording, or it was made by a newer version.',
};

/**
 * MediaRecorder writes webm without a duration (it is not known while recording), so the
 * browser reports Infinity and the seek bar is useless. Seeking far past the end makes it read
 * the file to its end and learn the real duration; then we go back to the start.
 */
function revealDuration(video: HTMLVideoElement): void {
  if (Number.isFinite(video.duration)) return;
  const back = () => {
    if (!Number.isFinite(video.duration)) return;
    video.removeEventListener('durationchange', back);
    video.currentTime = 0;
  };
  video.addEventListener('durationchange', back);
  video.currentTime = Number.MAX_SAFE_INTEGER;
}

/**
 * `#/play`: open a local recording, decrypt it in the browser if it is encrypted, and play it.
 * Nothing is uploaded; the decrypted video only exists as an object URL in this tab.
 */
export function PlayerPage(): JSX.Element {
  const [file, setFile] = createSignal<File | null>(null);
  const [encrypted, setEncrypted] = createSignal(false);
  const [passphrase, setPassphrase] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [url, setUrl] = createSignal<string | null>(null);
  const setVideo = (blob: Blob | null) => {
    const old = url();
    if (old) URL.revokeObjectURL(old);
    setUrl(blob ? URL.createObjectURL(blob) : null);
  };
  onCleanup(() => setVideo(null));

  const choose = async (f: File | undefined) => {
    setError(null);
    setVideo(null);
    setFile(f ?? null);
    if (!f) return;
    const isSealed = looksEncrypted(new Uint8Array(await f.slice(0, 4).arrayBuffer()));
    setEncrypted(isSealed);
    if (!isSealed) setVideo(f);
  };

  const open = async (e: Event) => {
    e.preventDefault();
    const f = file();
    if (!f) return;
    setBusy(true);
    setError(null);
    try {
      setVideo(await decryptBlob(f, passphrase(), 'video/webm'));
    } catch (err) {
      setError(err instanceof RecordingError ? (MESSAGES[err.code] ?? err.message) : 'Could not decrypt this recording.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="player">
      <h1>Play a recording</h1>
      <p class="hint">The file stays on this device: it is decrypted and played in this tab only.</p>
      <label>
        Recording file <input type="file" accept=".lunarrec,.lrec,.webm,video/webm,application/octet-stream" onChange={(e) => void choose(e.currentTarget.files?.[0])} />
      </label>
      <Show when={file() && encrypted()}>
        <form class="row" onSubmit={(e) => void open(e)}>
          <label>
            Passphrase <input type="password" autocomplete="off" value={passphrase()} onInput={(e) => setPassphrase(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary" disabled={busy() || passphrase() === ''}>
            {busy() ? 'Decrypting…' : 'Decrypt and play'}
          </button>
        </form>
      </Show>
      <Show when={error()}>
        <p role="alert" class="error">
          {error()}
        </p>
      </Show>
      <Show when={url()}>{(src) => <video src={src()} controls autoplay playsinline aria-label="Recording" onLoadedMetadata={(e) => revealDuration(e.currentTarget)} />}</Show>
      <a href="#/">Back to Lunar Chat</a>
    </main>
  );
}
