/**
 * Stateless nonces: "<expiry>" authenticated with an HMAC over the expiry and the client's IP,
 * under a key that lives only in this process. Checking one needs no lookup table, so a flood
 * of unauthenticated requests costs neither memory nor timers; an old nonce yields 438.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from './stun/integrity';

export interface NonceIssuer {
  issue(clientIp: string, now: number): string;
  /** 'ok', 'stale' (well-formed and ours but expired) or 'invalid'. */
  check(nonce: string, clientIp: string, now: number): 'ok' | 'stale' | 'invalid';
}

export function createNonceIssuer(lifetimeMs: number, key: Uint8Array = randomBytes(32)): NonceIssuer {
  const mac = (expiry: number, ip: string): Uint8Array => {
    const h = createHmac('sha256', key);
    h.update(`${expiry}|${ip}`);
    return h.digest().subarray(0, 12);
  };
  return {
    issue(clientIp, now) {
      const expiry = Math.floor((now + lifetimeMs) / 1000);
      const head = Buffer.alloc(4);
      head.writeUInt32BE(expiry >>> 0);
      return Buffer.concat([head, mac(expiry, clientIp)]).toString('base64url');
    },
    check(nonce, clientIp, now) {
      if (nonce.length !== 22 || !/^[A-Za-z0-9_-]+$/.test(nonce)) return 'invalid';
      const raw = Buffer.from(nonce, 'base64url');
      if (raw.length !== 16) return 'invalid';
      const expiry = raw.readUInt32BE(0);
      if (!constantTimeEqual(raw.subarray(4), mac(expiry, clientIp))) return 'invalid';
      return expiry * 1000 < now ? 'stale' : 'ok';
    },
  };
}
