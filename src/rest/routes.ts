// The REST compatibility face: the Chkk routes with the OpenAPI document's
// exact shapes. A thin adapter: parse, authenticate, call the service, answer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticate } from '../auth.js';
import { DomainError } from '../domain/errors.js';
import { etagOf, type Organization } from '../domain/organization.js';
import type { OrganizationService } from '../domain/organizations.js';
import { problem } from '../domain/problem.js';
import { describedBy, schemaUrl } from '../http/links.js';
import { BODY_LIMIT, HttpProblem, methodNotAllowed, toHttpProblem, unsupportedMediaType } from './errors.js';
import { openApiDocumentJson, openApiDocumentYaml, schemaFileJson } from './documents.js';
import { toRest } from './representation.js';

export interface RestOptions {
  service: OrganizationService;
  authenticate: Authenticate;
}

type IdRequest = FastifyRequest<{ Params: { organization: string } }>;
type ListRequest = FastifyRequest<{ Querystring: { limit?: string; cursor?: string } }>;

const COLLECTION = '/organizations/';
const ITEM = '/organizations/:organization/';

export async function restRoutes(app: FastifyInstance, { service, authenticate }: RestOptions): Promise<void> {
  // Bodies arrive raw whatever their type: the route decides what it accepts.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, error));

  const caller = (request: FastifyRequest) => authenticate(request.headers.authorization);

  app.get(COLLECTION, async (request: ListRequest, reply) => {
    const { limit, cursor } = request.query;
    const page = await service.list(await caller(request), parseLimit(limit), cursor);
    if (page.nextCursor) {
      const next = new URLSearchParams({ cursor: page.nextCursor, limit: String(parseLimit(limit)) });
      reply.header('link', `<${COLLECTION}?${next}>; rel="next"`);
    }
    const schema = schemaUrl(request.headers, 'Organization');
    return sendJson(reply, 200, page.items.map((organization) => toRest(organization, schema)));
  });

  app.post(COLLECTION, async (request, reply) => {
    const created = await service.create(await caller(request), jsonBody(request));
    reply.header('location', `${COLLECTION}${created.id}/`);
    return sendOrganization(request, reply, created, 201);
  });

  app.get(ITEM, async (request: IdRequest, reply) => {
    const organization = await service.get(await caller(request), request.params.organization);
    if (noneMatch(request.headers['if-none-match'], organization)) {
      return reply.code(304).header('etag', etagOf(organization)).send();
    }
    return sendOrganization(request, reply, organization, 200);
  });

  app.put(ITEM, async (request: IdRequest, reply) => {
    const who = await caller(request);
    const updated = await service.replace(who, request.params.organization, jsonBody(request), ifMatch(request));
    return sendOrganization(request, reply, updated, 200);
  });

  app.delete(ITEM, async (request: IdRequest, reply) => {
    await service.delete(await caller(request), request.params.organization, ifMatch(request));
    return reply.code(204).send();
  });

  refuseOtherMethods(app, COLLECTION, ['GET', 'HEAD', 'POST']);
  refuseOtherMethods(app, ITEM, ['GET', 'HEAD', 'PUT', 'DELETE']);

  app.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(openApiDocumentJson));
  app.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml').send(openApiDocumentYaml));
  app.get('/schemas/:name', async (request: FastifyRequest<{ Params: { name: string } }>, reply) => {
    const file = schemaFileJson(request.params.name);
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

function jsonBody(request: FastifyRequest): unknown {
  const raw = request.body as Buffer | undefined;
  if (!raw || raw.length === 0) throw new DomainError('BAD_REQUEST', 'request body is required');
  const type = request.headers['content-type'];
  if (type !== undefined && !isJsonMediaType(type)) throw unsupportedMediaType(type);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
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
  if (limit === undefined || limit === '') return 20;
  if (!/^-?\d+$/.test(limit)) throw new DomainError('BAD_USER_INPUT', 'validation failed', [{ location: 'query.limit', message: 'expected integer', value: limit }]);
  return Number(limit);
}

const ifMatch = (request: FastifyRequest) => request.headers['if-match'];

/** If-None-Match uses weak comparison: W/"1" matches "1". */
function noneMatch(header: string | undefined, organization: Organization): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const current = etagOf(organization);
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === current);
}

function sendJson(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).type('application/json').send(JSON.stringify(body));
}

function sendOrganization(request: FastifyRequest, reply: FastifyReply, organization: Organization, status: number) {
  reply.header('etag', etagOf(organization)).header('link', describedBy('Organization'));
  return sendJson(reply, status, toRest(organization, schemaUrl(request.headers, 'Organization')));
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const failure = toHttpProblem(error);
  if (failure.status >= 500 && !(error instanceof DomainError)) request.log.error({ err: error }, 'unexpected error');
  if (failure instanceof HttpProblem) reply.headers(failure.headers);
  if (failure.status === 401) reply.header('www-authenticate', 'Bearer');
  if (failure.status === 503) reply.header('retry-after', '5');
  const body = problem(failure.status, failure.detail, failure.errors, schemaUrl(request.headers, 'ErrorModel'));
  return reply
    .code(failure.status)
    .header('link', describedBy('ErrorModel'))
    .type('application/problem+json')
    .send(JSON.stringify(body));
}
