// `npm start` as a user runs it: a real process on an embedded Postgres under
// DATA_DIR, a printed development token, data that survives a restart,
// SIGTERM that exits 0, and production that refuses to start without keys.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded.js';
import { ROOT } from '../src/paths.js';
import { graphql, rest } from './support/http.js';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gateway-start-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  url: string;
  token: string;
  output: () => string;
}

function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra };
  for (const name of ['DATABASE_URL', 'AUTH_JWT_SECRET', 'AUTH_JWKS_URL', 'NODE_ENV']) if (!(name in extra)) delete env[name];
  return env;
}

async function start(): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: environment({ PORT: String(port) }) });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const token = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no token printed:\n${output}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /Development admin token[^\n]*\n(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, token, output: () => output };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('npm start', () => {
  it('serves on an embedded Postgres, keeps data across a restart and exits 0 on SIGTERM', async () => {
    const first = await start();
    const created = await rest(first.url, { method: 'POST', path: '/organizations/', token: first.token, body: { title: 'Persisted' } });
    expect(created.status).toBe(201);
    const updated = await rest(first.url, { method: 'PUT', path: `/organizations/${created.body.id}/`, token: first.token, body: { title: 'Persisted and updated' } });
    expect(updated.status).toBe(200);
    const mutation = await graphql(first.url, 'mutation($id: ID!) { updateOrganization(id: $id, input: { description: "via GraphQL" }) { title description } }', { id: created.body.id }, first.token);
    expect(mutation.body.data.updateOrganization).toEqual({ title: 'Persisted and updated', description: 'via GraphQL' });
    const sandbox = await fetch(`${first.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(sandbox.status).toBe(200);
    expect(await sandbox.text()).toMatch(/<html/i);
    expect(await stop(first.child)).toBe(0);

    const second = await start();
    expect(second.token.split('.')[1]).toBeDefined();
    const read = await rest(second.url, { method: 'GET', path: `/organizations/${created.body.id}/`, token: first.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ title: 'Persisted and updated', description: 'via GraphQL' });
    expect(await stop(second.child)).toBe(0);
    expect(second.output()).not.toMatch(/error/i);
  }, 90_000);

  it('on SIGTERM under load: requests in flight complete, new ones are refused, exit 0, Postgres shuts down cleanly', async () => {
    const gateway = await start();
    const id = (await rest(gateway.url, { method: 'POST', path: '/organizations/', token: gateway.token, body: { title: 'Busy' } })).body.id;
    let stopAt = Infinity;
    const outcomes: { sentAt: number; status: number | string }[] = [];
    const client = async () => {
      for (let i = 0; ; i++) {
        const sentAt = performance.now();
        try {
          const response = await fetch(`${gateway.url}/organizations/${id}/`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${gateway.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ title: `write ${i}` }),
          });
          await response.arrayBuffer();
          outcomes.push({ sentAt, status: response.status });
        } catch (error) {
          outcomes.push({ sentAt, status: (error as { cause?: { code?: string } }).cause?.code ?? 'error' });
          if (sentAt > stopAt) return;
        }
        if (sentAt > stopAt + 10_000) return;
      }
    };
    const clients = Array.from({ length: 16 }, client);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stopAt = performance.now();
    const exited = stop(gateway.child);
    const code = await exited;
    const stoppedIn = performance.now() - stopAt;
    await Promise.all(clients);

    console.info(`SIGTERM under load: ${outcomes.filter((o) => o.sentAt < stopAt).length} requests before the signal, ${outcomes.filter((o) => o.sentAt >= stopAt).length} after, exit ${code} in ${stoppedIn.toFixed(0)} ms`);
    expect(code).toBe(0);
    expect(stoppedIn).toBeLessThan(10_000);
    const before = outcomes.filter((outcome) => outcome.sentAt < stopAt);
    expect(before.length).toBeGreaterThan(50);
    expect(before.filter((outcome) => outcome.status !== 200)).toEqual([]);
    const after = outcomes.filter((outcome) => outcome.sentAt >= stopAt);
    for (const outcome of after) expect([200, 503, 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']).toContain(outcome.status);

    const again = await start();
    const read = await rest(again.url, { method: 'GET', path: `/organizations/${id}/`, token: again.token });
    expect(read.status).toBe(200);
    expect(await stop(again.child)).toBe(0);
    const postgresLog = await readFile(join(dataDir, 'postgres.log'), 'utf8');
    expect(postgresLog).toMatch(/database system is shut down/);
    expect(postgresLog).not.toMatch(/not properly shut down|automatic recovery in progress/);
  }, 90_000);

  it('refuses to start in production without authentication keys', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: environment({ NODE_ENV: 'production', PORT: String(await freePort()) }) });
    let output = '';
    child.stderr!.on('data', (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/AUTH_JWT_SECRET or AUTH_JWKS_URL/);
  }, 30_000);
});
