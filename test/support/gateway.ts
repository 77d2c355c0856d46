// A real gateway for a test file: its own database copied from the migrated
// template, real Fastify listening on loopback, real HTTP through fetch.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createAuthenticator, signToken, type AuthOptions, type TokenClaims } from '../../src/auth.js';
import type { GraphQLLimits } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { ensureDatabase } from '../../src/db/embedded.js';
import type { LinkOptions } from '../../src/http/links.js';
import type { RateLimitOptions } from '../../src/http/rate-limit.js';

export const ADMIN_SCOPES = 'organizations:admin organizations:read organizations:write';

export interface TestGateway {
  url: string;
  db: Database;
  databaseUrl: string;
  secret: Uint8Array;
  token(claims?: Partial<TokenClaims>): Promise<string>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  production?: boolean;
  /** Point the gateway at this URL instead of a fresh database. */
  databaseUrl?: string;
  timeoutMs?: number;
  graphqlLimits?: GraphQLLimits;
  links?: LinkOptions;
  rateLimit?: RateLimitOptions;
  /** Capture log lines (at info level) instead of silencing them. */
  logLines?: string[];
  requestTimeoutMs?: number;
  /** Authentication beyond the generated HS256 secret (JWKS, issuer, audience). */
  auth?: Omit<AuthOptions, 'secret'>;
}

export async function freshDatabaseUrl(): Promise<string> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(adminUrl, name, inject('templateDatabase'));
  return adminUrl.replace(/\/[^/]+$/, `/${name}`);
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const databaseUrl = options.databaseUrl ?? (await freshDatabaseUrl());
  const secret = randomBytes(32);
  const db = openDatabase({ url: databaseUrl, poolMax: 10, timeoutMs: options.timeoutMs ?? 5000 });
  const app = await buildApp({ db, authenticate: createAuthenticator({ ...options.auth, secret }), production: options.production ?? false, logLevel: options.logLines ? 'info' : 'silent', logStream: options.logLines ? { write: (line: string) => void options.logLines!.push(line) } : undefined, graphqlLimits: options.graphqlLimits, links: options.links, rateLimit: options.rateLimit, requestTimeoutMs: options.requestTimeoutMs });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    db,
    databaseUrl,
    secret,
    token: (claims = {}) => signToken(secret, { sub: 'tester', scope: ADMIN_SCOPES, ...claims }, { issuer: options.auth?.issuer, audience: options.auth?.audience }),
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/**
 * A test gateway for the whole file: started before its tests with an admin
 * token ready, closed after them.
 */
export function useTestGateway(options: TestGatewayOptions = {}): { gateway: TestGateway; admin: string } {
  const handle = {} as { gateway: TestGateway; admin: string };
  beforeAll(async () => {
    handle.gateway = await startTestGateway(options);
    handle.admin = await handle.gateway.token();
  });
  afterAll(() => handle.gateway.close());
  return handle;
}
