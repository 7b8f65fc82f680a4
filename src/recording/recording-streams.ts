/**
 * Streaming encryption and decryption of recordings (format in `recording-format.ts`). Both are
 * TransformStreams of bytes, so a long recording is sealed chunk by chunk as MediaRecorder
 * produces it and never sits in memory in clear.
 *
 * Decryption releases each chunk once it is authenticated, before the end of the file is seen;
 * a consumer that must not act on a truncated file (the player) waits for the stream to close
 * without error before using the output.
 */
import { ByteQueue } from './byte-queue';
import {
  chunkAad,
  chunkNonce,
  decodeHeader,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_ITERATIONS,
  deriveKeys,
  encodeHeader,
  equalBytes,
  HEADER_BYTES,
  MAX_CHUNK_SIZE,
  MAX_ITERATIONS,
  MIN_CHUNK_SIZE,
  MIN_ITERATIONS,
  TAG_BYTES,
} from './recording-format';
import { RecordingError } from './recording-error';

export interface EncryptOptions {
  /** PBKDF2 rounds, ≥ 200 000. */
  iterations?: number;
  /** Plaintext bytes per chunk. */
  chunkSize?: number;
}

async function seal(key: CryptoKey, nonce: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>, plain: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, key, plain));
}

async function open(key: CryptoKey, nonce: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>, sealed: Uint8Array<ArrayBuffer>): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, key, sealed));
  } catch {
    return null;
  }
}

export function createEncryptStream(passphrase: string, opts: EncryptOptions = {}): TransformStream<Uint8Array, Uint8Array> {
  const iterations = opts.iterations ?? DEFAULT_ITERATIONS;
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) throw new RangeError(`iterations must be in [${MIN_ITERATIONS}, ${MAX_ITERATIONS}]`);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) throw new RangeError(`chunkSize must be in [${MIN_CHUNK_SIZE}, ${MAX_CHUNK_SIZE}]`);
  const queue = new ByteQueue();
  let key: CryptoKey;
  let header: Uint8Array;
  let noncePrefix: Uint8Array;
  let counter = 0;

  const sealNext = async (plain: Uint8Array<ArrayBuffer>, last: boolean) => {
    const out = await seal(key, chunkNonce(noncePrefix, counter), chunkAad(header, last), plain);
    counter++;
    return out;
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    async start(controller) {
      const salt = crypto.getRandomValues(new Uint8Array(16));
      noncePrefix = crypto.getRandomValues(new Uint8Array(8));
      const keys = await deriveKeys(passphrase, salt, iterations);
      key = keys.key;
      header = encodeHeader({ iterations, chunkSize, salt, noncePrefix, keyCheck: keys.keyCheck });
      controller.enqueue(header);
    },
    async transform(piece, controller) {
      queue.push(piece);
      // Strictly more than a chunk: the final chunk must be sealed as last, so keep it until flush.
      while (queue.length > chunkSize) controller.enqueue(await sealNext(queue.take(chunkSize), false));
    },
    async flush(controller) {
      controller.enqueue(await sealNext(queue.take(queue.length), true));
    },
  });
}

export function createDecryptStream(passphrase: string): TransformStream<Uint8Array, Uint8Array> {
  const queue = new ByteQueue();
  let key: CryptoKey | undefined;
  let header: Uint8Array;
  let noncePrefix: Uint8Array;
  let sealedChunk = 0;
  let counter = 0;

  const readHeader = async () => {
    header = queue.take(HEADER_BYTES);
    const h = decodeHeader(header);
    const keys = await deriveKeys(passphrase, h.salt, h.iterations);
    if (!equalBytes(keys.keyCheck, h.keyCheck)) throw new RecordingError('wrong-passphrase', 'Wrong passphrase for this recording.');
    key = keys.key;
    noncePrefix = h.noncePrefix;
    sealedChunk = h.chunkSize + TAG_BYTES;
  };

  const openNext = async (sealed: Uint8Array<ArrayBuffer>, last: boolean): Promise<Uint8Array | null> => {
    const plain = await open(key!, chunkNonce(noncePrefix, counter), chunkAad(header, last), sealed);
    if (plain) counter++;
    return plain;
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(piece, controller) {
      queue.push(piece);
      if (!key) {
        if (queue.length < HEADER_BYTES) return;
        await readHeader();
      }
      while (queue.length > sealedChunk) {
        const plain = await openNext(queue.take(sealedChunk), false);
        if (!plain) throw new RecordingError('corrupt-recording', `Recording chunk ${counter} failed authentication (modified, reordered or damaged).`);
        controller.enqueue(plain);
      }
    },
    async flush(controller) {
      if (!key) {
        if (queue.length < HEADER_BYTES) throw new RecordingError('truncated-recording', 'The recording ends before its header.');
        await readHeader();
      }
      const rest = queue.take(queue.length);
      if (rest.length < TAG_BYTES) throw new RecordingError('truncated-recording', 'The recording is cut short: its final chunk is missing.');
      const plain = await openNext(rest, true);
      if (plain) {
        controller.enqueue(plain);
        return;
      }
      // A chunk that opens as "not last" at the end means the real end was cut off.
      const notLast = rest.length === sealedChunk ? await openNext(rest, false) : null;
      if (notLast) throw new RecordingError('truncated-recording', 'The recording is cut short: its final chunk is missing.');
      throw new RecordingError('corrupt-recording', `Recording chunk ${counter} failed authentication (modified, truncated or damaged).`);
    },
  });
}

/** Encrypts a Blob (e.g. a finished recording) into the file format, streaming. */
export async function encryptBlob(blob: Blob, passphrase: string, opts?: EncryptOptions): Promise<Blob> {
  const stream = blob.stream().pipeThrough(createEncryptStream(passphrase, opts));
  return collect(stream, 'application/octet-stream');
}

/** Decrypts a file produced by `createEncryptStream`; rejects with a RecordingError, never returns partial output. */
export async function decryptBlob(blob: Blob, passphrase: string, type = 'video/webm'): Promise<Blob> {
  return collect(blob.stream().pipeThrough(createDecryptStream(passphrase)), type);
}

async function collect(stream: ReadableStream<Uint8Array>, type: string): Promise<Blob> {
  const parts: BlobPart[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value as Uint8Array<ArrayBuffer>);
  }
  return new Blob(parts, { type });
}
