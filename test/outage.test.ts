// A database outage answers 503 problem+json with Retry-After in bounded
// time, changes nothing, and the same process recovers when it comes back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { graphql, rest } from './support/http.js';

let dataDir: string;
let port: number;
let postgres: EmbeddedDatabase;
let gateway: TestGateway;
let admin: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gateway-outage-'));
  port = await freePort();
  postgres = await startEmbeddedPostgres(dataDir, { port });
  await migrate(postgres.url);
  gateway = await startTestGateway({ databaseUrl: postgres.url, timeoutMs: 1500 });
  admin = await gateway.token();
});
afterAll(async () => {
  await gateway.close();
  await postgres.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('database outage under load', () => {
  it('answers 503 in bounded time while down, recovers, and loses no write answered 200', async () => {
    // Each writer owns one organization and writes an increasing counter.
    const writers = await Promise.all(
      Array.from({ length: 8 }, async () => (await rest(gateway.url, { method: 'POST', path: '/organizations/', token: admin, body: { title: '0' } })).body.id as string),
    );
    const lastAcknowledged = new Map<string, number>();
    const slowest = { ms: 0 };
    const statuses = new Map<number, number>();
    let running = true;
    const write = async (id: string) => {
      for (let counter = 1; running; counter++) {
        const started = performance.now();
        const reply = await fetch(`${gateway.url}/organizations/${id}/`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ title: String(counter) }),
        });
        await reply.arrayBuffer();
        slowest.ms = Math.max(slowest.ms, performance.now() - started);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (reply.status === 200) lastAcknowledged.set(id, counter);
        else expect(reply.status).toBe(503);
      }
    };
    const load = writers.map(write);
    await new Promise((resolve) => setTimeout(resolve, 800));
    await postgres.stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);
    postgres = await startEmbeddedPostgres(dataDir, { port });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    running = false;
    await Promise.all(load);

    console.info(`outage under load: ${JSON.stringify(Object.fromEntries(statuses))} answers by status, slowest ${slowest.ms.toFixed(0)} ms, ${writers.length} writers, acknowledged writes lost: 0`);
    expect(statuses.get(503)).toBeGreaterThan(0);
    expect(statuses.get(200)).toBeGreaterThan(0);
    // Bounded: DB_TIMEOUT_MS is 1.5 s in this gateway; nothing hung.
    expect(slowest.ms).toBeLessThan(5_000);
    for (const id of writers) {
      const stored = await rest(gateway.url, { method: 'GET', path: `/organizations/${id}/`, token: admin });
      expect(Number(stored.body.title)).toBeGreaterThanOrEqual(lastAcknowledged.get(id) ?? 0);
    }
  });
});

describe('database outage', () => {
  it('answers 503 while the database is down and recovers without a restart', async () => {
    const created = await rest(gateway.url, { method: 'POST', path: '/organizations/', token: admin, body: { title: 'Survivor' } });
    expect(created.status).toBe(201);
    const path = `/organizations/${created.body.id}/`;

    await postgres.stop();
    const put = await rest(gateway.url, { method: 'PUT', path, token: admin, body: { title: 'Lost?' } });
    expect(put.status).toBe(503);
    expect(put.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(put.body).toMatchObject({ title: 'Service Unavailable', status: 503 });
    expect(put.text).not.toMatch(/ECONNREFUSED|prisma/i);
    expect(put.text).not.toContain(`:${port}`);
    for (const other of [
      { method: 'GET', path },
      { method: 'DELETE', path },
      { method: 'GET', path: '/organizations/' },
      { method: 'POST', path: '/organizations/', body: { title: 'Lost?' } },
    ]) {
      const reply = await rest(gateway.url, { ...other, token: admin });
      expect(reply.status, `${other.method} ${other.path}`).toBe(503);
      expect(reply.body).toEqual(put.body);
    }
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const mutation = await graphql(gateway.url, 'mutation($id: ID!) { updateOrganization(id: $id, input: { title: "Lost?" }) { id } }', { id: created.body.id }, admin);
    expect(mutation.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(mutation.body.errors[0].extensions.problem).toEqual(put.body);

    postgres = await startEmbeddedPostgres(dataDir, { port });
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    const after = await rest(gateway.url, { method: 'GET', path, token: admin });
    expect(after.body).toEqual(created.body);
    const retried = await rest(gateway.url, { method: 'PUT', path, token: admin, body: { title: 'Back' } });
    expect(retried.status).toBe(200);
  });
});

describe('a database that stops answering', () => {
  it('answers 503 after DB_TIMEOUT_MS while a lock holds every statement, changes nothing, and serves again once it is released', async () => {
    const created = await rest(gateway.url, { method: 'POST', path: '/organizations/', token: admin, body: { title: 'Held' } });
    const path = `/organizations/${created.body.id}/`;
    const locker = new pg.Client({ connectionString: postgres.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE organizations IN ACCESS EXCLUSIVE MODE');
      // The lock is released only after these answers arrive: each one was
      // bounded by DB_TIMEOUT_MS (1.5 s here), or the test would never end.
      const [get, put, query, mutation] = await Promise.all([
        rest(gateway.url, { method: 'GET', path, token: admin }),
        rest(gateway.url, { method: 'PUT', path, token: admin, body: { title: 'Changed?' } }),
        graphql(gateway.url, 'query($id: ID!) { organization(id: $id) { id } }', { id: created.body.id }, admin),
        graphql(gateway.url, 'mutation($id: ID!) { updateOrganization(id: $id, input: { title: "Changed?" }) { id } }', { id: created.body.id }, admin),
      ]);
      for (const reply of [get, put]) {
        expect(reply.status).toBe(503);
        expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(reply.body).toMatchObject({ title: 'Service Unavailable', status: 503 });
      }
      for (const reply of [query, mutation]) expect(reply.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    const after = await rest(gateway.url, { method: 'GET', path, token: admin });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(created.body);
    expect((await rest(gateway.url, { method: 'PUT', path, token: admin, body: { title: 'Released' } })).status).toBe(200);
  });
});
