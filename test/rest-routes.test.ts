// The other REST routes: create, read, list, delete, documents and schemas,
// each response validated against the served OpenAPI document.
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { useTestGateway } from './support/gateway.js';
import { rest, type RestCall } from './support/http.js';

const COLLECTION = '/organizations/';
const env = useTestGateway();

const call = (request: RestCall) => rest(env.gateway.url, { token: env.admin, ...request });
const create = (title: string) => call({ method: 'POST', path: COLLECTION, body: { title } });

describe('POST /organizations/', () => {
  it('creates with a server-made id, audit fields and a Location', async () => {
    const reply = await call({ method: 'POST', path: '/organizations', body: { title: 'New', description: 'desc' } });
    expect(reply.status).toBe(201);
    expect(reply.body.id).toMatch(/^org_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(reply.headers.get('location')).toBe(`/organizations/${reply.body.id}/`);
    expect(reply.body).toMatchObject({ title: 'New', description: 'desc', created_by: 'tester', last_modified_by: 'tester' });
    expect(reply.body.created_on).toBe(reply.body.last_modified_on);
    expect(reply.body.created_on).toMatch(/Z$/);
    expect(reply.headers.get('etag')).toBe('"1"');
  });

  it('ignores a client-sent id: an unknown property is refused', async () => {
    const reply = await call({ method: 'POST', path: COLLECTION, body: { title: 'x', id: 'org_00000000-0000-4000-8000-000000000000' } });
    expect(reply.status).toBe(422);
    expect(reply.body.errors).toEqual([{ location: 'body.id', message: 'unexpected property', value: { title: 'x', id: 'org_00000000-0000-4000-8000-000000000000' } }]);
  });

  it('needs organizations:admin', async () => {
    const writer = await env.gateway.token({ scope: 'organizations:write organizations:read', org: 'org_00000000-0000-4000-8000-000000000000' });
    const reply = await call({ method: 'POST', path: COLLECTION, token: writer, body: { title: 'x' } });
    expect(reply.status).toBe(403);
  });
});

describe('GET /organizations/{organization}/', () => {
  it('answers the organization with ETag, and 304 for a matching If-None-Match', async () => {
    const { body: created } = await create('Read me');
    const reply = await call({ method: 'GET', path: `/organizations/${created.id}/` });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(created);
    const etag = reply.headers.get('etag')!;
    const notModified = await call({ method: 'GET', path: `/organizations/${created.id}`, headers: { 'if-none-match': `W/${etag}` } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe(etag);
    const modified = await call({ method: 'GET', path: `/organizations/${created.id}/`, headers: { 'if-none-match': '"99"' } });
    expect(modified.status).toBe(200);
  });

  it('answers 404 for an absent id and 422 for a malformed one', async () => {
    const absent = await call({ method: 'GET', path: '/organizations/org_00000000-0000-4000-8000-000000000000/' });
    expect(absent.status).toBe(404);
    const malformed = await call({ method: 'GET', path: '/organizations/nope/' });
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors[0].location).toBe('path.organization');
  });

  it('HEAD answers the headers without a body', async () => {
    const { body: created } = await create('Head');
    const response = await fetch(`${env.gateway.url}/organizations/${created.id}/`, { method: 'HEAD', headers: { authorization: `Bearer ${env.admin}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(await response.text()).toBe('');
  });
});

describe('GET /organizations/', () => {
  it('pages oldest first through Link rel="next" until the end', async () => {
    const titles = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const ids: string[] = [];
    for (const title of titles) ids.push((await create(title)).body.id);
    const seen: string[] = [];
    let path: string | undefined = `${COLLECTION}?limit=2`;
    while (path) {
      const reply = await call({ method: 'GET', path });
      expect(reply.status).toBe(200);
      expect(reply.body.length).toBeLessThanOrEqual(2);
      seen.push(...reply.body.map((organization: { id: string }) => organization.id));
      path = /<([^>]+)>; rel="next"/.exec(reply.headers.get('link') ?? '')?.[1];
    }
    const ours = seen.filter((id) => ids.includes(id));
    expect(ours).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a limit above 100 and a forged cursor', async () => {
    const tooMany = await call({ method: 'GET', path: `${COLLECTION}?limit=101` });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors).toEqual([{ location: 'query.limit', message: 'expected number <= 100', value: 101 }]);
    const forged = await call({ method: 'GET', path: `${COLLECTION}?cursor=abc` });
    expect(forged.status).toBe(422);
    expect(forged.body.errors[0].location).toBe('query.cursor');
  });

  it('needs organizations:admin', async () => {
    const reader = await env.gateway.token({ scope: 'organizations:read', org: 'org_00000000-0000-4000-8000-000000000000' });
    expect((await call({ method: 'GET', path: COLLECTION, token: reader })).status).toBe(403);
  });
});

describe('DELETE /organizations/{organization}/', () => {
  it('deletes only with a matching If-Match, then answers 404', async () => {
    const { body: created } = await create('Doomed');
    const path = `/organizations/${created.id}/`;
    const stale = await call({ method: 'DELETE', path, headers: { 'if-match': '"2"' } });
    expect(stale.status).toBe(412);
    const done = await call({ method: 'DELETE', path, headers: { 'if-match': '"1"' } });
    expect(done.status).toBe(204);
    expect(done.text).toBe('');
    expect((await call({ method: 'GET', path })).status).toBe(404);
    expect((await call({ method: 'DELETE', path })).status).toBe(404);
  });
});

describe('documents', () => {
  it('serves the OpenAPI document as JSON and YAML, keeping the seed operation', async () => {
    const json: any = await (await fetch(`${env.gateway.url}/openapi.json`)).json();
    const yaml = parseYaml(await (await fetch(`${env.gateway.url}/openapi.yaml`)).text());
    expect(yaml).toEqual(json);
    expect(json.openapi).toBe('3.1.0');
    const put = json.paths['/organizations/{organization}/'].put;
    expect(put.operationId).toBe('organization-update');
    expect(put.tags).toEqual(['Organization']);
    expect(put.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Organization' });
    expect(put.responses.default.content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/ErrorModel' });
  });

  it('every $schema URL a response carries resolves to that JSON Schema', async () => {
    const { body: created } = await create('Schema');
    const error = await call({ method: 'GET', path: '/organizations/nope/' });
    for (const url of [created.$schema, error.body.$schema]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      const schema: any = await response.json();
      expect(schema.type).toBe('object');
      expect(schema.properties).toHaveProperty('$schema');
    }
  });

  it('unknown paths answer a 404 problem', async () => {
    const reply = await rest(env.gateway.url, { method: 'GET', path: '/nowhere' });
    expect(reply.status).toBe(404);
    expect(reply.contentType).toMatch(/^application\/problem\+json/);
  });

  it('health and readiness answer 200', async () => {
    expect((await fetch(`${env.gateway.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${env.gateway.url}/readyz`)).status).toBe(200);
  });
});

describe('interactive docs', () => {
  it('serves Swagger UI at /docs/ from the package, reading the served document, with no CDN', async () => {
    const redirect = await fetch(`${env.gateway.url}/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/docs/');
    const page = await fetch(`${env.gateway.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThan(3);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//);
      const response = await fetch(new URL(asset, `${env.gateway.url}/docs/`));
      expect(response.status, asset).toBe(200);
      const text = await response.text();
      if (asset.endsWith('swagger-initializer.js')) {
        expect(text).toContain('"/openapi.json"');
        expect(text).toContain('validatorUrl: null');
      }
    }
  });
});
