// GraphQL through the real Apollo server: the mutation's paths, one SQL
// query for many lookups, and errors that carry the REST problem body.
import { describe, expect, it } from 'vitest';
import { useTestGateway } from './support/gateway.js';
import { graphql, rest } from './support/http.js';

const FIELDS = 'id title description createdBy createdOn lastModifiedBy lastModifiedOn etag';
const UPDATE = `mutation Update($id: ID!, $input: UpdateOrganizationInput!, $ifMatch: String) {
  updateOrganization(id: $id, input: $input, ifMatch: $ifMatch) { ${FIELDS} }
}`;
const CREATE = `mutation Create($input: CreateOrganizationInput!) { createOrganization(input: $input) { ${FIELDS} } }`;

const env = useTestGateway();

async function createOrganization(title: string, description?: string) {
  const { body } = await graphql(env.gateway.url, CREATE, { input: { title, description } }, env.admin);
  expect(body.errors).toBeUndefined();
  return body.data.createOrganization;
}

describe('updateOrganization', () => {
  it('changes only the given fields and records who changed them', async () => {
    const created = await createOrganization('Initial', 'kept');
    const editor = await env.gateway.token({ sub: 'editor' });
    const { status, body } = await graphql(env.gateway.url, UPDATE, { id: created.id, input: { title: 'Renamed' } }, editor);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.updateOrganization).toMatchObject({ id: created.id, title: 'Renamed', description: 'kept', createdBy: 'tester', lastModifiedBy: 'editor', etag: '"2"' });
    const viaRest = await rest(env.gateway.url, { method: 'GET', path: `/organizations/${created.id}/`, token: env.admin });
    expect(viaRest.body).toMatchObject({ title: 'Renamed', description: 'kept', last_modified_by: 'editor' });
  });

  it('clears the description with description: null', async () => {
    const created = await createOrganization('Clear', 'gone soon');
    const { body } = await graphql(env.gateway.url, UPDATE, { id: created.id, input: { description: null } }, env.admin);
    expect(body.data.updateOrganization).toMatchObject({ title: 'Clear', description: null });
  });

  it('refuses title: null and too long a title as BAD_USER_INPUT with the REST problem', async () => {
    const created = await createOrganization('Strict');
    const nullTitle = await graphql(env.gateway.url, UPDATE, { id: created.id, input: { title: null } }, env.admin);
    expect(nullTitle.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      problem: { title: 'Unprocessable Entity', status: 422, detail: 'validation failed', errors: [{ location: 'body.title', message: 'expected string' }] },
    });
    const long = await graphql(env.gateway.url, UPDATE, { id: created.id, input: { title: 'x'.repeat(257) } }, env.admin);
    const viaRest = await rest(env.gateway.url, { method: 'PUT', path: `/organizations/${created.id}/`, token: env.admin, body: { title: 'x'.repeat(257) } });
    expect(long.body.errors[0].extensions.problem).toEqual(viaRest.body);
    const unchanged = await rest(env.gateway.url, { method: 'GET', path: `/organizations/${created.id}/`, token: env.admin });
    expect(unchanged.body.title).toBe('Strict');
  });

  it('answers NOT_FOUND for an absent organization, like REST', async () => {
    const id = 'org_00000000-0000-4000-8000-000000000000';
    const { body } = await graphql(env.gateway.url, UPDATE, { id, input: { title: 'x' } }, env.admin);
    const viaRest = await rest(env.gateway.url, { method: 'PUT', path: `/organizations/${id}/`, token: env.admin, body: { title: 'x' } });
    expect(body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(body.errors[0].extensions.problem).toEqual(viaRest.body);
  });

  it('answers NOT_FOUND for another organization than the token’s, and changes nothing', async () => {
    const theirs = await createOrganization('Theirs');
    const mine = await createOrganization('Mine');
    const member = await env.gateway.token({ scope: 'organizations:read organizations:write', org: mine.id });
    const { body } = await graphql(env.gateway.url, UPDATE, { id: theirs.id, input: { title: 'Hijacked' } }, member);
    expect(body.errors[0].extensions.code).toBe('NOT_FOUND');
    const own = await graphql(env.gateway.url, UPDATE, { id: mine.id, input: { title: 'Mine 2' } }, member);
    expect(own.body.data.updateOrganization.title).toBe('Mine 2');
    const check = await graphql(env.gateway.url, `{ organization(id: "${theirs.id}") { title } }`, {}, env.admin);
    expect(check.body.data.organization.title).toBe('Theirs');
  });

  it('honours ifMatch: the current etag applies, a stale one is PRECONDITION_FAILED', async () => {
    const created = await createOrganization('Versioned');
    const before = env.gateway.db.queryCount();
    const first = await graphql(env.gateway.url, UPDATE, { id: created.id, input: { title: 'v2' }, ifMatch: created.etag }, env.admin);
    // The version check is in the UPDATE's WHERE: one statement, no read first.
    expect(env.gateway.db.queryCount() - before).toBe(1);
    expect(first.body.data.updateOrganization.etag).toBe('"2"');
    const stale = await graphql(env.gateway.url, UPDATE, { id: created.id, input: { title: 'lost' }, ifMatch: created.etag }, env.admin);
    expect(stale.body.errors[0].extensions).toMatchObject({ code: 'PRECONDITION_FAILED', problem: { status: 412, title: 'Precondition Failed' } });
    const viaRest = await rest(env.gateway.url, { method: 'PUT', path: `/organizations/${created.id}/`, token: env.admin, headers: { 'if-match': created.etag }, body: { title: 'lost' } });
    expect(stale.body.errors[0].extensions.problem).toEqual(viaRest.body);
  });

  it('answers UNAUTHENTICATED without a token and FORBIDDEN without the write scope', async () => {
    const created = await createOrganization('Guarded');
    const anonymous = await graphql(env.gateway.url, UPDATE, { id: created.id, input: { title: 'x' } });
    expect(anonymous.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', problem: { status: 401 } });
    const reader = await env.gateway.token({ scope: 'organizations:read', org: created.id });
    const readOnly = await graphql(env.gateway.url, UPDATE, { id: created.id, input: { title: 'x' } }, reader);
    expect(readOnly.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', problem: { status: 403 } });
  });
});

describe('queries', () => {
  it('resolves 50 aliased organization(id:) fields with one SQL query', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await createOrganization(`Batch ${i}`)).id);
    const query = `{ ${ids.map((id, i) => `o${i}: organization(id: "${id}") { id title }`).join(' ')} }`;
    const before = env.gateway.db.queryCount();
    const { body } = await graphql(env.gateway.url, query, {}, env.admin);
    expect(env.gateway.db.queryCount() - before).toBe(1);
    expect(body.errors).toBeUndefined();
    ids.forEach((id, i) => expect(body.data[`o${i}`]).toEqual({ id, title: `Batch ${i}` }));
  });

  it('answers null for an absent, malformed or foreign id', async () => {
    const created = await createOrganization('Visible');
    const member = await env.gateway.token({ scope: 'organizations:read', org: 'org_00000000-0000-4000-8000-000000000009' });
    const { body } = await graphql(env.gateway.url, `{ a: organization(id: "org_00000000-0000-4000-8000-000000000000") { id } b: organization(id: "bad") { id } c: organization(id: "${created.id}") { id } }`, {}, member);
    expect(body.data).toEqual({ a: null, b: null, c: null });
  });

  it('pages organizations as a Relay connection', async () => {
    const first = await graphql(env.gateway.url, '{ organizations(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }', {}, env.admin);
    expect(first.body.data.organizations.edges).toHaveLength(2);
    expect(first.body.data.organizations.pageInfo.hasNextPage).toBe(true);
    const after = first.body.data.organizations.pageInfo.endCursor;
    const second = await graphql(env.gateway.url, 'query($after: String) { organizations(first: 2, after: $after) { edges { node { id } } pageInfo { hasPreviousPage } } }', { after }, env.admin);
    const firstIds = first.body.data.organizations.edges.map((edge: any) => edge.node.id);
    for (const edge of second.body.data.organizations.edges) expect(firstIds).not.toContain(edge.node.id);
    const tooMany = await graphql(env.gateway.url, '{ organizations(first: 101) { edges { cursor } } }', {}, env.admin);
    expect(tooMany.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('keeps cursors stable while rows are inserted and deleted between pages', async () => {
    const page = 'query($after: String) { organizations(first: 3, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }';
    const DELETE = 'mutation($id: ID!) { deleteOrganization(id: $id) }';
    const existing: string[] = [];
    for (let i = 0; i < 6; i++) existing.push((await createOrganization(`Stable ${i}`)).id);
    const seen: string[] = [];
    const deleted = new Set<string>();
    let after: string | null = null;
    for (let round = 0; ; round++) {
      const { body } = await graphql(env.gateway.url, page, { after }, env.admin);
      const connection = body.data.organizations;
      seen.push(...connection.edges.map((edge: any) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
      // Between pages: one new row, one deleted row that was already seen,
      // and one deleted row not yet reached.
      await createOrganization(`Inserted ${round}`);
      const unseen = existing.find((candidate) => !seen.includes(candidate) && !deleted.has(candidate));
      for (const victim of [seen[0], unseen]) {
        if (victim && !deleted.has(victim)) {
          await graphql(env.gateway.url, DELETE, { id: victim }, env.admin);
          deleted.add(victim);
        }
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const survivor of existing.filter((candidate) => !deleted.has(candidate))) expect(seen).toContain(survivor);
  });

  it('deleteOrganization answers the id; the organization is gone', async () => {
    const created = await createOrganization('Short-lived');
    const { body } = await graphql(env.gateway.url, 'mutation($id: ID!, $ifMatch: String) { deleteOrganization(id: $id, ifMatch: $ifMatch) }', { id: created.id, ifMatch: created.etag }, env.admin);
    expect(body.data.deleteOrganization).toBe(created.id);
    const after = await graphql(env.gateway.url, `{ organization(id: "${created.id}") { id } }`, {}, env.admin);
    expect(after.body.data.organization).toBeNull();
  });

  it('masks unexpected errors and never sends a stack trace', async () => {
    const { body } = await graphql(env.gateway.url, '{ organization(id: "x") { id nope } }', {}, env.admin);
    expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at \w+ \(/);
  });
});
