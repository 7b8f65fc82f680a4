/**
 * TURN REST credentials, the scheme coturn calls `use-auth-secret`: the relay and the TURN
 * server share a secret, so the relay hands out short-lived credentials without any state.
 * username = "<expiry unix seconds>:<opaque id>", password = base64(HMAC-SHA1(secret, username)).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { TurnError } from './turn-error';
import { longTermKey } from './stun/integrity';

export interface TurnCredentials {
  username: string;
  credential: string;
  /** Unix seconds after which the server refuses the username. */
  expiresAt: number;
}

export function restPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username, 'utf8').digest('base64');
}

/** `now` is in milliseconds (Date.now()), the expiry in the username in seconds as coturn expects. */
export function issueTurnCredentials(secret: string, ttlSeconds: number, now: number, id?: string): TurnCredentials {
  const expiresAt = Math.floor(now / 1000) + Math.max(1, Math.floor(ttlSeconds));
  const username = `${expiresAt}:${id ?? randomBytes(9).toString('base64url')}`;
  return { username, credential: restPassword(secret, username), expiresAt };
}

/** Parses the expiry out of a REST username; the opaque id part is free-form. */
export function restUsernameExpiry(username: string): number | null {
  const colon = username.indexOf(':');
  const head = colon < 0 ? username : username.slice(0, colon);
  if (!/^\d{1,12}$/.test(head)) return null;
  return Number(head);
}

/**
 * Server side: the long-term keys (MD5(username:realm:password)) this username may use, one
 * per accepted secret so a rotation never cuts off credentials issued under the old secret.
 * Returns a typed error for malformed or expired usernames.
 */
export function restCredentialKeys(
  username: string,
  realm: string,
  secrets: readonly string[],
  now: number,
): { ok: true; keys: Uint8Array[] } | { ok: false; error: TurnError } {
  const expiry = restUsernameExpiry(username);
  if (expiry === null) return { ok: false, error: new TurnError('credentials-malformed', 'username is not "<expiry>:<id>"') };
  if (expiry * 1000 < now) return { ok: false, error: new TurnError('credentials-expired', `credentials expired at ${expiry}`) };
  if (secrets.length === 0) return { ok: false, error: new TurnError('credentials-unknown', 'no secret configured') };
  return { ok: true, keys: secrets.map((s) => longTermKey(username, realm, restPassword(s, username))) };
}
