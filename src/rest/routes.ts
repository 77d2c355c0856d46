// The REST compatibility face: the Chkk routes with the OpenAPI document's
// exact shapes. A thin adapter: parse, authenticate, call the service, answer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticate } from '../auth.js';
import { DomainError } from '../domain/errors.js';
import { etagOf, notModified, type Organization, type Preconditions } from '../domain/organization.js';
import { PAGE_DEFAULT, type OrganizationService } from '../domain/organizations.js';
import { problem } from '../domain/problem.js';
import type { Links } from '../http/links.js';
import { BODY_LIMIT, HttpProblem, methodNotAllowed, notAcceptable, toHttpProblem, unsupportedMediaType } from './errors.js';
import { docsRoutes } from './docs.js';
import type { RestDocuments } from './documents.js';
import { toRest } from './representation.js';

export interface RestOptions {
  service: OrganizationService;
  authenticate: Authenticate;
  links: Links;
  documents: RestDocuments;
}

type IdRequest = FastifyRequest<{ Params: { organization: string } }>;
type ListRequest = FastifyRequest<{ Querystring: { limit?: string; cursor?: string } }>;

const COLLECTION = '/organizations/';
const ITEM = '/organizations/:organization/';

/** Registered with `prefix: BASE_PATH`. */
export async function restRoutes(app: FastifyInstance, { service, authenticate, links, documents }: RestOptions): Promise<void> {
  // Bodies arrive raw whatever their type: the route decides what it accepts.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error, request, reply) => sendProblem(links, request, reply, error));

  const caller = (request: FastifyRequest) => authenticate(request.headers.authorization);
  const answer = (request: FastifyRequest, reply: FastifyReply, organization: Organization, status: number) => {
    versionHeaders(reply, organization).header('link', links.describedBy('Organization'));
    return sendJson(reply, status, toRest(organization, links.schemaUrl(request.headers, 'Organization')));
  };
  const json = { preHandler: acceptJson };

  app.get(COLLECTION, json, async (request: ListRequest, reply) => {
    const limit = parseLimit(request.query.limit);
    const page = await service.list(await caller(request), limit, request.query.cursor);
    if (page.nextCursor) {
      const next = new URLSearchParams({ cursor: page.nextCursor, limit: String(limit) });
      reply.header('link', `<${links.path(COLLECTION)}?${next}>; rel="next"`);
    }
    const schema = links.schemaUrl(request.headers, 'Organization');
    return sendJson(reply, 200, page.items.map((organization) => toRest(organization, schema)));
  });

  app.post(COLLECTION, json, async (request, reply) => {
    const created = await service.create(await caller(request), jsonBody(request));
    reply.header('location', links.path(`${COLLECTION}${created.id}/`));
    return answer(request, reply, created, 201);
  });

  app.get(ITEM, json, async (request: IdRequest, reply) => {
    const organization = await service.get(await caller(request), request.params.organization);
    if (notModified(organization, header(request, 'if-none-match'), header(request, 'if-modified-since'))) {
      return versionHeaders(reply, organization).code(304).send();
    }
    return answer(request, reply, organization, 200);
  });

  app.put(ITEM, json, async (request: IdRequest, reply) => {
    const who = await caller(request);
    const updated = await service.replace(who, request.params.organization, jsonBody(request), preconditions(request));
    return answer(request, reply, updated, 200);
  });

  app.delete(ITEM, json, async (request: IdRequest, reply) => {
    await service.delete(await caller(request), request.params.organization, preconditions(request));
    return reply.code(204).send();
  });

  refuseOtherMethods(app, COLLECTION, ['GET', 'HEAD', 'POST']);
  refuseOtherMethods(app, ITEM, ['GET', 'HEAD', 'PUT', 'DELETE']);

  await app.register(docsRoutes, { basePath: links.basePath });
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(documents.openApiJson));
  app.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml').send(documents.openApiYaml));
  app.get('/schemas/:name', async (request: FastifyRequest<{ Params: { name: string } }>, reply) => {
    const file = documents.schemaFile(request.params.name);
    if (file === undefined) throw new HttpProblem(404, `no schema named ${request.params.name}`);
    return reply.type('application/schema+json').send(file);
  });
}

/** 405 with Allow for the methods a path does not serve; OPTIONS answers the same list. */
function refuseOtherMethods(app: FastifyInstance, url: string, served: string[]): void {
  const allow = [...served, 'OPTIONS'].join(', ');
  app.options(url, async (_request, reply) => reply.code(204).header('allow', allow).send());
  const others = ['DELETE', 'PATCH', 'POST', 'PUT'].filter((method) => !served.includes(method));
  app.route({ method: others, url, handler: async () => { throw methodNotAllowed(allow); } });
}

/** 406 unless Accept (when sent) admits JSON. */
async function acceptJson(request: FastifyRequest): Promise<void> {
  const accept = request.headers.accept;
  if (accept !== undefined && !acceptsJson(accept)) throw notAcceptable();
}

export function acceptsJson(accept: string): boolean {
  return accept.split(',').some((range) => {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const refused = parameters.some((parameter) => /^q=0(\.0{0,3})?$/.test(parameter));
    return !refused && ['*/*', 'application/*', 'application/json', 'application/problem+json'].includes(type);
  });
}

// One decoder for every request: constructing one costs more than decoding a body.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function jsonBody(request: FastifyRequest): unknown {
  const raw = request.body as Buffer | undefined;
  if (!raw || raw.length === 0) throw new DomainError('BAD_REQUEST', 'request body is required');
  const type = request.headers['content-type'];
  if (type !== undefined && !isJsonMediaType(type)) throw unsupportedMediaType(type);
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new DomainError('BAD_REQUEST', 'validation failed', [{ location: 'body', message: 'body is not valid UTF-8' }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError('BAD_REQUEST', 'validation failed', [{ location: 'body', message: (error as Error).message, value: text }]);
  }
}

export function isJsonMediaType(contentType: string): boolean {
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return essence === 'application/json' || /^application\/[^/]+\+json$/.test(essence);
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined || limit === '') return PAGE_DEFAULT;
  if (!/^-?\d{1,6}$/.test(limit)) throw new DomainError('BAD_USER_INPUT', 'validation failed', [{ location: 'query.limit', message: 'expected integer', value: limit }]);
  return Number(limit);
}

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

const preconditions = (request: FastifyRequest): Preconditions => ({
  ifMatch: header(request, 'if-match'),
  ifNoneMatch: header(request, 'if-none-match'),
  ifUnmodifiedSince: header(request, 'if-unmodified-since'),
});

/** ETag and Last-Modified of the version a response describes. */
const versionHeaders = (reply: FastifyReply, organization: Organization) =>
  reply.header('etag', etagOf(organization)).header('last-modified', organization.lastModifiedOn.toUTCString());

function sendJson(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type('application/json').send(JSON.stringify(body));
}

export function sendProblem(links: Links, request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const failure = toHttpProblem(error);
  if (failure.status >= 500 && !(error instanceof DomainError)) request.log.error({ err: error }, 'unexpected error');
  if (failure instanceof HttpProblem) reply.headers(failure.headers);
  if (failure.status === 401) reply.header('www-authenticate', 'Bearer');
  if (failure.status === 503) reply.header('retry-after', '5');
  const body = problem(failure.status, failure.detail, failure.errors, links.schemaUrl(request.headers, 'ErrorModel'));
  return reply
    .code(failure.status)
    .header('link', links.describedBy('ErrorModel'))
    .type('application/problem+json')
    .send(JSON.stringify(body));
}
