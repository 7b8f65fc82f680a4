import { errors as joseErrors, importSPKI, jwtVerify } from 'jose';
import type { AccessGrant } from '../connection';
import { RelayError } from '../errors';
import type { JwtAuthConfig } from '../options';

/** The query parameter carrying the token on both WebSocket routes: `/yjs?jwt=…`, `/peerjs?…&jwt=…`. */
export const JWT_PARAM = 'jwt';
const MAX_TOKEN_CHARS = 8192;
const MAX_ROOM_CHARS = 128;
/** Tolerated clock difference between the token issuer and this relay. */
const CLOCK_TOLERANCE_S = 30;

export interface JwtVerifier {
  /** Resolves with what the token grants, or rejects with RelayError('unauthorized'). */
  verify(token: string | null): Promise<AccessGrant>;
}

/**
 * Token auth for self-hosted relays (and the hook for a pay gate: an outside system issues
 * tokens). Only the one configured algorithm is accepted, so `alg: none` and HS/RS
 * confusion are refused by construction; `exp` and `room` are required.
 */
export async function createJwtVerifier(config: JwtAuthConfig): Promise<JwtVerifier> {
  let key: Uint8Array | CryptoKey;
  let algorithm: 'HS256' | 'RS256';
  if (config.secret !== undefined) {
    key = new TextEncoder().encode(config.secret);
    algorithm = 'HS256';
  } else if (config.publicKeyPem !== undefined) {
    try {
      key = await importSPKI(config.publicKeyPem, 'RS256');
    } catch (cause) {
      throw new RelayError('bad-env', 'AUTH_JWT_PUBLIC_KEY is not a valid RSA public key', { cause });
    }
    algorithm = 'RS256';
  } else {
    throw new RelayError('bad-env', 'token auth needs a secret or a public key');
  }

  return {
    async verify(token) {
      if (token === null || token === '') throw new RelayError('unauthorized', 'a token is required (?jwt=…)');
      if (token.length > MAX_TOKEN_CHARS) throw new RelayError('unauthorized', 'token too long');
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: [algorithm],
          audience: config.audience,
          issuer: config.issuer,
          requiredClaims: ['exp'],
          clockTolerance: CLOCK_TOLERANCE_S,
        }));
      } catch (cause) {
        throw new RelayError('unauthorized', describeJoseError(cause), { cause });
      }
      const room = payload.room;
      if (typeof room !== 'string' || room === '' || room.length > MAX_ROOM_CHARS) {
        throw new RelayError('unauthorized', 'token has no valid "room" claim (a hashed room id or "*")');
      }
      return { room };
    },
  };
}

/** Short reasons for operators and clients; never echoes the token. */
function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `token claim "${err.claim}" is invalid`;
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature invalid';
  return 'token invalid';
}
