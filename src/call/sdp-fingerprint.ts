/** The DTLS certificate fingerprint a description commits to (`a=fingerprint:sha-256 …`). Pure. */
export function sdpFingerprint(sdp: string | undefined | null): string | null {
  if (!sdp) return null;
  const m = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp);
  return m ? `${m[1]?.toLowerCase()} ${m[2]?.toLowerCase()}` : null;
}
