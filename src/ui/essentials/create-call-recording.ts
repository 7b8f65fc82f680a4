/**
 * Local recording of the call as a Solid primitive: the stage (canvas drawing of the tiles) plus
 * every participant's audio mixed with ours, recorded with MediaRecorder, optionally encrypted
 * with a passphrase as it is recorded, and saved as a download. Nothing is uploaded.
 *
 * While it runs our presence says `recording: true`, so everyone in the call sees it. Leaving
 * the call (the view going away) stops the recording and still saves it.
 */
import { onCleanup } from 'solid-js';
import { createStore } from 'solid-js/store';
import type { CallEngine } from '../../call/call-engine';
import type { LocalMedia } from '../../call/local-media';
import { createAudioMixer, type AudioMixer } from '../../recording/audio-mixer';
import { createLocalRecorder, type LocalRecorder } from '../../recording/local-recorder';
import { RecordingError } from '../../recording/recording-error';
import { recordingFileName } from '../../recording/recording-file-name';
import { createStageCompositor, type StageCompositor, type StageSource } from '../../recording/stage-compositor';
import type { RoomDocConnection } from '../../room-state/room-doc-provider';
import { saveFile } from './save-file';

export type RecordingStatus = 'idle' | 'recording' | 'saving';

export interface CallRecordingView {
  status: RecordingStatus;
  encrypted: boolean;
  error: string | null;
}

export interface CallRecordingActions {
  start(stage: StageSource, passphrase?: string): void;
  /** Stops, saves the file; resolves when the download has been handed to the browser. */
  stop(): Promise<void>;
}

export type CallRecording = [CallRecordingView, CallRecordingActions];

interface Running {
  recorder: LocalRecorder;
  compositor: StageCompositor;
  mixer: AudioMixer;
  unsubscribe: () => void;
  startedAt: Date;
  encrypted: boolean;
}

export function createCallRecording(opts: { conn: Pick<RoomDocConnection, 'updatePresence'>; engine: CallEngine; media: LocalMedia }): CallRecording {
  const { conn, engine, media } = opts;
  const [state, setState] = createStore<CallRecordingView>({ status: 'idle', encrypted: false, error: null });
  let running: Running | null = null;

  const announceStopped = () => {
    try {
      conn.updatePresence({ recording: false });
    } catch (err) {
      // The room connection is gone (we left): our presence, and the indicator, went with it.
      console.warn('could not publish recording state', err);
    }
  };

  // Everyone's voice and shared-tab audio, plus our microphone as the others hear it (after noise
  // suppression). Not mixed: the audio of a tab we share ourselves (a known gap).
  const audioTracks = () => {
    const remote = engine.participants().flatMap((p) => [...(p.stream?.getAudioTracks() ?? []), ...(p.screenStream?.getAudioTracks() ?? [])]);
    const mic = media.sendAudioTrack;
    return mic ? [...remote, mic] : remote;
  };

  const release = (r: Running) => {
    r.unsubscribe();
    r.compositor.dispose();
    void r.mixer.dispose();
  };

  const start = (stage: StageSource, passphrase?: string) => {
    if (running || state.status !== 'idle') return;
    let compositor: StageCompositor | null = null;
    let mixer: AudioMixer | null = null;
    let announced = false;
    const fail = (why: string) => {
      compositor?.dispose();
      void mixer?.dispose();
      if (announced) announceStopped();
      setState({ status: 'idle', error: why });
    };
    let recorder: LocalRecorder;
    try {
      compositor = createStageCompositor(stage, { pixelRatio: window.devicePixelRatio });
      mixer = createAudioMixer();
      mixer.setTracks(audioTracks());
      recorder = createLocalRecorder(new MediaStream([compositor.track, mixer.track]), passphrase ? { passphrase } : {});
    } catch (err) {
      return fail(err instanceof RecordingError ? err.message : 'Could not start recording in this browser.');
    }
    try {
      // Presence is how the others learn we record: if we cannot tell them, we do not record.
      conn.updatePresence({ recording: true });
      announced = true;
    } catch {
      return fail('Could not start recording: the others in the call could not be told.');
    }
    try {
      recorder.start();
    } catch {
      return fail('The browser refused to start recording.');
    }
    const m = mixer;
    const offEngine = engine.on(() => m.setTracks(audioTracks()));
    const offMedia = media.on(() => m.setTracks(audioTracks()));
    running = {
      recorder,
      compositor,
      mixer,
      unsubscribe: () => {
        offEngine();
        offMedia();
      },
      startedAt: new Date(),
      encrypted: !!passphrase,
    };
    setState({ status: 'recording', encrypted: !!passphrase, error: null });
  };

  const stop = async () => {
    const r = running;
    if (!r) return;
    running = null;
    setState('status', 'saving');
    announceStopped();
    try {
      const blob = await r.recorder.stop();
      saveFile(blob, recordingFileName(r.startedAt, r.encrypted));
      setState({ status: 'idle', error: null });
    } catch (err) {
      setState({ status: 'idle', error: err instanceof RecordingError ? err.message : 'Could not save the recording.' });
    } finally {
      release(r);
    }
  };

  onCleanup(() => void stop());
  return [state, { start, stop }];
}
