// HTTP semantics of the REST face: conditional requests as Huma does them,
// content negotiation, links behind proxies and under BASE_PATH, and the error
// rows of API.md on every route.
import { describe, expect, it } from 'vitest';
import { startTestGateway, useTestGateway } from './support/gateway.js';
import { rest, type Reply, type RestCall } from './support/http.js';

const ABSENT = 'org_00000000-0000-4000-8000-000000000000';
const env = useTestGateway();

const call = (request: RestCall) => rest(env.gateway.url, { token: env.admin, ...request });
const create = async (title = 'Conditional') => (await call({ method: 'POST', path: '/organizations/', body: { title } })).body;
const item = (id: string) => `/organizations/${id}/`;

async function expectStatus(reply: Promise<Reply>, status: number) {
  const { status: actual, text } = await reply;
  expect(actual, text).toBe(status);
}

describe('conditional writes', () => {
  it('If-Match: * and lists of ETags', async () => {
    const { id } = await create();
    await expectStatus(call({ method: 'PUT', path: item(id), headers: { 'if-match': '*' }, body: { title: 'star' } }), 200);
    await expectStatus(call({ method: 'PUT', path: item(id), headers: { 'if-match': '"7", "2", "9"' }, body: { title: 'list' } }), 200);
    await expectStatus(call({ method: 'PUT', path: item(id), headers: { 'if-match': '"1", "2"' }, body: { title: 'stale' } }), 412);
    await expectStatus(call({ method: 'DELETE', path: item(id), headers: { 'if-match': '"1", "2"' } }), 412);
    await expectStatus(call({ method: 'DELETE', path: item(id), headers: { 'if-match': '"3"' } }), 204);
  });

  it('If-None-Match: * never holds for an existing row; a matching tag (weak too) fails', async () => {
    const { id } = await create();
    await expectStatus(call({ method: 'PUT', path: item(id), headers: { 'if-none-match': '*' }, body: { title: 'x' } }), 412);
    await expectStatus(call({ method: 'PUT', path: item(id), headers: { 'if-none-match': 'W/"1"' }, body: { title: 'x' } }), 412);
    await expectStatus(call({ method: 'DELETE', path: item(id), headers: { 'if-none-match': '"1"' } }), 412);
    await expectStatus(call({ method: 'PUT', path: item(id), headers: { 'if-none-match': '"5"' }, body: { title: 'fresh' } }), 200);
    const now = await call({ method: 'GET', path: item(id) });
    expect(now.body.title).toBe('fresh');
  });

  it('If-Unmodified-Since: a date before the last change fails, a later one applies', async () => {
    const { id } = await create();
    const past = new Date(Date.now() - 3_600_000).toUTCString();
    const future = new Date(Date.now() + 3_600_000).toUTCString();
    await expectStatus(call({ method: 'PUT', path: item(id), headers: { 'if-unmodified-since': past }, body: { title: 'x' } }), 412);
    await expectStatus(call({ method: 'PUT', path: item(id), headers: { 'if-unmodified-since': future }, body: { title: 'y' } }), 200);
    await expectStatus(call({ method: 'PUT', path: item(id), headers: { 'if-unmodified-since': 'not a date' }, body: { title: 'z' } }), 200);
  });

  it('preconditions on an absent organization answer 404', async () => {
    await expectStatus(call({ method: 'PUT', path: item(ABSENT), headers: { 'if-match': '"1"' }, body: { title: 'x' } }), 404);
    await expectStatus(call({ method: 'DELETE', path: item(ABSENT), headers: { 'if-match': '*' } }), 404);
  });
});

