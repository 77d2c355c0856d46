// Apollo Server 5 on Fastify at /graphql.
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { FastifyError, FastifyInstance } from 'fastify';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Authenticate } from '../auth.js';
import type { GraphQLLimits } from '../config.js';
import type { OrganizationService } from '../domain/organizations.js';
import { problem } from '../domain/problem.js';
import type { Links } from '../http/links.js';
import { SCHEMA_GRAPHQL } from '../paths.js';
import { aliasLimitRule } from './alias-limit.js';
import { createContext, type GraphQLContext } from './context.js';
import { errorFormatter } from './errors.js';
import { resolvers } from './resolvers.js';

export const typeDefs = readFileSync(SCHEMA_GRAPHQL, 'utf8');

export interface GraphQLOptions {
  service: OrganizationService;
  authenticate: Authenticate;
  production: boolean;
  limits: GraphQLLimits;
  links: Links;
}

export async function graphqlRoutes(app: FastifyInstance, { service, authenticate, production, limits, links }: GraphQLOptions): Promise<void> {
  const armor = operationLimits(limits);
  const apollo = new ApolloServer<GraphQLContext>({
    typeDefs,
    resolvers,
    // No "Did you mean …" field suggestions in production.
    formatError: errorFormatter(production),
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    validationRules: [...armor.validationRules, aliasLimitRule(limits.maxAliases)],
    parseOptions: { maxTokens: limits.maxTokens },
    persistedQueries: { cache: new InMemoryLRUCache<string>({ maxSize: limits.persistedQueryCacheBytes }) },
    // src/main.ts owns SIGTERM: drain HTTP first, then stop Apollo (onClose).
    stopOnTerminationSignals: false,
    plugins: [
      // No @cacheControl hints here: skip computing a cache policy per field.
      ApolloServerPluginCacheControlDisabled(),
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      problemSchemaLinks(links),
    ],
  });
  await apollo.start();
  // Operations are small: bodies over GRAPHQL_MAX_BODY_BYTES are refused (413)
  // before they are parsed at all.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: limits.maxBodyBytes }, app.getDefaultJsonParser('error', 'error'));
  // app.close() already drains in-flight HTTP requests (Fastify waits for
  // them); Apollo is stopped after that, so its drain plugin is not needed.
  app.addHook('onClose', () => apollo.stop());
  // Errors before Apollo runs (body too large, bad JSON, rate limit).
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    const message = status < 500 ? error.message : 'unexpected error occurred';
    const code = status === 429 ? 'TOO_MANY_REQUESTS' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
    const body = problem(status, message, [], links.schemaUrl(request.headers, 'ErrorModel'));
    return reply.code(status).type('application/json').send({ errors: [{ message, extensions: { code, problem: body } }] });
  });
  // Apollo behind Fastify as @as-integrations/fastify wires it, without its
  // per-request URL parse (about 5-10 µs): only a GET carries a query string.
  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: '/graphql',
    handler: async (request, reply) => {
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method, headers: headerMapOf(request.headers), search: queryStringOf(request.url), body: request.body },
        context: async () => createContext(service, authenticate, request.headers),
      });
      for (const [name, value] of response.headers) reply.header(name, value);
      reply.code(response.status ?? 200);
      return response.body.kind === 'complete' ? response.body.string : reply.send(Readable.from(response.body.asyncIterator));
    },
  });
}

function headerMapOf(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const [name, value] of Object.entries(headers)) {
    if (value) map.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

/** The `?…` part of a request target, as URL.search gives it. */
function queryStringOf(url: string): string {
  const start = url.indexOf('?');
  return start === -1 || start === url.length - 1 ? '' : url.slice(start);
}

/**
 * Depth, directive and cost limits (graphql-armor; aliases are counted by
 * aliasLimitRule, tokens by the parser). The standard introspection query
 * passes them.
 */
function operationLimits(limits: GraphQLLimits) {
  return new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { enabled: false }, // aliasLimitRule counts __typename aliases too
    // Tokens are limited by graphql-js' own parser (parseOptions below), which
    // answers 400 GRAPHQL_PARSE_FAILED; armor's token plugin re-parses and
    // turns syntax errors into 500s.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, flattenFragments: true },
    blockFieldSuggestion: { enabled: false }, // errorFormatter hides them
  }).protect();
}

/** Gives each error's problem the same `$schema` link as the REST face. */
function problemSchemaLinks(links: Links): ApolloServerPlugin<GraphQLContext> {
  // One listener for every request (it keeps no state of its own).
  const listener: GraphQLRequestListener<GraphQLContext> = {
    async willSendResponse({ response, contextValue }) {
      if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
      const url = links.schemaUrl(contextValue.headers, 'ErrorModel');
      for (const error of response.body.singleResult.errors) {
        const problem = error.extensions?.problem as Record<string, unknown> | undefined;
        if (problem) problem.$schema = url;
      }
    },
  };
  return { requestDidStart: async () => listener };
}
