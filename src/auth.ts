// Bearer JWT verification (jose): HS256 with a shared secret and/or RS256 /
// ES256 keys from a JWKS URL. Produces the domain's Caller or throws 401.
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { unauthenticated } from './domain/errors.js';
import type { Caller } from './domain/identity.js';

export interface AuthOptions {
  /** HS256 secret. */
  secret?: Uint8Array;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export type Authenticate = (authorization: string | undefined) => Promise<Caller>;

export function createAuthenticator(options: AuthOptions): Authenticate {
  const jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  const algorithms = [...(options.secret ? ['HS256'] : []), ...(jwks ? ['RS256', 'ES256'] : [])];
  // Each algorithm only ever meets its own kind of key (no HS/RS confusion).
  const keyFor: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256' && options.secret) return options.secret;
    if (jwks && header.alg !== 'HS256') return jwks(header, token);
    throw new Error('no key for this algorithm');
  };
  const verifyOptions = { algorithms, issuer: options.issuer, audience: options.audience };

  const verified = new VerifiedTokens();

  return async (authorization) => {
    const token = bearerToken(authorization);
    const known = verified.get(token);
    if (known) return known;
    let payload;
    try {
      ({ payload } = await jwtVerify(token, keyFor, verifyOptions));
    } catch (error) {
      throw unauthenticated(describeJoseError(error));
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthenticated('token has no subject (sub)');
    const caller: Caller = {
      subject: payload.sub,
      organization: typeof payload.org === 'string' ? payload.org : undefined,
      scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
    };
    verified.set(token, caller, payload.exp);
    return caller;
  };
}

/**
 * Tokens already verified, by their exact text (signature included, so a
 * forged token never matches): clients send the same token many times, and
 * signature checks were the largest cost of a request. Entries end at the
 * token's `exp` and at most a minute after they were verified (so a key
 * rotation takes effect quickly); the oldest go first past MAX_ENTRIES.
 */
class VerifiedTokens {
  private static readonly MAX_ENTRIES = 10_000;
  private static readonly MAX_AGE_MS = 60_000;
  private readonly entries = new Map<string, { caller: Caller; until: number }>();

  get(token: string): Caller | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (Date.now() >= entry.until) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.caller;
  }

  set(token: string, caller: Caller, exp: number | undefined): void {
    const until = Math.min(Date.now() + VerifiedTokens.MAX_AGE_MS, exp === undefined ? Infinity : exp * 1000);
    if (this.entries.size >= VerifiedTokens.MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { caller, until });
  }
}

function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw unauthenticated(authorization ? 'authorization must be a Bearer token' : 'bearer token is required');
  return match[1]!;
}

function describeJoseError(error: unknown): string {
  switch ((error as { code?: string }).code) {
    case 'ERR_JWT_EXPIRED':
      return 'token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `token claim is not valid: ${(error as { claim?: string }).claim ?? 'unknown'}`;
    default:
      return 'token is not valid';
  }
}

export interface TokenClaims {
  sub: string;
  org?: string;
  scope: string;
  expiresIn?: string;
}

/** Mints an HS256 token (development and tests). */
export async function signToken(secret: Uint8Array, claims: TokenClaims, options: { issuer?: string; audience?: string } = {}): Promise<string> {
  const { expiresIn = '12h', ...payload } = claims;
  let jwt = new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt().setExpirationTime(expiresIn);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(secret);
}
