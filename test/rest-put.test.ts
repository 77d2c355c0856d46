// The seed operation, PUT /organizations/{organization}/: success and every
// error row of API.md, each checked against the served OpenAPI document and
// each leaving the stored organization as it was.
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestGateway } from './support/gateway.js';
import { rest, type RestCall } from './support/http.js';

const env = useTestGateway();
let id: string;
let before: any;

beforeEach(async () => {
  const created = await rest(env.gateway.url, { method: 'POST', path: '/organizations/', token: env.admin, body: { title: 'Acme', description: 'first' } });
  expect(created.status).toBe(201);
  before = created.body;
  id = before.id;
});

const put = (call: Partial<RestCall> = {}) =>
  rest(env.gateway.url, { method: 'PUT', path: `/organizations/${id}/`, token: env.admin, ...call });

async function expectUnchanged() {
  const now = await rest(env.gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: env.admin });
  expect(now.body).toEqual(before);
}

describe('PUT /organizations/{organization}/ succeeds', () => {
  it('replaces title and description and answers the Organization', async () => {
    const editor = await env.gateway.token({ sub: 'editor' });
    const reply = await put({ token: editor, body: { title: 'Acme Corp', description: 'second' } });
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^application\/json/);
    expect(reply.body).toMatchObject({
      $schema: `${env.gateway.url}/schemas/Organization.json`,
      id,
      title: 'Acme Corp',
      description: 'second',
      created_by: 'tester',
      created_on: before.created_on,
      last_modified_by: 'editor',
    });
    expect(Date.parse(reply.body.last_modified_on)).toBeGreaterThanOrEqual(Date.parse(before.last_modified_on));
    expect(reply.headers.get('link')).toBe('</schemas/Organization.json>; rel="describedBy"');
    expect(reply.headers.get('etag')).toBe('"2"');
  });

  it('clears the description when the body leaves it out, omitting it from JSON', async () => {
    const reply = await put({ body: { title: 'Acme' } });
    expect(reply.status).toBe(200);
    expect(reply.body).not.toHaveProperty('description');
  });

  it('accepts the $schema a GET answered, any +json type, and the path without trailing slash', async () => {
    const reply = await put({ path: `/organizations/${id}`, headers: { 'content-type': 'application/merge-patch+json' }, body: { ...pick(before, '$schema'), title: 'Echo' } });
    expect(reply.status).toBe(200);
    expect(reply.body.title).toBe('Echo');
  });

  it('applies with a matching If-Match and answers the next ETag', async () => {
    const reply = await put({ headers: { 'if-match': '"1"' }, body: { title: 'Matched' } });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('etag')).toBe('"2"');
  });

  it('builds $schema from X-Forwarded-Host and Forwarded', async () => {
    const forwarded = await put({ headers: { 'x-forwarded-host': 'api.example.com' }, body: { title: 'A' } });
    expect(forwarded.body.$schema).toBe('https://api.example.com/schemas/Organization.json');
    const standard = await put({ headers: { forwarded: 'for=1.2.3.4;host="gw.example.org";proto=https' }, body: { title: 'B' } });
    expect(standard.body.$schema).toBe('https://gw.example.org/schemas/Organization.json');
  });
});

