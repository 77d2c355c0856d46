// Metrics, request ids, logs and rate limits, observed from outside.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { graphql, rest } from './support/http.js';

let gateway: TestGateway;
let admin: string;
const logLines: string[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({ logLines });
  admin = await gateway.token();
});
afterAll(() => gateway.close());

describe('request ids and logs', () => {
  it('honours a sane X-Request-Id, replaces an insane one, and logs it without tokens or bodies', async () => {
    const secret = 'do-not-log-this-description';
    const honoured = await rest(gateway.url, { method: 'POST', path: '/organizations/', token: admin, headers: { 'x-request-id': 'trace-123' }, body: { title: 'Logged', description: secret } });
    expect(honoured.headers.get('x-request-id')).toBe('trace-123');
    const replaced = await rest(gateway.url, { method: 'GET', path: '/organizations/', token: admin, headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await fetch(`${gateway.url}/healthz`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const lines = logLines.map((line) => JSON.parse(line));
    const completed = lines.find((line) => line.reqId === 'trace-123' && line.msg === 'request completed');
    expect(completed).toMatchObject({ method: 'POST', route: '/organizations/', status: '201' });
    const all = logLines.join('\n');
    expect(all).not.toContain(admin);
    expect(all).not.toContain(admin.split('.')[2]!);
    expect(all).not.toContain(secret);
  });
});

describe('metrics', () => {
  it('exposes requests by route, operation and status, latency, queries and pool use', async () => {
    const created = await rest(gateway.url, { method: 'POST', path: '/organizations/', token: admin, body: { title: 'Measured' } });
    await rest(gateway.url, { method: 'GET', path: `/organizations/${created.body.id}/`, token: admin });
    await rest(gateway.url, { method: 'GET', path: '/organizations/org_00000000-0000-4000-8000-000000000000/', token: admin });
    const named = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ operationName: 'ReadOne', query: `query ReadOne { organization(id: "${created.body.id}") { id } }` }),
    });
    expect(named.status).toBe(200);
    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/gateway_http_requests_total\{method="GET",route="\/organizations\/:organization\/",status="200",operation=""\} [1-9]/);
    expect(text).toMatch(/gateway_http_requests_total\{method="GET",route="\/organizations\/:organization\/",status="404",operation=""\} [1-9]/);
    expect(text).toMatch(/gateway_http_requests_total\{method="POST",route="\/graphql",status="200",operation="ReadOne"\} 1/);
    expect(text).toMatch(/gateway_http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/organizations\/"/);
    expect(Number(/gateway_db_queries_total (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/gateway_db_pool_connections\{state="total"\} \d+/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the limit, per token, on REST and GraphQL', async () => {
    const limited = await startTestGateway({ rateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const token = await limited.token({ sub: 'busy' });
      for (let i = 0; i < 3; i++) expect((await rest(limited.url, { method: 'GET', path: '/organizations/', token })).status).toBe(200);
      const refused = await rest(limited.url, { method: 'GET', path: '/organizations/', token });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.body).toMatchObject({ title: 'Too Many Requests', status: 429 });
      const viaGraphql = await graphql(limited.url, '{ __typename }', {}, token);
      expect(viaGraphql.status).toBe(429);
      expect(viaGraphql.body.errors[0].extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', problem: { status: 429 } });
      const other = await limited.token({ sub: 'calm' });
      expect((await rest(limited.url, { method: 'GET', path: '/organizations/', token: other })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('is off by default outside production and on in production', async () => {
    const development = loadConfig({});
    expect(development.rateLimitMax).toBe(0);
    expect(loadConfig({ NODE_ENV: 'production' }).rateLimitMax).toBeGreaterThan(0);
    const unlimited = await startTestGateway({ rateLimit: { max: development.rateLimitMax, windowMs: development.rateLimitWindowMs } });
    try {
      for (let i = 0; i < 30; i++) expect((await fetch(`${unlimited.url}/healthz`)).status).toBe(200);
    } finally {
      await unlimited.close();
    }
  });
});
