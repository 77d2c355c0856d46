// HTTP-level problems that only the REST face meets (the domain's errors are
// in src/domain/errors.ts), and the mapping of any thrown value to a problem.
import type { FastifyError } from 'fastify';
import { DomainError, type ErrorDetail } from '../domain/errors.js';

export const BODY_LIMIT = 1_048_576;

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

const ACCEPTED_MEDIA_TYPES = 'application/json or any application/*+json type';

export const unsupportedMediaType = (type: string) =>
  new HttpProblem(415, `unsupported media type ${type}: send ${ACCEPTED_MEDIA_TYPES}`);

export const notAcceptable = () =>
  new HttpProblem(406, 'not acceptable: this resource answers application/json (errors application/problem+json)');

export const bodyTooLarge = () => new HttpProblem(413, `request body is too large limit=${BODY_LIMIT} bytes`);

export const methodNotAllowed = (allow: string) =>
  new HttpProblem(405, `method not allowed; this path serves ${allow}`, [], { Allow: allow });

/** What the client is told, for anything a REST route throws. */
export function toHttpProblem(error: unknown): HttpProblem | DomainError {
  if (error instanceof HttpProblem || error instanceof DomainError) return error;
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType('');
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new HttpProblem(status, fastifyError.message ?? 'bad request');
  return new DomainError('INTERNAL_SERVER_ERROR', 'unexpected error occurred');
}