describe('conditional reads', () => {
  it('If-None-Match lists and *, and If-Modified-Since, answer 304', async () => {
    const { id } = await create();
    const read = await call({ method: 'GET', path: item(id) });
    const lastModified = read.headers.get('last-modified')!;
    expect(new Date(lastModified).toUTCString()).toBe(lastModified);
    await expectStatus(call({ method: 'GET', path: item(id), headers: { 'if-none-match': '"4", "1"' } }), 304);
    await expectStatus(call({ method: 'GET', path: item(id), headers: { 'if-none-match': '*' } }), 304);
    await expectStatus(call({ method: 'GET', path: item(id), headers: { 'if-modified-since': lastModified } }), 304);
    await expectStatus(call({ method: 'GET', path: item(id), headers: { 'if-modified-since': new Date(Date.now() - 3_600_000).toUTCString() } }), 200);
    // If-None-Match wins over If-Modified-Since.
    await expectStatus(call({ method: 'GET', path: item(id), headers: { 'if-none-match': '"9"', 'if-modified-since': lastModified } }), 200);
  });
});

describe('content negotiation and methods', () => {
  it('406 when Accept rules out JSON; */*, application/* and q-values are honoured', async () => {
    const { id } = await create();
    const refused = await call({ method: 'GET', path: item(id), headers: { accept: 'text/html' } });
    expect(refused.status).toBe(406);
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    await expectStatus(call({ method: 'GET', path: item(id), headers: { accept: 'application/json;q=0, text/html' } }), 406);
    await expectStatus(call({ method: 'GET', path: item(id), headers: { accept: 'text/html, */*;q=0.1' } }), 200);
    await expectStatus(call({ method: 'GET', path: item(id), headers: { accept: 'application/*' } }), 200);
  });

  it('405 with Allow on the collection; OPTIONS lists the methods', async () => {
    const refused = await call({ method: 'PUT', path: '/organizations/', body: { title: 'x' } });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    const options = await fetch(`${env.gateway.url}/organizations/`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
  });
});

describe('error rows on every route', () => {
  const rows: { name: string; request: () => Promise<RestCall>; status: number }[] = [
    { name: 'POST without body', request: async () => ({ method: 'POST', path: '/organizations/', headers: { 'content-type': 'application/json' } }), status: 400 },
    { name: 'POST bad JSON', request: async () => ({ method: 'POST', path: '/organizations/', rawBody: '{', headers: { 'content-type': 'application/json' } }), status: 400 },
    { name: 'POST not JSON', request: async () => ({ method: 'POST', path: '/organizations/', rawBody: 'x', headers: { 'content-type': 'text/csv' } }), status: 415 },
    { name: 'POST too large', request: async () => ({ method: 'POST', path: '/organizations/', body: { title: 'x'.repeat(1_100_000) } }), status: 413 },
    { name: 'POST schema violation', request: async () => ({ method: 'POST', path: '/organizations/', body: { title: 1, extra: true } }), status: 422 },
    { name: 'POST no token', request: async () => ({ method: 'POST', path: '/organizations/', token: '', body: { title: 'x' } }), status: 401 },
    { name: 'GET bad token', request: async () => ({ method: 'GET', path: item(ABSENT), token: 'x.y.z' }), status: 401 },
    { name: 'GET foreign', request: async () => ({ method: 'GET', path: item((await create()).id), token: await env.gateway.token({ scope: 'organizations:read', org: ABSENT }) }), status: 404 },
    { name: 'GET no read scope', request: async () => ({ method: 'GET', path: item(ABSENT), token: await env.gateway.token({ scope: 'organizations:write', org: ABSENT }) }), status: 403 },
    { name: 'GET malformed id', request: async () => ({ method: 'GET', path: '/organizations/ORG/' }), status: 422 },
    { name: 'list no admin', request: async () => ({ method: 'GET', path: '/organizations/', token: await env.gateway.token({ scope: 'organizations:read', org: ABSENT }) }), status: 403 },
    { name: 'list bad limit', request: async () => ({ method: 'GET', path: '/organizations/?limit=ten' }), status: 422 },
    { name: 'list zero limit', request: async () => ({ method: 'GET', path: '/organizations/?limit=0' }), status: 422 },
    { name: 'DELETE no admin', request: async () => ({ method: 'DELETE', path: item(ABSENT), token: await env.gateway.token({ scope: 'organizations:write', org: ABSENT }) }), status: 403 },
    { name: 'DELETE absent', request: async () => ({ method: 'DELETE', path: item(ABSENT) }), status: 404 },
    { name: 'DELETE malformed id', request: async () => ({ method: 'DELETE', path: '/organizations/1/' }), status: 422 },
  ];
  for (const row of rows) {
    it(`${row.status}: ${row.name}`, async () => {
      const request = await row.request();
      const reply = await rest(env.gateway.url, { ...request, token: request.token === undefined ? env.admin : request.token || undefined });
      expect(reply.status, reply.text).toBe(row.status);
      expect(reply.contentType).toMatch(/^application\/problem\+json/);
      expect(reply.body.status).toBe(row.status);
    });
  }
});

describe('links', () => {
  it('follows X-Forwarded-Proto and Forwarded proto behind a trusted proxy', async () => {
    const { id } = await create();
    const viaProxy = await call({ method: 'GET', path: item(id), headers: { 'x-forwarded-host': 'api.example.com', 'x-forwarded-proto': 'http' } });
    expect(viaProxy.body.$schema).toBe('http://api.example.com/schemas/Organization.json');
    const standard = await call({ method: 'GET', path: item(id), headers: { forwarded: 'proto=https;host=gw.example.org:8443' } });
    expect(standard.body.$schema).toBe('https://gw.example.org:8443/schemas/Organization.json');
    const forged = await call({ method: 'GET', path: item(id), headers: { 'x-forwarded-host': 'evil.example/"><script>' } });
    expect(forged.body.$schema).toBe(`${env.gateway.url}/schemas/Organization.json`);
  });

  it('ignores forwarded headers without TRUST_PROXY', async () => {
    const direct = await startTestGateway({ links: { basePath: '', trustProxy: false } });
    try {
      const token = await direct.token();
      const created = await rest(direct.url, { method: 'POST', path: '/organizations/', token, headers: { 'x-forwarded-host': 'api.example.com' }, body: { title: 'x' } });
      expect(created.body.$schema).toBe(`${direct.url}/schemas/Organization.json`);
    } finally {
      await direct.close();
    }
  });

  it('mounts everything REST under BASE_PATH, and every link follows it', async () => {
    const prefixed = await startTestGateway({ links: { basePath: '/v2', trustProxy: true } });
    try {
      const token = await prefixed.token();
      const base = `${prefixed.url}/v2`;
      const created = await rest(base, { method: 'POST', path: '/organizations/', token, body: { title: 'Prefixed' } });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(`/v2/organizations/${created.body.id}/`);
      expect(created.headers.get('link')).toBe('</v2/schemas/Organization.json>; rel="describedBy"');
      expect(created.body.$schema).toBe(`${base}/schemas/Organization.json`);
      expect((await fetch(created.body.$schema)).status).toBe(200);
      await rest(base, { method: 'POST', path: '/organizations/', token, body: { title: 'Second' } });
      const page = await rest(base, { method: 'GET', path: '/organizations/?limit=1', token });
      expect(page.headers.get('link')).toMatch(/^<\/v2\/organizations\/\?cursor=[^>]+>; rel="next"$/);
      const document: any = await (await fetch(`${base}/openapi.json`)).json();
      expect(document.servers).toEqual([{ url: '/v2' }]);
      const error = await rest(base, { method: 'GET', path: '/organizations/nope/', token });
      expect(error.body.$schema).toBe(`${base}/schemas/ErrorModel.json`);
      expect((await fetch(error.body.$schema)).status).toBe(200);
      const unprefixed = await fetch(`${prefixed.url}/organizations/`, { headers: { authorization: `Bearer ${token}` } });
      expect(unprefixed.status).toBe(404);
    } finally {
      await prefixed.close();
    }
  });
});
