/**
 * Sealing an epoch key to one peer (ECIES-style): a fresh X25519 ephemeral key, ECDH with
 * the recipient's public key, HKDF to an AES-256-GCM key and nonce, the context as AAD.
 * The pairwise channel it travels on is already authenticated (peer proofs); sealing keeps
 * the key confidential even when a message is forwarded through other peers or the relay.
 * Output: ephemeralPublic(32) ‖ ciphertext ‖ tag(16).
 *
 * X25519 (and the AES-GCM) run in WebCrypto, not @noble: noble's ladder cost ≈20–40 ms of main thread
 * per key agreement on the joining page (its first call builds tables), on the path between
 * "verified" and the first picture (profiled in bench/join); WebCrypto's takes well under
 * 1 ms, off the main thread. Keys stay 32-byte strings so callers can derive them (host key).
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, encodeParts, uintToBytes, utf8 } from './bytes';
import { E2eeError } from './errors';

export interface X25519KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

const PUBLIC_KEY_BYTES = 32;
const TAG_BYTES = 16;

/** PKCS#8 wrapping of a raw X25519 private key (RFC 8410): WebCrypto imports no raw private keys. */
const PKCS8_X25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]);
const X25519 = { name: 'X25519' } as const;

export async function generateX25519KeyPair(): Promise<X25519KeyPair> {
  const pair = (await crypto.subtle.generateKey(X25519, true, ['deriveBits'])) as CryptoKeyPair;
  const [pkcs8, raw] = await Promise.all([crypto.subtle.exportKey('pkcs8', pair.privateKey), crypto.subtle.exportKey('raw', pair.publicKey)]);
  return { secretKey: new Uint8Array(pkcs8).slice(PKCS8_X25519_PREFIX.length), publicKey: new Uint8Array(raw) };
}

/**
 * AAD for an epoch-key hand-out: binds the epoch (number and minter) and both parties of this
 * hop, so a sealed key cannot be replayed elsewhere or passed off as another minter's. The
 * sender is the minter, or a member passing the minter's key on (src/call/epoch-book.ts).
 */
export function epochSealContext(epoch: number, minter: string, fromId: string, toId: string): Uint8Array {
  return encodeParts(utf8('lunar epoch key v2'), uintToBytes(BigInt(epoch), 4), utf8(minter), utf8(fromId), utf8(toId));
}

/**
 * A one-use ephemeral key pair for `sealToPeer`, made ahead of time: the seal then starts at the
 * key agreement. Its private half never leaves WebCrypto.
 */
export interface Ephemeral {
  privateKey: CryptoKey;
  publicKey: Uint8Array;
}

export async function prepareEphemeral(): Promise<Ephemeral> {
  const pair = (await crypto.subtle.generateKey(X25519, false, ['deriveBits'])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)) };
}

function importPublic(publicKey: Uint8Array): Promise<CryptoKey> {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new E2eeError('invalid-key', 'X25519 public key must be 32 bytes');
  }
  return crypto.subtle.importKey('raw', new Uint8Array(publicKey), X25519, false, []);
}

async function sharedSecret(secretKey: Uint8Array | CryptoKey, publicKey: Uint8Array): Promise<Uint8Array> {
  const pubReady = importPublic(publicKey);
  try {
    const [priv, pub] = await Promise.all([
      secretKey instanceof Uint8Array ? crypto.subtle.importKey('pkcs8', new Uint8Array(concatBytes(PKCS8_X25519_PREFIX, secretKey)), X25519, false, ['deriveBits']) : secretKey,
      pubReady,
    ]);
    // WebCrypto rejects low-order points (an all-zero shared secret) itself.
    return new Uint8Array(await crypto.subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256));
  } catch (cause) {
    throw new E2eeError('invalid-key', 'X25519 key agreement failed', { cause });
  }
}

function sealKeys(shared: Uint8Array, ephemeralPublic: Uint8Array, recipientPublic: Uint8Array) {
  const okm = hkdf(sha256, shared, concatBytes(ephemeralPublic, recipientPublic), utf8('lunar seal v1'), 44);
  // A fresh ephemeral key per seal makes every AES key single-use, so a derived nonce is safe.
  return { key: okm.subarray(0, 32), nonce: okm.subarray(32) };
}

/**
 * `ephemeral`: a key pair from `prepareEphemeral`, used for this seal only (the epoch hand-out
 * keeps one ready: generating it on the spot was two more WebCrypto round trips between
 * verifying a newcomer and its key, bench/join). Without it one is made now.
 */
