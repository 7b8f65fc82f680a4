import { createHash } from 'node:crypto';

/** Announced instead of the PeerJS token itself, so tokens never travel through Redis. */
export function peerTokenDigest(token: string): string {
  return createHash('sha256').update(`lunar/v1/peer-token/${token}`).digest('base64url').slice(0, 22);
}
