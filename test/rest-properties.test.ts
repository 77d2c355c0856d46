// Property-based: thousands of generated bodies, valid and invalid, sent to
// PUT and POST. Every answer is a success or a 4xx problem that validates
// against the served document (checked in rest()), never a 5xx, and a
// rejected request changes nothing.
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { rest } from './support/http.js';

let gateway: TestGateway;
let admin: string;
let client: pg.Client;

beforeAll(async () => {
  gateway = await startTestGateway();
  admin = await gateway.token();
  client = new pg.Client({ connectionString: gateway.databaseUrl });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await gateway.close();
});

const text = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', ' ', '\u0000', 'x'.repeat(256), 'x'.repeat(257), '€'.repeat(256), 'd'.repeat(4097)),
);
const validBody = fc.record({ title: fc.string({ minLength: 1, maxLength: 256 }), description: fc.option(fc.string({ maxLength: 4096 }), { nil: undefined }) }, { requiredKeys: ['title'] });
const nearBody = fc.record({ $schema: fc.oneof(text, fc.integer()), title: fc.oneof(text, fc.integer(), fc.constant(null), fc.boolean()), description: fc.oneof(text, fc.constant(null), fc.array(fc.string())), extra: fc.anything() }, { requiredKeys: [] });
const plausibleBody = fc.record({ title: text, description: fc.option(text, { nil: undefined }) }, { requiredKeys: ['title'] });
const body = fc.oneof(
  validBody.map((value) => JSON.stringify(value)),
  plausibleBody.map((value) => JSON.stringify(value)),
  nearBody.map((value) => JSON.stringify(value)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', '{', '{"title":', 'null', '[]', '"title"', '{"title":"a","title":"b"}', '{"__proto__":{"title":"x"}}'),
);
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/merge-patch+json', 'text/plain', undefined);

async function countOrganizations(): Promise<number> {
  return (await client.query('SELECT count(*)::int AS n FROM organizations')).rows[0].n;
}

describe('generated bodies', () => {
  it('PUT: 200 or a 4xx problem; a rejected body leaves the row as it was', async () => {
    const created = await rest(gateway.url, { method: 'POST', path: '/organizations/', token: admin, body: { title: 'Property' } });
    const path = `/organizations/${created.body.id}/`;
    let current = created.body;
    await fc.assert(
      fc.asyncProperty(body, contentType, async (rawBody, type) => {
        const reply = await rest(gateway.url, { method: 'PUT', path, token: admin, rawBody, headers: type ? { 'content-type': type } : {} });
        expect(reply.status, reply.text).toBeLessThan(500);
        if (reply.status === 200) {
          current = reply.body;
        } else {
          expect(reply.status).toBeGreaterThanOrEqual(400);
          const now = await rest(gateway.url, { method: 'GET', path, token: admin });
          expect(now.body).toEqual(current);
        }
      }),
      { numRuns: 1500 },
    );
  }, 240_000);

  it('POST: 201 or a 4xx problem; a rejected body creates nothing', async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, async (rawBody, type) => {
        const before = await countOrganizations();
        const reply = await rest(gateway.url, { method: 'POST', path: '/organizations/', token: admin, rawBody, headers: type ? { 'content-type': type } : {} });
        expect(reply.status, reply.text).toBeLessThan(500);
        expect(await countOrganizations()).toBe(reply.status === 201 ? before + 1 : before);
      }),
      { numRuns: 1000 },
    );
  }, 240_000);
});