export async function sealToPeer(plaintext: Uint8Array, recipientPublicKey: Uint8Array, context: Uint8Array, ephemeral?: Promise<Ephemeral>): Promise<Uint8Array> {
  const eph = await (ephemeral ?? prepareEphemeral());
  const { key, nonce } = sealKeys(await sharedSecret(eph.privateKey, recipientPublicKey), eph.publicKey, recipientPublicKey);
  return concatBytes(eph.publicKey, await aesGcm('encrypt', key, nonce, context, plaintext));
}

/** AES-256-GCM in WebCrypto too: noble's first GCM call builds its GHASH tables (≈20 ms, profiled). */
async function aesGcm(op: 'encrypt' | 'decrypt', key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey('raw', new Uint8Array(key), 'AES-GCM', false, [op]);
  const params = { name: 'AES-GCM', iv: new Uint8Array(nonce), additionalData: new Uint8Array(aad), tagLength: TAG_BYTES * 8 };
  return new Uint8Array(op === 'encrypt' ? await crypto.subtle.encrypt(params, k, new Uint8Array(data)) : await crypto.subtle.decrypt(params, k, new Uint8Array(data)));
}

export async function openSealed(sealed: Uint8Array, recipient: X25519KeyPair, context: Uint8Array): Promise<Uint8Array> {
  if (!(sealed instanceof Uint8Array) || sealed.length < PUBLIC_KEY_BYTES + TAG_BYTES) {
    throw new E2eeError('invalid-tag', 'sealed key too short');
  }
  const ephemeralPublic = sealed.subarray(0, PUBLIC_KEY_BYTES);
  const { key, nonce } = sealKeys(await sharedSecret(recipient.secretKey, ephemeralPublic), ephemeralPublic, recipient.publicKey);
  try {
    return await aesGcm('decrypt', key, nonce, context, sealed.subarray(PUBLIC_KEY_BYTES));
  } catch (cause) {
    throw new E2eeError('invalid-tag', 'sealed key failed authentication', { cause });
  }
}

/**
 * AAD for a private message sealed to one member (large rooms: passed on by others, who hold
 * the room key but must not read it): binds sender and recipient.
 */
export function directMessageContext(fromId: string, toId: string): Uint8Array {
  return encodeParts(utf8('lunar direct message v1'), utf8(fromId), utf8(toId));
}

const BOX_SALT_BYTES = 16;

function boxKeys(shared: Uint8Array, salt: Uint8Array, senderPublic: Uint8Array, recipientPublic: Uint8Array) {
  const okm = hkdf(sha256, shared, concatBytes(salt, senderPublic, recipientPublic), utf8('lunar box v1'), 44);
  // A random salt per message makes every AES key single-use, so a derived nonce is safe.
  return { key: okm.subarray(0, 32), nonce: okm.subarray(32) };
}

/**
 * Seals `plaintext` from us to one member with both static X25519 keys (no ephemeral): only
 * the two of us can open it, and opening it proves it came from the holder of `mine`, so the
 * members passing it on can neither read nor forge it. Output: salt(16) ‖ ciphertext ‖ tag(16).
 */
export async function boxBetween(plaintext: Uint8Array, mine: X25519KeyPair, recipientPublic: Uint8Array, context: Uint8Array): Promise<Uint8Array> {
  const salt = crypto.getRandomValues(new Uint8Array(BOX_SALT_BYTES));
  const { key, nonce } = boxKeys(await sharedSecret(mine.secretKey, recipientPublic), salt, mine.publicKey, recipientPublic);
  return concatBytes(salt, await aesGcm('encrypt', key, nonce, context, plaintext));
}

export async function openBetween(boxed: Uint8Array, mine: X25519KeyPair, senderPublic: Uint8Array, context: Uint8Array): Promise<Uint8Array> {
  if (!(boxed instanceof Uint8Array) || boxed.length < BOX_SALT_BYTES + TAG_BYTES) throw new E2eeError('invalid-tag', 'sealed message too short');
  const salt = boxed.subarray(0, BOX_SALT_BYTES);
  const { key, nonce } = boxKeys(await sharedSecret(mine.secretKey, senderPublic), salt, senderPublic, mine.publicKey);
  try {
    return await aesGcm('decrypt', key, nonce, context, boxed.subarray(BOX_SALT_BYTES));
  } catch (cause) {
    throw new E2eeError('invalid-tag', 'sealed message failed authentication', { cause });
  }
}
