// Configuration from the environment, read once at start (see README).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { AuthOptions } from './auth.js';

export interface Config {
  port: number;
  host: string;
  /** Unset: an embedded Postgres under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  production: boolean;
  auth: AuthOptions;
  dbPoolMax: number;
  dbTimeoutMs: number;
  /** Prepare statements by name on each connection (off for poolers that cannot keep them). */
  dbPreparedStatements: boolean;
  graphqlLimits: GraphQLLimits;
  /** '' or a prefix such as '/v2' for the REST routes, schemas and documents. */
  basePath: string;
  /** Take host and protocol from X-Forwarded-* / Forwarded (as Huma does). */
  trustProxy: boolean;
  /** HTTP server processes (node:cluster); see defaultWorkers. */
  workers: number;
  /** Requests per window per token (or per address without one); 0 turns limiting off. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Longest time a request's headers and body may take to arrive (408 after). */
  requestTimeoutMs: number;
}

/** Limits on one GraphQL operation (and the persisted-query cache). */
export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  persistedQueryCacheBytes: number;
  /** Largest request body on /graphql (documents and variables). */
  maxBodyBytes: number;
}

export function graphqlLimitsFrom(env: NodeJS.ProcessEnv = {}): GraphQLLimits {
  return {
    maxDepth: integer(env.GRAPHQL_MAX_DEPTH, 10, 'GRAPHQL_MAX_DEPTH'),
    maxAliases: integer(env.GRAPHQL_MAX_ALIASES, 100, 'GRAPHQL_MAX_ALIASES'),
    maxTokens: integer(env.GRAPHQL_MAX_TOKENS, 5000, 'GRAPHQL_MAX_TOKENS'),
    maxDirectives: integer(env.GRAPHQL_MAX_DIRECTIVES, 50, 'GRAPHQL_MAX_DIRECTIVES'),
    maxCost: integer(env.GRAPHQL_MAX_COST, 5000, 'GRAPHQL_MAX_COST'),
    persistedQueryCacheBytes: integer(env.GRAPHQL_APQ_CACHE_MB, 8, 'GRAPHQL_APQ_CACHE_MB') * 1024 * 1024,
    maxBodyBytes: integer(env.GRAPHQL_MAX_BODY_BYTES, 262_144, 'GRAPHQL_MAX_BODY_BYTES'),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: integer(env.PORT, 4000, 'PORT'),
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR || '.data',
    production: env.NODE_ENV === 'production',
    auth: {
      secret: env.AUTH_JWT_SECRET ? new TextEncoder().encode(env.AUTH_JWT_SECRET) : undefined,
      jwksUrl: env.AUTH_JWKS_URL || undefined,
      issuer: env.AUTH_ISSUER || undefined,
      audience: env.AUTH_AUDIENCE || undefined,
    },
    dbPoolMax: integer(env.DB_POOL_MAX, 10, 'DB_POOL_MAX'),
    dbTimeoutMs: integer(env.DB_TIMEOUT_MS, 5000, 'DB_TIMEOUT_MS'),
    dbPreparedStatements: env.DB_PREPARED_STATEMENTS === undefined || env.DB_PREPARED_STATEMENTS === '' ? true : boolean(env.DB_PREPARED_STATEMENTS, 'DB_PREPARED_STATEMENTS'),
    graphqlLimits: graphqlLimitsFrom(env),
    basePath: basePath(env.BASE_PATH),
    rateLimitMax: integer(env.RATE_LIMIT_MAX, env.NODE_ENV === 'production' ? 1200 : 0, 'RATE_LIMIT_MAX'),
    rateLimitWindowMs: integer(env.RATE_LIMIT_WINDOW_MS, 60_000, 'RATE_LIMIT_WINDOW_MS'),
    requestTimeoutMs: integer(env.REQUEST_TIMEOUT_MS, 30_000, 'REQUEST_TIMEOUT_MS'),
    workers: integer(env.WORKERS, defaultWorkers(env), 'WORKERS') || 1,
    trustProxy: env.TRUST_PROXY === undefined || env.TRUST_PROXY === '' ? true : boolean(env.TRUST_PROXY, 'TRUST_PROXY'),
  };
}

/**
 * 1 outside production. In production every core, except when Postgres runs
 * on this host (embedded, or a loopback or socket DATABASE_URL): then half of
 * them, since Postgres needs CPU too; on 2 cores one worker serves more than
 * two (README, Performance).
 */
export function defaultWorkers(env: NodeJS.ProcessEnv, cores = availableParallelism()): number {
  if (env.NODE_ENV !== 'production') return 1;
  return databaseOnThisHost(env.DATABASE_URL) ? Math.max(1, Math.floor(cores / 2)) : cores;
}

function databaseOnThisHost(databaseUrl: string | undefined): boolean {
  if (!databaseUrl) return true;
  // A socket directory in ?host= (libpq style) means a Unix socket.
  if (/[?&]host=(\/|%2F)/i.test(databaseUrl)) return true;
  try {
    return ['', 'localhost', '127.0.0.1', '[::1]'].includes(new URL(databaseUrl).hostname);
  } catch {
    return false;
  }
}

export function basePath(value: string | undefined): string {
  const trimmed = (value ?? '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(trimmed)) throw new Error(`BASE_PATH must look like /v2, got "${value}"`);
  return trimmed;
}

function boolean(value: string, name: string): boolean {
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new Error(`${name} must be true or false, got "${value}"`);
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

export const hasAuthKeys = (auth: AuthOptions) => Boolean(auth.secret || auth.jwksUrl);

/**
 * Outside production with no key configured, a development secret is kept
 * in DATA_DIR so tokens survive restarts. In production that is refused.
 */
export async function developmentSecret(config: Config): Promise<Uint8Array> {
  if (config.production) {
    throw new Error('NODE_ENV=production needs AUTH_JWT_SECRET or AUTH_JWKS_URL; refusing to start without authentication keys');
  }
  const file = join(config.dataDir, 'dev-jwt-secret');
  await mkdir(config.dataDir, { recursive: true });
  let secret = await readFile(file, 'utf8').catch(() => '');
  if (!secret) {
    secret = randomBytes(32).toString('hex');
    await writeFile(file, secret, { mode: 0o600 });
  }
  return new TextEncoder().encode(secret.trim());
}
