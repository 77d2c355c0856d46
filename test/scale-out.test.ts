// Two gateway processes on one Postgres behave as one: an ETag read from
// one is honoured by the other, If-Match races across them have one winner,
// and list cursors from one continue on the other.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../src/auth.js';
import { freePort } from '../src/db/embedded.js';
import { ROOT } from '../src/paths.js';
import { freshDatabaseUrl } from './support/gateway.js';
import { graphql, rest } from './support/http.js';

const secret = randomBytes(24).toString('hex');
const processes: ChildProcess[] = [];
let first: string;
let second: string;
let token: string;

async function launch(databaseUrl: string): Promise<string> {
  const port = await freePort();
  const env = { ...process.env, NODE_ENV: 'production', WORKERS: '1', DATABASE_URL: databaseUrl, AUTH_JWT_SECRET: secret, PORT: String(port), LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: 'ignore' });
  processes.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 150; attempt++) {
    if ((await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200) return url;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('gateway process did not become ready');
}

beforeAll(async () => {
  const databaseUrl = await freshDatabaseUrl();
  [first, second] = await Promise.all([launch(databaseUrl), launch(databaseUrl)]);
  token = await signToken(new TextEncoder().encode(secret), { sub: 'scaled', scope: 'organizations:admin' });
}, 60_000);
afterAll(async () => {
  await Promise.all(processes.map((child) => new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  })));
});

describe('two instances, one database', () => {
  it('honours on one instance the ETag read from the other', async () => {
    const created = await rest(first, { method: 'POST', path: '/organizations/', token, body: { title: 'Shared' } });
    const read = await rest(second, { method: 'GET', path: `/organizations/${created.body.id}/`, token });
    expect(read.body).toEqual({ ...created.body, $schema: read.body.$schema });
    const etag = read.headers.get('etag')!;
    const applied = await rest(first, { method: 'PUT', path: `/organizations/${created.body.id}/`, token, headers: { 'if-match': etag }, body: { title: 'Shared 2' } });
    expect(applied.status).toBe(200);
    const stale = await rest(second, { method: 'PUT', path: `/organizations/${created.body.id}/`, token, headers: { 'if-match': etag }, body: { title: 'lost' } });
    expect(stale.status).toBe(412);
    const notModified = await rest(second, { method: 'GET', path: `/organizations/${created.body.id}/`, token, headers: { 'if-none-match': applied.headers.get('etag')! } });
    expect(notModified.status).toBe(304);
  });

  it('gives one winner when the instances race on the same version', async () => {
    const created = await rest(first, { method: 'POST', path: '/organizations/', token, body: { title: 'Raced' } });
    const id = created.body.id;
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? rest(first, { method: 'PUT', path: `/organizations/${id}/`, token, headers: { 'if-match': '"1"' }, body: { title: `first ${i}` } }).then((r) => r.status)
          : graphql(second, `mutation { updateOrganization(id: "${id}", input: { title: "second ${i}" }, ifMatch: "\\"1\\"") { id } }`, {}, token).then((r) => (r.body.errors ? 412 : 200)),
      ),
    );
    expect(attempts.filter((status) => status === 200)).toHaveLength(1);
    expect(attempts.filter((status) => status === 412)).toHaveLength(19);
  });

  it('continues on one instance a list cursor made by the other', async () => {
    for (let i = 0; i < 4; i++) await rest(i % 2 ? first : second, { method: 'POST', path: '/organizations/', token, body: { title: `Paged ${i}` } });
    const all = (await rest(first, { method: 'GET', path: '/organizations/?limit=100', token })).body.map((o: { id: string }) => o.id);
    const seen: string[] = [];
    let path: string | undefined = '/organizations/?limit=2';
    for (let hop = 0; path; hop++) {
      const reply = await rest(hop % 2 ? second : first, { method: 'GET', path, token });
      seen.push(...reply.body.map((o: { id: string }) => o.id));
      path = /<([^>]+)>; rel="next"/.exec(reply.headers.get('link') ?? '')?.[1];
    }
    expect(seen).toEqual(all);
  });
});
