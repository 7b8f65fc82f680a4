/**
 * Sealing an epoch key to one peer (ECIES-style): a fresh X25519 ephemeral key, ECDH with
 * the recipient's public key, HKDF to an AES-256-GCM key and nonce, the context as AAD.
 * The pairwise channel it travels on is already authenticated (peer proofs); sealing keeps
 * the key confidential even when a message is forwarded through other peers or the relay.
 * Output: ephemeralPublic(32) ‖ ciphertext ‖ tag(16).
 */
import { gcm } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
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

export function generateX25519KeyPair(): X25519KeyPair {
  const { secretKey, publicKey } = x25519.keygen();
  return { secretKey, publicKey };
}

/** AAD for an epoch-key hand-out: binds the epoch and both parties, so a sealed key cannot be replayed elsewhere. */
export function epochSealContext(epoch: number, fromId: string, toId: string): Uint8Array {
  return encodeParts(utf8('lunar epoch key v1'), uintToBytes(BigInt(epoch), 4), utf8(fromId), utf8(toId));
}

function sharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new E2eeError('invalid-key', 'X25519 public key must be 32 bytes');
  }
  try {
    // noble rejects low-order points (an all-zero shared secret) itself.
    return x25519.getSharedSecret(secretKey, publicKey);
  } catch (cause) {
    throw new E2eeError('invalid-key', 'X25519 key agreement failed', { cause });
  }
}

function sealKeys(shared: Uint8Array, ephemeralPublic: Uint8Array, recipientPublic: Uint8Array) {
  const okm = hkdf(sha256, shared, concatBytes(ephemeralPublic, recipientPublic), utf8('lunar seal v1'), 44);
  // A fresh ephemeral key per seal makes every AES key single-use, so a derived nonce is safe.
  return { key: okm.subarray(0, 32), nonce: okm.subarray(32) };
}

export function sealToPeer(plaintext: Uint8Array, recipientPublicKey: Uint8Array, context: Uint8Array): Uint8Array {
  const ephemeral = generateX25519KeyPair();
  const { key, nonce } = sealKeys(sharedSecret(ephemeral.secretKey, recipientPublicKey), ephemeral.publicKey, recipientPublicKey);
  return concatBytes(ephemeral.publicKey, gcm(key, nonce, context).encrypt(plaintext));
}

export function openSealed(sealed: Uint8Array, recipient: X25519KeyPair, context: Uint8Array): Uint8Array {
  if (!(sealed instanceof Uint8Array) || sealed.length < PUBLIC_KEY_BYTES + TAG_BYTES) {
    throw new E2eeError('invalid-tag', 'sealed key too short');
  }
  const ephemeralPublic = sealed.subarray(0, PUBLIC_KEY_BYTES);
  const { key, nonce } = sealKeys(sharedSecret(recipient.secretKey, ephemeralPublic), ephemeralPublic, recipient.publicKey);
  try {
    return gcm(key, nonce, context).decrypt(sealed.subarray(PUBLIC_KEY_BYTES));
  } catch (cause) {
    throw new E2eeError('invalid-tag', 'sealed key failed authentication', { cause });
  }
}
