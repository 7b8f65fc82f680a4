/**
 * Local recording with MediaRecorder (webm), nothing uploaded. With a passphrase, each piece
 * MediaRecorder hands us goes straight into the streaming encryptor, so only ciphertext
 * accumulates; without one, the webm pieces are kept as they are.
 *
 * What to record (the stage view and mixed audio) is the caller's choice of `stream`, e.g. a
 * canvas capture of the stage plus a MediaStreamDestination mixing every participant's audio.
 */
import { createEncryptStream, type EncryptOptions } from './recording-streams';
import { RecordingError } from './recording-error';

export interface LocalRecorderOptions {
  passphrase?: string;
  /** Defaults to the first supported of vp8/opus webm, then plain webm. */
  mimeType?: string;
  /** How often MediaRecorder hands over data, ms (bounds what is lost if the tab dies). */
  timesliceMs?: number;
  encrypt?: EncryptOptions;
}

export interface LocalRecorder {
  start(): void;
  /** Stops and resolves to the file: webm, or the encrypted format when a passphrase was given. */
  stop(): Promise<Blob>;
  readonly state: 'idle' | 'recording' | 'stopped';
  /** The MediaRecorder mime type in use (what the decrypted file contains). */
  readonly mimeType: string;
}

const CANDIDATE_TYPES = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm', 'audio/webm;codecs=opus', 'audio/webm'];

export function pickMimeType(isSupported: (type: string) => boolean, hasVideo: boolean): string {
  const types = hasVideo ? CANDIDATE_TYPES : CANDIDATE_TYPES.filter((t) => t.startsWith('audio/'));
  return types.find((t) => isSupported(t)) ?? '';
}

export function createLocalRecorder(stream: MediaStream, opts: LocalRecorderOptions = {}): LocalRecorder {
  if (typeof MediaRecorder === 'undefined') throw new RecordingError('recorder-unavailable', 'This browser cannot record (no MediaRecorder).');
  const mimeType = opts.mimeType ?? pickMimeType((t) => MediaRecorder.isTypeSupported(t), stream.getVideoTracks().length > 0);
  let recorder: MediaRecorder;
  try {
    recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
  } catch (cause) {
    throw new RecordingError('recorder-unavailable', 'The browser refused to record this stream.', { cause });
  }
  let state: LocalRecorder['state'] = 'idle';
  const output: BlobPart[] = [];
  const encryptor = opts.passphrase ? createEncryptStream(opts.passphrase, opts.encrypt) : null;
  const writer = encryptor?.writable.getWriter();
  // Drain the ciphertext as it is produced so neither side of the stream buffers the recording.
  const drained = encryptor
    ? (async () => {
        const reader = encryptor.readable.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          output.push(value as Uint8Array<ArrayBuffer>);
        }
      })()
    : Promise.resolve();
  drained.catch(() => {});
  let writes: Promise<void> = Promise.resolve();

  recorder.ondataavailable = (e: BlobEvent) => {
    if (e.data.size === 0) return;
    if (!writer) {
      output.push(e.data);
      return;
    }
    // Keep pieces in order: each write waits for the previous blob to be read.
    writes = writes.then(async () => writer.write(new Uint8Array(await e.data.arrayBuffer())));
  };

  return {
    get state() {
      return state;
    },
    mimeType: mimeType || recorder.mimeType,
    start() {
      if (state !== 'idle') return;
      recorder.start(opts.timesliceMs ?? 1000);
      state = 'recording';
    },
    async stop() {
      if (state === 'recording') {
        const stopped = new Promise<void>((resolve) => recorder.addEventListener('stop', () => resolve(), { once: true }));
        recorder.stop();
        await stopped;
      }
      state = 'stopped';
      if (writer) {
        try {
          await writes;
          await writer.close();
          await drained;
        } catch (cause) {
          throw new RecordingError('recorder-unavailable', 'Encrypting the recording failed.', { cause });
        }
        return new Blob(output, { type: 'application/octet-stream' });
      }
      return new Blob(output, { type: (mimeType || recorder.mimeType).split(';')[0] });
    },
  };
}
