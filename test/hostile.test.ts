// Hostile input: generated paths, headers and GraphQL variables (with the
// generated bodies of rest-properties.test.ts, over 10,000 cases in all),
// oversized headers and bodies, slow bodies and invalid UTF-8. No 5xx, no
// crash, and no rejected request changes stored data.
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { graphql, rest } from './support/http.js';

let gateway: TestGateway;
let admin: string;
let id: string;
let stored: unknown;

beforeAll(async () => {
  gateway = await startTestGateway({ requestTimeoutMs: 600 });
  admin = await gateway.token();
  const created = await rest(gateway.url, { method: 'POST', path: '/organizations/', token: admin, body: { title: 'Guarded', description: 'kept' } });
  id = created.body.id;
  stored = (await rest(gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: admin })).body;
});
afterAll(() => gateway.close());

async function expectUnchanged() {
  const now = await rest(gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: admin });
  expect(now.body).toEqual(stored);
}

const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('org_', 'org_00000000-0000-4000-8000-000000000000', '..', '%00', '%ff', '%2e%2e', '*', '%', 'ORG_X'),
);

describe('generated paths', () => {
  it('never answer 5xx and never change data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'PUT', 'DELETE', 'POST', 'PATCH', 'OPTIONS'), fc.array(segment, { minLength: 0, maxLength: 4 }), fc.boolean(), async (method, segments, underOrganizations) => {
        const path = `${underOrganizations ? '/organizations/' : '/'}${segments.join('/')}`;
        const response = await fetch(`${gateway.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: method === 'PUT' || method === 'POST' || method === 'PATCH' ? '{"title":"path probe"}' : undefined,
        }).catch(() => undefined);
        if (response) {
          await response.arrayBuffer();
          expect(response.status, `${method} ${path}`).toBeLessThan(500);
        }
      }),
      { numRuns: 2500 },
    );
    await expectUnchanged();
  }, 240_000);
});

const headerValue = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
  fc.constantFrom('*', '"1"', 'W/"1"', '"1", "2"', '""', '"', 'W/', 'Bearer', 'Bearer ', 'Bearer a.b.c', 'application/json;q=0', '*/*;q=abc', 'host=', 'for=;host="x', 'Thu, 01 Jan 1970 00:00:00 GMT'),
);
const headerName = fc.constantFrom('if-match', 'if-none-match', 'if-unmodified-since', 'if-modified-since', 'accept', 'content-type', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'authorization', 'x-request-id', 'host');

describe('generated headers', () => {
  it('never answer 5xx, and a write they make fail changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'PUT', 'DELETE'), fc.dictionary(headerName, headerValue, { maxKeys: 4 }), async (method, generated) => {
        // Headers fetch refuses to send (control characters) are dropped.
        const headers: Record<string, string> = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
        for (const [name, value] of Object.entries(generated)) {
          if (/^[\t\x20-\x7e]*$/.test(value) && name !== 'host') headers[name] = value;
        }
        // A generated Authorization or precondition can make a write succeed;
        // only PUT bodies equal to the stored title keep data as it was.
        const body = method === 'PUT' ? JSON.stringify({ title: 'Guarded', description: 'kept' }) : undefined;
        const target = method === 'DELETE' ? 'org_00000000-0000-4000-8000-000000000000' : id;
        const response = await fetch(`${gateway.url}/organizations/${target}/`, { method, headers, body }).catch(() => undefined);
        if (!response) return;
        await response.arrayBuffer();
        expect(response.status).toBeLessThan(500);
        if (response.status === 200 && method === 'PUT') stored = (await rest(gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: admin })).body;
      }),
      { numRuns: 2500 },
    );
    await expectUnchanged();
  }, 240_000);
});

const jsonish = fc.oneof(fc.jsonValue(), fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('\u0000', 'x'.repeat(300), null));
const UPDATE = 'mutation($id: ID!, $input: UpdateOrganizationInput!, $ifMatch: String) { updateOrganization(id: $id, input: $input, ifMatch: $ifMatch) { title description etag } }';

describe('generated GraphQL variables', () => {
  it('answer data or coded errors, never 5xx; a failed mutation changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(id), jsonish),
        fc.oneof(fc.record({ title: jsonish, description: jsonish }, { requiredKeys: [] }), jsonish),
        fc.oneof(fc.constant(undefined), jsonish),
        async (variableId, input, ifMatch) => {
          const before = (await rest(gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: admin })).body;
          const { status, body } = await graphql(gateway.url, UPDATE, { id: variableId, input, ifMatch }, admin);
          expect(status).toBeLessThan(500);
          if (body.errors) {
            for (const error of body.errors) expect(error.extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
            const after = (await rest(gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: admin })).body;
            expect(after).toEqual(before);
          }
        },
      ),
      { numRuns: 2500 },
    );
    stored = (await rest(gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: admin })).body;
  }, 240_000);
});

/** Sends raw bytes on a socket and answers the status line Node's server wrote. */
function rawRequest(bytes: string | Buffer, { pauseMs = 0, rest: after = '' } = {}): Promise<string> {
  const { port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
    socket.write(bytes);
    if (pauseMs) setTimeout(() => socket.writable && socket.write(after), pauseMs);
  });
}

describe('oversized and slow requests', () => {
  it('431 for oversized headers, 413 for an oversized body', async () => {
    const status = await rawRequest(`GET /organizations/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`);
    expect(status).toMatch(/^HTTP\/1\.1 431/);
    const big = await rest(gateway.url, { method: 'PUT', path: `/organizations/${id}/`, token: admin, rawBody: `{"title":"${'x'.repeat(2_000_000)}"}`, headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    await expectUnchanged();
  });

  it('408 for a body that arrives too slowly', async () => {
    const body = JSON.stringify({ title: 'slow' });
    const head = `PUT /organizations/${id}/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const status = await rawRequest(head + body.slice(0, 5), { pauseMs: 2_000, rest: body.slice(5) });
    expect(status).toMatch(/^HTTP\/1\.1 408/);
    await expectUnchanged();
  });

  it('400 for a body that is not UTF-8, on REST and GraphQL', async () => {
    const invalid = Buffer.from([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    const viaRest = await rest(gateway.url, { method: 'PUT', path: `/organizations/${id}/`, token: admin, rawBody: invalid, headers: { 'content-type': 'application/json' } });
    expect(viaRest.status).toBe(400);
    const viaGraphql = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat([Buffer.from('{"query":"{ __typename }","x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]) });
    expect(viaGraphql.status).toBeLessThan(500);
    await expectUnchanged();
  });
});
