// No lost updates: 50 clients race conditional writes (REST and GraphQL
// mixed) on one organization; exactly one wins per version and the history of
// winners is linear. Unconditional concurrent writes are each atomic.
import { describe, expect, it } from 'vitest';
import { useTestGateway } from './support/gateway.js';
import { graphql, rest } from './support/http.js';

const UPDATE = 'mutation($id: ID!, $input: UpdateOrganizationInput!, $ifMatch: String) { updateOrganization(id: $id, input: $input, ifMatch: $ifMatch) { etag title } }';
const env = useTestGateway();

interface Attempt {
  client: number;
  sawEtag: string;
  won: boolean;
  newEtag?: string;
}

/** One client: read the current ETag, then write conditionally on it. */
async function attempt(client: number, id: string, sawEtag: string): Promise<Attempt> {
  const title = `client ${client} after ${sawEtag}`;
  if (client % 2 === 0) {
    const reply = await rest(env.gateway.url, { method: 'PUT', path: `/organizations/${id}/`, token: env.admin, headers: { 'if-match': sawEtag }, body: { title } });
    expect([200, 412]).toContain(reply.status);
    return { client, sawEtag, won: reply.status === 200, newEtag: reply.headers.get('etag') ?? undefined };
  }
  const { body } = await graphql(env.gateway.url, UPDATE, { id, input: { title }, ifMatch: sawEtag }, env.admin);
  if (body.errors) expect(body.errors[0].extensions.code).toBe('PRECONDITION_FAILED');
  return { client, sawEtag, won: !body.errors, newEtag: body.data?.updateOrganization?.etag };
}

describe('racing writers', () => {
  it('with If-Match: one winner per version, a linear history, nothing lost', async () => {
    const created = await rest(env.gateway.url, { method: 'POST', path: '/organizations/', token: env.admin, body: { title: 'Contended' } });
    const id = created.body.id;
    const history: Attempt[] = [];
    // Rounds of 50 concurrent clients, each reading the ETag then writing on it.
    for (let round = 0; round < 5; round++) {
      const etags = await Promise.all(
        Array.from({ length: 50 }, async () => (await rest(env.gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: env.admin })).headers.get('etag')!),
      );
      history.push(...(await Promise.all(etags.map((etag, client) => attempt(client, id, etag)))));
    }
    const winners = history.filter((entry) => entry.won);
    const perVersion = new Map<string, number>();
    for (const winner of winners) perVersion.set(winner.sawEtag, (perVersion.get(winner.sawEtag) ?? 0) + 1);
    for (const count of perVersion.values()) expect(count).toBe(1);
    // Linear: each winner wrote on the version its predecessor produced.
    const chain = [...winners].sort((a, b) => Number(JSON.parse(a.sawEtag)) - Number(JSON.parse(b.sawEtag)));
    expect(chain[0]!.sawEtag).toBe('"1"');
    for (let i = 1; i < chain.length; i++) expect(chain[i]!.sawEtag).toBe(chain[i - 1]!.newEtag);
    const final = await rest(env.gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: env.admin });
    expect(final.headers.get('etag')).toBe(chain.at(-1)!.newEtag);
    expect(final.body.title).toBe(`client ${chain.at(-1)!.client} after ${chain.at(-1)!.sawEtag}`);
    expect(history.filter((entry) => !entry.won).length).toBeGreaterThan(0);
  });

  it('without If-Match: every write is atomic, the final row is one of them whole', async () => {
    const created = await rest(env.gateway.url, { method: 'POST', path: '/organizations/', token: env.admin, body: { title: 'Free for all' } });
    const id = created.body.id;
    const writes = Array.from({ length: 50 }, (_, i) => ({ title: `title ${i}`, description: `description ${i}` }));
    const replies = await Promise.all(
      writes.map((write, i) =>
        i % 2 === 0
          ? rest(env.gateway.url, { method: 'PUT', path: `/organizations/${id}/`, token: env.admin, body: write })
          : graphql(env.gateway.url, UPDATE, { id, input: write }, env.admin),
      ),
    );
    for (const reply of replies) expect(reply.status).toBe(200);
    const final = await rest(env.gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: env.admin });
    const index = Number(final.body.title.split(' ')[1]);
    expect(final.body.description).toBe(`description ${index}`);
    expect(final.headers.get('etag')).toBe('"51"');
  });
});
