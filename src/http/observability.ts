// What the gateway is doing: Prometheus metrics at /metrics (prom-client),
// one JSON log line per request (pino, through Fastify) with a request id
// that honours and returns X-Request-Id. Tokens and bodies are never logged.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/client.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify's genReqId: the client's X-Request-Id when it is sane, else a new one. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

// Operation names come from clients: a bounded set keeps label cardinality low.
const MAX_OPERATION_NAMES = 100;

export function observe(app: FastifyInstance, db: Database): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status', 'operation'] as const;
  const requests = new Counter({ name: 'gateway_http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'Time from request to response',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Counter({
    name: 'gateway_db_queries_total',
    help: 'SQL statements sent through the pool',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(db.queryCount());
    },
  });
  new Gauge({
    name: 'gateway_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, db.pool.totalCount);
      this.set({ state: 'idle' }, db.pool.idleCount);
      this.set({ state: 'waiting' }, db.pool.waitingCount);
    },
  });

  const operationNames = new Set<string>();
  const operationOf = (request: FastifyRequest): string => {
    if (!request.url.startsWith('/graphql')) return '';
    const name = (request.body as { operationName?: unknown } | undefined)?.operationName;
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'anonymous';
    if (operationNames.has(name) || operationNames.size < MAX_OPERATION_NAMES) {
      operationNames.add(name);
      return name;
    }
    return 'other';
  };

  // Callback hooks and one set of labelled metrics per label combination: this
  // runs for every request, so it allocates as little as it can.
  const labelled = new Map<string, { labels: Record<(typeof labelNames)[number], string>; count(): void; observe(seconds: number): void }>();
  const metricsFor = (method: string, route: string, status: string, operation: string) => {
    const key = `${method} ${route} ${status} ${operation}`;
    let metrics = labelled.get(key);
    if (metrics === undefined) {
      const labels = { method, route, status, operation };
      const counter = requests.labels(labels);
      const histogram = duration.labels(labels);
      metrics = { labels, count: () => counter.inc(), observe: (seconds) => histogram.observe(seconds) };
      labelled.set(key, metrics);
    }
    return metrics;
  };

  const logsRequests = ['trace', 'debug', 'info'].includes(app.log.level);
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const metrics = metricsFor(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode), operationOf(request));
    metrics.count();
    metrics.observe(reply.elapsedTime / 1000);
    if (logsRequests) request.log.info({ ...metrics.labels, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request completed');
    done();
  });
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  return registry;
}
