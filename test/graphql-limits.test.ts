// Hostile operations meet configurable limits with clear, coded errors while
// legitimate ones (50 aliased lookups, the introspection query) still pass;
// production mode hides introspection, Sandbox, suggestions and internals.
import { createHash } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlLimitsFrom } from '../src/config.js';
import { startTestGateway, useTestGateway, type TestGateway } from './support/gateway.js';
import { graphql } from './support/http.js';

const env = useTestGateway();

const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: __typename`).join(' ')} }`;
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('operation limits (defaults)', () => {
  it('lets the standard introspection query and 50 aliases through', async () => {
    const introspection = await graphql(env.gateway.url, getIntrospectionQuery());
    expect(introspection.body.errors).toBeUndefined();
    const fifty = await graphql(env.gateway.url, aliases(50));
    expect(fifty.body.errors).toBeUndefined();
  });

  it('refuses more aliases than GRAPHQL_MAX_ALIASES (100)', async () => {
    const { status, body } = await graphql(env.gateway.url, aliases(101));
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors[0].message).toMatch(/alias/i);
  });

  it('counts aliases hidden in fragments', async () => {
    const fragment = `fragment F on Query { ${Array.from({ length: 60 }, (_, i) => `f${i}: __typename`).join(' ')} }`;
    const { body } = await graphql(env.gateway.url, `{ ...F ${Array.from({ length: 60 }, (_, i) => `q${i}: __typename`).join(' ')} } ${fragment}`);
    expect(body.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('refuses too many directives', async () => {
    const { body } = await graphql(env.gateway.url, `{ __typename ${'@include(if: true) '.repeat(51)}}`);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors[0].message).toMatch(/directive/i);
  });

  // How fast this refusal is, next to ordinary requests, is measured by
  // `npm run bench` (hostile operations), not asserted here.
  it('refuses a 10,000-alias operation at the parser', async () => {
    const { status, body } = await graphql(env.gateway.url, aliases(10_000));
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(body.errors[0].message).toMatch(/5000 tokens/);
  });

  it('refuses a 1 MB document before parsing it', async () => {
    const response = await post(env.gateway.url, { query: `{ __typename } # ${'x'.repeat(1_000_000)}` });
    expect(response.status).toBe(413);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses batched requests', async () => {
    const response = await post(env.gateway.url, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/batch/i);
  });

  it('keeps CSRF prevention on: a simple GET without a preflight header is refused', async () => {
    const refused = await fetch(`${env.gateway.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(refused.status).toBe(400);
    const allowed = await fetch(`${env.gateway.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(allowed.status).toBe(200);
  });

  it('suggests field names outside production', async () => {
    const { body } = await graphql(env.gateway.url, '{ organizatio(id: "x") { id } }', {}, env.admin);
    expect(body.errors[0].message).toMatch(/Did you mean/);
  });
});

describe('configured limits', () => {
  it('applies GRAPHQL_MAX_DEPTH and GRAPHQL_MAX_COST', async () => {
    const strict = await startTestGateway({ graphqlLimits: graphqlLimitsFrom({ GRAPHQL_MAX_DEPTH: '2', GRAPHQL_MAX_COST: '5' }) });
    try {
      const token = await strict.token();
      const deep = await graphql(strict.url, '{ organizations { edges { node { id } } } }', {}, token);
      expect(deep.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(deep.body.errors.map((error: { message: string }) => error.message).join(' ')).toMatch(/depth/i);
      const costly = await graphql(strict.url, '{ a: organization(id: "x") { id title description } b: organization(id: "y") { id title description } }', {}, token);
      expect(costly.body.errors[0].message).toMatch(/cost/i);
    } finally {
      await strict.close();
    }
  });
});

describe('automatic persisted queries', () => {
  it('answers PERSISTED_QUERY_NOT_FOUND for an unknown hash, then serves the hash alone once registered', async () => {
    const query = '{ __typename apq: __typename }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const unknown = (await (await post(env.gateway.url, { extensions })).json()) as any;
    expect(unknown.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = (await (await post(env.gateway.url, { query, extensions })).json()) as any;
    expect(registered.data).toEqual({ __typename: 'Query', apq: 'Query' });
    const byHash = (await (await post(env.gateway.url, { extensions })).json()) as any;
    expect(byHash.data).toEqual({ __typename: 'Query', apq: 'Query' });
  });
});

describe('production mode', () => {
  let production: TestGateway;
  let token: string;
  beforeAll(async () => {
    production = await startTestGateway({ production: true });
    token = await production.token();
  });
  afterAll(() => production.close());

  it('turns off introspection, the Sandbox page and field suggestions', async () => {
    const introspection = await graphql(production.url, '{ __schema { types { name } } }');
    expect(introspection.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const page = await fetch(`${production.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/<html/i);
    const { body } = await graphql(production.url, '{ organizatio(id: "x") { id } }', {}, token);
    expect(body.errors[0].message).not.toMatch(/Did you mean/);
  });

  it('masks unexpected errors: no message, no stack, INTERNAL_SERVER_ERROR', async () => {
    const created = await graphql(production.url, 'mutation { createOrganization(input: { title: "Broken" }) { id } }', {}, token);
    const id = created.body.data.createOrganization.id;
    // A real fault in the real database: the table is renamed away.
    const client = new pg.Client({ connectionString: production.databaseUrl });
    await client.connect();
    await client.query('ALTER TABLE organizations RENAME TO organizations_gone');
    try {
      const { body } = await graphql(production.url, `{ organization(id: "${id}") { id } }`, {}, token);
      expect(body.errors[0].message).toBe('unexpected error occurred');
      expect(body.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', problem: expect.objectContaining({ status: 500, title: 'Internal Server Error', detail: 'unexpected error occurred' }) });
      expect(JSON.stringify(body)).not.toMatch(/organizations|stack|prisma|relation/i);
    } finally {
      await client.query('ALTER TABLE organizations_gone RENAME TO organizations');
      await client.end();
    }
  });
});
