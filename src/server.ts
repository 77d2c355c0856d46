// Starts the whole gateway from a Config: the database (embedded or given),
// migrations, authentication and the HTTP server; and stops it in order.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { createAuthenticator, signToken } from './auth.js';
import { developmentSecret, hasAuthKeys, type Config } from './config.js';
import { openDatabase } from './db/client.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { migrate } from './db/migrate.js';

const DRAIN_TIMEOUT_MS = 8000;

export interface RunningGateway {
  app: FastifyInstance;
  url: string;
  /** Present outside production when no keys were configured. */
  developmentToken?: string;
  stop(): Promise<void>;
}

export async function startGateway(config: Config, logLevel = 'info'): Promise<RunningGateway> {
  let embedded: EmbeddedDatabase | undefined;
  let developmentToken: string | undefined;
  let auth = config.auth;
  if (!hasAuthKeys(auth)) {
    auth = { ...auth, secret: await developmentSecret(config) };
    developmentToken = await signToken(auth.secret!, { sub: 'dev-admin', scope: 'organizations:admin organizations:read organizations:write', expiresIn: '30d' }, auth);
  }
  const databaseUrl = config.databaseUrl ?? (embedded = await startEmbeddedPostgres(config.dataDir)).url;
  try {
    await migrate(databaseUrl);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const db = openDatabase({ url: databaseUrl, poolMax: config.dbPoolMax, timeoutMs: config.dbTimeoutMs });
  const app = await buildApp({ db, authenticate: createAuthenticator(auth), production: config.production, logLevel, graphqlLimits: config.graphqlLimits, links: { basePath: config.basePath, trustProxy: config.trustProxy } });
  const url = await app.listen({ port: config.port, host: config.host });
  return {
    app,
    url,
    developmentToken,
    async stop() {
      // Requests in flight finish; a client that never reads its response
      // does not hold the process past the drain timeout.
      const force = setTimeout(() => app.server.closeAllConnections(), DRAIN_TIMEOUT_MS).unref();
      await app.close();
      clearTimeout(force);
      await db.close();
      await embedded?.stop();
    },
  };
}
