/**
 * Proof that a peer knows the room key, bound to the DTLS session and to the X25519 public
 * key its epoch keys are to be sealed to:
 *   proof = HMAC-SHA256(authKey, "lunar-auth-v2" ‖ sorted(fpA, fpB) ‖ proverId ‖ publicKey)
 * A relay that swaps SDP (and so the fingerprints) cannot produce a valid proof without the
 * room key, and the prover's id stops a peer reflecting our own proof back at us. The public
 * key travels beside the proof over signalling: bound in, a relay that swaps it (so that
 * hand-outs are sealed to a key it holds, or to none) makes the proof fail instead.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeParts, equalBytes, utf8 } from './bytes';
import { deriveSubKey } from './room-keys';

export interface PeerProofInput {
  /** DTLS certificate fingerprint of my side of this connection (as in the SDP `a=fingerprint`). */
  myFingerprint: string;
  theirFingerprint: string;
  /** The prover's X25519 public key (32 bytes) for epoch hand-outs. */
  proverPublicKey: Uint8Array;
}

/** The key proofs are made with; derived from the room key, never the room key itself. */
export function deriveAuthKey(roomKey: Uint8Array): Uint8Array {
  return deriveSubKey(roomKey, 'peer auth v1');
}

/** "sha-256 AB:CD" and "SHA-256 ab:cd " are the same fingerprint. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.trim().toLowerCase().replace(/\s+/g, ' ');
}

function proofMessage(fpA: string, fpB: string, proverId: string, proverPublicKey: Uint8Array): Uint8Array {
  const [first, second] = [normalizeFingerprint(fpA), normalizeFingerprint(fpB)].sort();
  return encodeParts(utf8('lunar-auth-v2'), utf8(first ?? ''), utf8(second ?? ''), utf8(proverId), proverPublicKey);
}

export function computePeerProof(authKey: Uint8Array, input: PeerProofInput & { myId: string }): Uint8Array {
  return hmac(sha256, authKey, proofMessage(input.myFingerprint, input.theirFingerprint, input.myId, input.proverPublicKey));
}

export function verifyPeerProof(
  authKey: Uint8Array,
  proof: Uint8Array,
  input: PeerProofInput & { theirId: string },
): boolean {
  if (!(proof instanceof Uint8Array) || !(input.proverPublicKey instanceof Uint8Array) || input.proverPublicKey.length !== 32) return false;
  const expected = hmac(sha256, authKey, proofMessage(input.myFingerprint, input.theirFingerprint, input.theirId, input.proverPublicKey));
  return equalBytes(expected, proof);
}
