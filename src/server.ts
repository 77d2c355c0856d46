// Starts the gateway from a Config in two steps: `prepare` (authentication
// keys, the database, embedded or given, and its migrations; once per host)
// and `serve` (the HTTP server; once per worker). Each returns how to stop it.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { createAuthenticator, signToken, type AuthOptions } from './auth.js';
import { developmentSecret, hasAuthKeys, type Config } from './config.js';
import { openDatabase } from './db/client.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrate.js';

const DRAIN_TIMEOUT_MS = 8000;

export interface Prepared {
  databaseUrl: string;
  auth: AuthOptions;
  /** The development secret, when no keys were configured (outside production). */
  developmentSecret?: string;
  developmentToken?: string;
  stop(): Promise<void>;
}

export async function prepare(config: Config): Promise<Prepared> {
  let auth = config.auth;
  let secret: string | undefined;
  let developmentToken: string | undefined;
  if (!hasAuthKeys(auth)) {
    const key = await developmentSecret(config);
    secret = new TextDecoder().decode(key);
    auth = { ...auth, secret: key };
    developmentToken = await signToken(key, { sub: 'dev-admin', scope: 'organizations:admin organizations:read organizations:write', expiresIn: '30d' }, auth);
  }
  let embedded: EmbeddedDatabase | undefined;
  const databaseUrl = config.databaseUrl ?? (embedded = await startEmbeddedPostgres(config.dataDir)).url;
  try {
    await migrate(databaseUrl);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return { databaseUrl, auth, developmentSecret: secret, developmentToken, stop: async () => embedded?.stop() };
}

export interface Serving {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

export async function serve(config: Config, databaseUrl: string, auth: AuthOptions, logLevel = 'info'): Promise<Serving> {
  const db = openDatabase({ url: databaseUrl, poolMax: config.dbPoolMax, timeoutMs: config.dbTimeoutMs, preparedStatements: config.dbPreparedStatements });
  const app = await buildApp({
    db,
    authenticate: createAuthenticator(auth),
    production: config.production,
    logLevel,
    graphqlLimits: config.graphqlLimits,
    links: { basePath: config.basePath, trustProxy: config.trustProxy },
    rateLimit: { max: config.rateLimitMax, windowMs: config.rateLimitWindowMs },
    requestTimeoutMs: config.requestTimeoutMs,
  });
  const url = await app.listen({ port: config.port, host: config.host });
  return {
    app,
    url,
    async stop() {
      // Requests in flight finish; a client that never reads its response
      // does not hold the process past the drain timeout.
      const force = setTimeout(() => app.server.closeAllConnections(), DRAIN_TIMEOUT_MS).unref();
      await app.close();
      clearTimeout(force);
      await db.close();
    },
  };
}
