// One error vocabulary: for each error row of API.md that GraphQL can meet,
// the GraphQL error's extensions.problem equals the REST problem body for the
// same case. Case ids are stable so a failure names its row.
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestGateway } from './support/gateway.js';
import { graphql, rest } from './support/http.js';

const UPDATE = 'mutation($id: ID!, $input: UpdateOrganizationInput!, $ifMatch: String) { updateOrganization(id: $id, input: $input, ifMatch: $ifMatch) { id } }';
const ABSENT = 'org_00000000-0000-4000-8000-000000000000';

const env = useTestGateway();
let id: string;

beforeAll(async () => {
  id = (await rest(env.gateway.url, { method: 'POST', path: '/organizations/', token: env.admin, body: { title: 'Parity' } })).body.id;
});

interface Case {
  id: string;
  status: number;
  code: string;
  token: () => Promise<string | undefined>;
  target?: () => string;
  title?: unknown;
  ifMatch?: string;
}

const cases: Case[] = [
  { id: 'P401-missing', status: 401, code: 'UNAUTHENTICATED', token: async () => undefined },
  { id: 'P401-expired', status: 401, code: 'UNAUTHENTICATED', token: () => env.gateway.token({ expiresIn: '-1m' }) },
  { id: 'P403-scope', status: 403, code: 'FORBIDDEN', token: () => env.gateway.token({ scope: 'organizations:read', org: id }) },
  { id: 'P404-absent', status: 404, code: 'NOT_FOUND', token: () => env.gateway.token(), target: () => ABSENT },
  { id: 'P404-foreign', status: 404, code: 'NOT_FOUND', token: () => env.gateway.token({ scope: 'organizations:write', org: ABSENT }) },
  { id: 'P412-stale', status: 412, code: 'PRECONDITION_FAILED', token: () => env.gateway.token(), ifMatch: '"42"' },
  { id: 'P422-too-long', status: 422, code: 'BAD_USER_INPUT', token: () => env.gateway.token(), title: 't'.repeat(300) },
  { id: 'P422-empty', status: 422, code: 'BAD_USER_INPUT', token: () => env.gateway.token(), title: '' },
  { id: 'P422-malformed-id', status: 422, code: 'BAD_USER_INPUT', token: () => env.gateway.token(), target: () => 'org_nope' },
];

describe('GraphQL problems equal REST problems', () => {
  for (const row of cases) {
    it(row.id, async () => {
      const token = await row.token();
      const target = row.target?.() ?? id;
      const title = row.title ?? 'Changed';
      const headers: Record<string, string> = row.ifMatch ? { 'if-match': row.ifMatch } : {};
      const viaRest = await rest(env.gateway.url, { method: 'PUT', path: `/organizations/${target}/`, token, headers, body: { title } });
      const viaGraphql = await graphql(env.gateway.url, UPDATE, { id: target, input: { title }, ifMatch: row.ifMatch }, token);
      expect(viaRest.status).toBe(row.status);
      expect(viaGraphql.body.errors[0].extensions.code).toBe(row.code);
      expect(viaGraphql.body.errors[0].extensions.problem).toEqual(viaRest.body);
    });
  }

  it('P500-unexpected: a broken table gives the same masked 500 on both faces', async () => {
    const client = new pg.Client({ connectionString: env.gateway.databaseUrl });
    await client.connect();
    await client.query('ALTER TABLE organizations RENAME TO organizations_away');
    try {
      const viaRest = await rest(env.gateway.url, { method: 'PUT', path: `/organizations/${id}/`, token: env.admin, body: { title: 'x' } });
      const viaGraphql = await graphql(env.gateway.url, UPDATE, { id, input: { title: 'x' } }, env.admin);
      expect(viaRest.status).toBe(500);
      expect(viaRest.body.detail).toBe('unexpected error occurred');
      expect(viaGraphql.body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(viaGraphql.body.errors[0].extensions.problem).toEqual(viaRest.body);
    } finally {
      await client.query('ALTER TABLE organizations_away RENAME TO organizations');
      await client.end();
    }
  });
});
