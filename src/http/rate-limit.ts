// Per-client request limits (@fastify/rate-limit): keyed by the bearer token
// (hashed) or, without one, by the client address; over the limit a request
// answers 429 with Retry-After, as a problem on REST and an error on GraphQL.
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from '../rest/errors.js';

export interface RateLimitOptions {
  max: number;
  windowMs: number;
}

export async function limitRequests(app: FastifyInstance, { max, windowMs }: RateLimitOptions): Promise<void> {
  if (max <= 0) return;
  await app.register(rateLimit, {
    global: true,
    max,
    timeWindow: windowMs,
    keyGenerator: clientKey,
    // Kept per process: with WORKERS or several instances each counts alone
    // (a shared store, e.g. Redis, would count them together).
    errorResponseBuilder: (_request, context) =>
      Object.assign(new HttpProblem(429, `rate limit of ${context.max} requests exceeded, retry in ${context.after}`), { statusCode: 429 }),
  });
}

function clientKey(request: FastifyRequest): string {
  const authorization = request.headers.authorization;
  return authorization ? `token:${createHash('sha256').update(authorization).digest('base64url')}` : `address:${request.ip}`;
}