describe('PUT /organizations/{organization}/ errors', () => {
  const cases: { name: string; call: () => Partial<RestCall>; status: number; problem: Record<string, unknown>; header?: [string, RegExp] }[] = [
    { name: 'body missing', call: () => ({ headers: { 'content-type': 'application/json' } }), status: 400, problem: { detail: 'request body is required' } },
    {
      name: 'body not valid JSON',
      call: () => ({ rawBody: '{"title":', headers: { 'content-type': 'application/json' } }),
      status: 400,
      problem: { detail: 'validation failed', errors: [{ location: 'body', message: expect.any(String), value: '{"title":' }] },
    },
    {
      name: 'body not UTF-8',
      call: () => ({ rawBody: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), headers: { 'content-type': 'application/json' } }),
      status: 400,
      problem: { detail: 'validation failed', errors: [{ location: 'body', message: 'body is not valid UTF-8' }] },
    },
    {
      name: 'body not a JSON media type',
      call: () => ({ rawBody: 'title=x', headers: { 'content-type': 'text/plain' } }),
      status: 415,
      problem: { detail: expect.stringContaining('application/json') },
    },
    {
      name: 'body over 1 MiB',
      call: () => ({ body: { title: 'x', description: 'y'.repeat(1_048_577) } }),
      status: 413,
      problem: { detail: 'request body is too large limit=1048576 bytes' },
    },
    {
      name: 'missing title',
      call: () => ({ body: { description: 'd' } }),
      status: 422,
      problem: { detail: 'validation failed', errors: [{ location: 'body', message: 'expected required property title to be present', value: { description: 'd' } }] },
    },
    {
      name: 'unknown property',
      call: () => ({ body: { title: 't', foo: 1 } }),
      status: 422,
      problem: { errors: [{ location: 'body.foo', message: 'unexpected property', value: { title: 't', foo: 1 } }] },
    },
    {
      name: 'wrong type',
      call: () => ({ body: { title: 42 } }),
      status: 422,
      problem: { errors: [{ location: 'body.title', message: 'expected string', value: 42 }] },
    },
    {
      name: 'title too long (counted in characters, not UTF-16 units)',
      call: () => ({ body: { title: '€'.repeat(257) } }),
      status: 422,
      problem: { errors: [{ location: 'body.title', message: 'expected length <= 256', value: '€'.repeat(257) }] },
    },
    {
      name: 'empty title and too long description, both reported',
      call: () => ({ body: { title: '', description: 'd'.repeat(4097) } }),
      status: 422,
      problem: {
        errors: expect.arrayContaining([
          { location: 'body.title', message: 'expected length >= 1', value: '' },
          { location: 'body.description', message: 'expected length <= 4096', value: 'd'.repeat(4097) },
        ]),
      },
    },
    {
      name: 'NUL character, which Postgres cannot store',
      call: () => ({ body: { title: 'a\u0000b' } }),
      status: 422,
      problem: { errors: [{ location: 'body.title', message: expect.stringMatching(/^expected string to match pattern/), value: 'a\u0000b' }] },
    },
    {
      name: 'body not an object',
      call: () => ({ body: ['title'] }),
      status: 422,
      problem: { errors: [{ location: 'body', message: 'expected object', value: ['title'] }] },
    },
    {
      name: 'malformed id in the path',
      call: () => ({ path: '/organizations/org_NOT-A-UUID/', body: { title: 't' } }),
      status: 422,
      problem: { errors: [{ location: 'path.organization', message: expect.stringMatching(/^expected string to match pattern/), value: 'org_NOT-A-UUID' }] },
    },
    { name: 'no bearer token', call: () => ({ token: undefined, body: { title: 't' } }), status: 401, problem: { detail: 'bearer token is required' }, header: ['www-authenticate', /^Bearer/] },
    { name: 'bad bearer token', call: () => ({ token: 'not.a.jwt', body: { title: 't' } }), status: 401, problem: { detail: 'token is not valid' }, header: ['www-authenticate', /^Bearer/] },
    { name: 'organization absent', call: () => ({ path: '/organizations/org_00000000-0000-4000-8000-000000000000/', body: { title: 't' } }), status: 404, problem: { detail: 'organization not found' } },
    { name: 'If-Match mismatch', call: () => ({ headers: { 'if-match': '"7"' }, body: { title: 't' } }), status: 412, problem: {} },
    { name: 'weak If-Match never matches', call: () => ({ headers: { 'if-match': 'W/"1"' }, body: { title: 't' } }), status: 412, problem: {} },
    { name: 'method not served', call: () => ({ method: 'PATCH', body: { title: 't' } }), status: 405, problem: {}, header: ['allow', /^GET, HEAD, PUT, DELETE/] },
  ];

  for (const { name, call, status, problem, header } of cases) {
    it(`${status}: ${name}`, async () => {
      const reply = await put(call());
      expect(reply.status).toBe(status);
      expect(reply.contentType).toMatch(/^application\/problem\+json/);
      expect(reply.body).toMatchObject({ title: expect.any(String), status, ...problem });
      expect(reply.body.$schema).toBe(`${env.gateway.url}/schemas/ErrorModel.json`);
      if (header) expect(reply.headers.get(header[0])).toMatch(header[1]);
      expect(reply.text).not.toMatch(/prisma|at \w+ \(|SELECT|UPDATE/i);
      await expectUnchanged();
    });
  }

  it('403: a token without the write scope', async () => {
    const reader = await env.gateway.token({ scope: 'organizations:read', org: id });
    const reply = await put({ token: reader, body: { title: 't' } });
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ title: 'Forbidden', status: 403 });
    await expectUnchanged();
  });

  it('404: an organization outside the token’s organization looks absent', async () => {
    const other = await env.gateway.token({ scope: 'organizations:read organizations:write', org: 'org_00000000-0000-4000-8000-000000000001' });
    const foreign = await put({ token: other, body: { title: 't' } });
    const absent = await put({ token: other, path: '/organizations/org_00000000-0000-4000-8000-000000000001/', body: { title: 't' } });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(absent.body);
    await expectUnchanged();
  });

  it('the path’s own organization can be updated by a non-admin token', async () => {
    const member = await env.gateway.token({ sub: 'member', scope: 'organizations:read organizations:write', org: id });
    const reply = await put({ token: member, body: { title: 'Mine' } });
    expect(reply.status).toBe(200);
    expect(reply.body.last_modified_by).toBe('member');
  });
});

function pick(source: Record<string, unknown>, key: string) {
  return { [key]: source[key] };
}
