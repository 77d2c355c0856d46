// Builds the gateway: one Fastify instance serving REST and GraphQL over one
// OrganizationService. Listening is the caller's business (src/main.ts, tests).
import { createServer, type RequestListener, type Server } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Authenticate } from './auth.js';
import { graphqlLimitsFrom, type GraphQLLimits } from './config.js';
import type { Database } from './db/client.js';
import { OrganizationStatements } from './db/hot-path.js';
import { OrganizationService } from './domain/organizations.js';
import { graphqlRoutes } from './graphql/server.js';
import { Links, type LinkOptions } from './http/links.js';
import { observe, requestId } from './http/observability.js';
import { limitRequests, type RateLimitOptions } from './http/rate-limit.js';
import { restDocuments } from './rest/documents.js';
import { BODY_LIMIT, HttpProblem } from './rest/errors.js';
import { restRoutes, sendProblem } from './rest/routes.js';

export interface AppOptions {
  db: Database;
  authenticate: Authenticate;
  production: boolean;
  logLevel?: string;
  graphqlLimits?: GraphQLLimits;
  links?: LinkOptions;
  rateLimit?: RateLimitOptions;
  /** A request whose headers and body take longer answers 408. */
  requestTimeoutMs?: number;
  /** Where JSON log lines go (default stdout). */
  logStream?: { write(line: string): void };
}

/**
 * Node's server answers 408 to a request still arriving after `timeoutMs`
 * (slow-body attacks) and 431 to oversized headers; it checks every quarter
 * of the timeout rather than its default 30 s.
 */
function createHttpServer(timeoutMs: number, handler: RequestListener): Server {
  return createServer(
    { requestTimeout: timeoutMs, headersTimeout: timeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(timeoutMs / 4, 30_000)) },
    handler,
  );
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { db, authenticate, production, logLevel = 'info', graphqlLimits = graphqlLimitsFrom() } = options;
  const links = new Links(options.links ?? { basePath: '', trustProxy: true });
  const app = Fastify({
    // Fastify logs the request id (reqId) on every line; headers and bodies
    // are not logged, and authorization is redacted should a header ever be.
    logger: { level: logLevel, redact: ['req.headers.authorization', 'headers.authorization'], ...(options.logStream ? { stream: options.logStream } : {}) },
    genReqId: requestId,
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: BODY_LIMIT,
    serverFactory: (handler) => createHttpServer(options.requestTimeoutMs ?? 30_000, handler),
  });
  const service = new OrganizationService(db.prisma, new OrganizationStatements(db.adapter));

  app.setNotFoundHandler((request, reply) => sendProblem(links, request, reply, new HttpProblem(404, `no route for ${request.method} ${request.url.split('?')[0]}`)));

  observe(app, db);
  await limitRequests(app, options.rateLimit ?? { max: 0, windowMs: 60_000 });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await db.ping();
      return { status: 'ok' };
    } catch {
      return sendProblem(links, request, reply, new HttpProblem(503, 'database is unavailable'));
    }
  });

  await app.register(restRoutes, { service, authenticate, links, documents: restDocuments(links.basePath), prefix: links.basePath });
  await app.register(graphqlRoutes, { service, authenticate, production, limits: graphqlLimits, links });
  return app;
}
