// A typed client generated from the served OpenAPI document (openapi-typescript
// + openapi-fetch) calls every operation, success and error: a Chkk client
// that pointed its base URL at the gateway.
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/rest/openapi.js';
import type { paths } from './generated/chkk-api.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';

let gateway: TestGateway;
let client: ReturnType<typeof createClient<paths>>;

beforeAll(async () => {
  gateway = await startTestGateway();
  client = createClient<paths>({ baseUrl: gateway.url, headers: { authorization: `Bearer ${await gateway.token()}` } });
});
afterAll(() => gateway.close());

describe('generated client', () => {
  it('was generated from the document the gateway serves', async () => {
    const served = await (await fetch(`${gateway.url}/openapi.json`)).json();
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument(''))));
  });

  it('calls every operation with success', async () => {
    const created = await client.POST('/organizations/', { body: { title: 'Generated', description: 'by a client' } });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    expect(created.data).toMatchObject({ title: 'Generated', description: 'by a client' });

    const read = await client.GET('/organizations/{organization}/', { params: { path: { organization: id } } });
    expect(read.data?.title).toBe('Generated');
    const etag = read.response.headers.get('etag')!;

    const updated = await client.PUT('/organizations/{organization}/', {
      params: { path: { organization: id }, header: { 'If-Match': etag } },
      body: { $schema: read.data!.$schema, title: 'Regenerated' },
    });
    expect(updated.data).toMatchObject({ id, title: 'Regenerated' });
    expect(updated.data).not.toHaveProperty('description');

    const listed = await client.GET('/organizations/', { params: { query: { limit: 100 } } });
    expect(listed.data?.map((organization) => organization.id)).toContain(id);

    const deleted = await client.DELETE('/organizations/{organization}/', { params: { path: { organization: id }, header: { 'If-Match': updated.response.headers.get('etag')! } } });
    expect(deleted.response.status).toBe(204);
  });

  it('receives typed ErrorModel problems on every operation', async () => {
    const absent = 'org_00000000-0000-4000-8000-000000000000';
    const invalid = await client.POST('/organizations/', { body: { title: '' } });
    expect(invalid.error).toMatchObject({ status: 422, detail: 'validation failed', errors: [{ location: 'body.title', message: 'expected length >= 1', value: '' }] });
    const missing = await client.GET('/organizations/{organization}/', { params: { path: { organization: absent } } });
    expect(missing.error?.status).toBe(404);
    const stale = await client.PUT('/organizations/{organization}/', { params: { path: { organization: absent } }, body: { title: 'x' } });
    expect(stale.error?.title).toBe('Not Found');
    const badPage = await client.GET('/organizations/', { params: { query: { limit: 500 } } });
    expect(badPage.error?.errors?.[0]?.location).toBe('query.limit');
    const gone = await client.DELETE('/organizations/{organization}/', { params: { path: { organization: 'bad' } } });
    expect(gone.error?.errors?.[0]?.location).toBe('path.organization');
  });
});
