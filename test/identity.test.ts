// Identity and tenancy: a matrix of tokens over every REST route and GraphQL
// field, with the expected answer of each cell written out. A foreign
// organization is never distinguishable from an absent one.
import { createServer, type Server } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { graphql, rest } from './support/http.js';

const ISSUER = 'https://issuer.test/';
const AUDIENCE = 'organization-gateway';
const ABSENT = 'org_00000000-0000-4000-8000-00000000abcd';

let gateway: TestGateway;
let jwks: Server;
let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
let ec: Awaited<ReturnType<typeof generateKeyPair>>;
let admin: string;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256');
  ec = await generateKeyPair('ES256');
  const keys: JWK[] = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256', use: 'sig' },
  ];
  jwks = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const { port } = jwks.address() as { port: number };
  gateway = await startTestGateway({ auth: { jwksUrl: `http://127.0.0.1:${port}/jwks.json`, issuer: ISSUER, audience: AUDIENCE } });
  admin = await gateway.token();
});
afterAll(async () => {
  await gateway.close();
  await new Promise((resolve) => jwks.close(resolve));
});

const base64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({ sub: 'matrix', scope: 'organizations:admin', iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 600, ...extra });

function hs256(payload: object, secret: Uint8Array | string): string {
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('invalid tokens are 401 on every route and UNAUTHENTICATED on every field', () => {
  const invalid: Record<string, () => Promise<string | undefined>> = {
    none: async () => undefined,
    malformed: async () => 'not-a-jwt',
    'bad signature': async () => hs256(claims(), 'another secret'),
    'alg none': async () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`,
    'HS256 signed with the RSA public key (HS/RS confusion)': async () => hs256(claims(), await exportSPKI(rsa.publicKey)),
    expired: async () => hs256(claims({ iat: now() - 7200, exp: now() - 3600 }), gateway.secret),
    'not yet valid': async () => hs256(claims({ nbf: now() + 3600 }), gateway.secret),
    'wrong issuer': async () => hs256(claims({ iss: 'https://elsewhere.test/' }), gateway.secret),
    'wrong audience': async () => hs256(claims({ aud: 'another-api' }), gateway.secret),
    'missing sub': async () => hs256(claims({ sub: undefined }), gateway.secret),
    'RS256 from an unknown key': async () => new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'rsa' }).sign((await generateKeyPair('RS256')).privateKey),
  };
  for (const [name, make] of Object.entries(invalid)) {
    it(name, async () => {
      const token = await make();
      const id = (await rest(gateway.url, { method: 'POST', path: '/organizations/', token: admin, body: { title: 'Target' } })).body.id;
      for (const [method, path, body] of [
        ['GET', `/organizations/${id}/`],
        ['PUT', `/organizations/${id}/`, { title: 'x' }],
        ['DELETE', `/organizations/${id}/`],
        ['GET', '/organizations/'],
        ['POST', '/organizations/', { title: 'x' }],
      ] as const) {
        const reply = await rest(gateway.url, { method, path, token, body });
        expect(reply.status, `${method} ${path}`).toBe(401);
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
      for (const operation of [
        `{ organization(id: "${id}") { id } }`,
        '{ organizations { edges { cursor } } }',
        'mutation { createOrganization(input: { title: "x" }) { id } }',
        `mutation { updateOrganization(id: "${id}", input: { title: "x" }) { id } }`,
        `mutation { deleteOrganization(id: "${id}") }`,
      ]) {
        const { body } = await graphql(gateway.url, operation, {}, token);
        expect(body.errors?.[0]?.extensions?.code, operation).toBe('UNAUTHENTICATED');
      }
      const unchanged = await rest(gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: admin });
      expect(unchanged.body.title).toBe('Target');
    });
  }
});

describe('valid tokens from the JWKS', () => {
  it('accepts RS256 and ES256 tokens whose keys the JWKS serves', async () => {
    const rs = await new SignJWT(claims({ sub: 'rsa-user' })).setProtectedHeader({ alg: 'RS256', kid: 'rsa' }).sign(rsa.privateKey);
    const es = await new SignJWT(claims({ sub: 'ec-user' })).setProtectedHeader({ alg: 'ES256', kid: 'ec' }).sign(ec.privateKey);
    const viaRsa = await rest(gateway.url, { method: 'POST', path: '/organizations/', token: rs, body: { title: 'RSA' } });
    expect(viaRsa.body.created_by).toBe('rsa-user');
    const viaEc = await graphql(gateway.url, 'mutation { createOrganization(input: { title: "EC" }) { createdBy } }', {}, es);
    expect(viaEc.body.data.createOrganization.createdBy).toBe('ec-user');
  });
});

// Expected status of each REST cell: [own, foreign] for the item routes.
type Cell = [number, number];
interface ScopeRow {
  scope: string;
  get: Cell;
  put: Cell;
  del: Cell;
  list: number;
  post: number;
}
const scopeMatrix: ScopeRow[] = [
  { scope: '', get: [403, 403], put: [403, 403], del: [403, 403], list: 403, post: 403 },
  { scope: 'organizations:read', get: [200, 404], put: [403, 403], del: [403, 403], list: 403, post: 403 },
  { scope: 'organizations:write', get: [403, 403], put: [200, 404], del: [403, 403], list: 403, post: 403 },
  { scope: 'organizations:read organizations:write', get: [200, 404], put: [200, 404], del: [403, 403], list: 403, post: 403 },
  { scope: 'organizations:admin', get: [200, 200], put: [200, 200], del: [204, 204], list: 200, post: 201 },
];

describe('scopes and tenancy over every route and field', () => {
  for (const row of scopeMatrix) {
    it(`scope "${row.scope}"`, async () => {
      const make = async () => (await rest(gateway.url, { method: 'POST', path: '/organizations/', token: admin, body: { title: 'Cell' } })).body.id as string;
      const own = await make();
      const foreign = await make();
      const token = await gateway.token({ sub: 'member', org: own, scope: row.scope });
      const status = async (method: string, path: string, body?: unknown) => (await rest(gateway.url, { method, path, token, body })).status;

      for (const [index, id] of [own, foreign].entries()) {
        expect(await status('GET', `/organizations/${id}/`), `GET ${index ? 'foreign' : 'own'}`).toBe(row.get[index]);
        expect(await status('PUT', `/organizations/${id}/`, { title: 'Changed' }), `PUT ${index ? 'foreign' : 'own'}`).toBe(row.put[index]);
        expect(await status('DELETE', `/organizations/${id}/`), `DELETE ${index ? 'foreign' : 'own'}`).toBe(row.del[index]);
      }
      expect(await status('GET', '/organizations/')).toBe(row.list);
      expect(await status('POST', '/organizations/', { title: 'New' })).toBe(row.post);

      // GraphQL fields answer the same cells.
      const codeOf = (body: { errors?: { extensions: { code: string } }[] }) => body.errors?.[0]?.extensions.code;
      const expectedCode = (status: number) => ({ 200: undefined, 201: undefined, 204: undefined, 403: 'FORBIDDEN', 404: 'NOT_FOUND' })[status as 200];
      const other = await make();
      const read = await graphql(gateway.url, `{ organization(id: "${other}") { id } }`, {}, token);
      if (row.get[1] === 200) expect(read.body.data.organization.id).toBe(other);
      else if (row.get[1] === 404) expect(read.body.data.organization).toBeNull();
      else expect(codeOf(read.body)).toBe('FORBIDDEN');
      const update = await graphql(gateway.url, `mutation { updateOrganization(id: "${other}", input: { title: "G" }) { id } }`, {}, token);
      expect(codeOf(update.body)).toBe(expectedCode(row.put[1]));
      const remove = await graphql(gateway.url, `mutation { deleteOrganization(id: "${other}") }`, {}, token);
      expect(codeOf(remove.body)).toBe(expectedCode(row.del[1]));
      const list = await graphql(gateway.url, '{ organizations(first: 1) { edges { cursor } } }', {}, token);
      expect(codeOf(list.body)).toBe(expectedCode(row.list));
      const create = await graphql(gateway.url, 'mutation { createOrganization(input: { title: "G" }) { id } }', {}, token);
      expect(codeOf(create.body)).toBe(expectedCode(row.post));
    });
  }

  it('a foreign organization answers exactly like an absent one, on every route and field', async () => {
    const foreign = (await rest(gateway.url, { method: 'POST', path: '/organizations/', token: admin, body: { title: 'Hidden' } })).body.id;
    for (const scope of ['organizations:read', 'organizations:write', 'organizations:read organizations:write']) {
      const token = await gateway.token({ org: 'org_00000000-0000-4000-8000-00000000beef', scope });
      for (const [method, body] of [['GET'], ['PUT', { title: 'x' }], ['DELETE']] as const) {
        const seen = await rest(gateway.url, { method, path: `/organizations/${foreign}/`, token, body });
        const absent = await rest(gateway.url, { method, path: `/organizations/${ABSENT}/`, token, body });
        expect([seen.status, seen.body.detail], `${scope} ${method}`).toEqual([absent.status, absent.body.detail]);
      }
      const seen = await graphql(gateway.url, `{ organization(id: "${foreign}") { id } }`, {}, token);
      const absent = await graphql(gateway.url, `{ organization(id: "${ABSENT}") { id } }`, {}, token);
      expect(seen.body).toEqual(absent.body);
    }
  });
});
