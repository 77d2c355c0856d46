// The one catalogue of errors the domain raises. Each adapter maps a code to
// its own transport (REST status + problem body, GraphQL extensions).

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'PRECONDITION_FAILED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

/** One violation, in Huma's ErrorDetail shape. */
export interface ErrorDetail {
  location?: string;
  message?: string;
  value?: unknown;
}

const statusOf: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  BAD_USER_INPUT: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PRECONDITION_FAILED: 412,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors: ErrorDetail[] = [],
  ) {
    super(detail);
    this.name = 'DomainError';
    this.status = statusOf[code];
  }
}

export const validationFailed = (errors: ErrorDetail[]) =>
  new DomainError('BAD_USER_INPUT', 'validation failed', errors);

export const notFound = () => new DomainError('NOT_FOUND', 'organization not found');

export const preconditionFailed = () =>
  new DomainError('PRECONDITION_FAILED', 'organization has changed: If-Match does not match the current ETag');

export const unauthenticated = (detail: string) => new DomainError('UNAUTHENTICATED', detail);

export const forbidden = (scope: string) =>
  new DomainError('FORBIDDEN', `token lacks the required scope ${scope}`);

export const serviceUnavailable = () =>
  new DomainError('SERVICE_UNAVAILABLE', 'database is unavailable, retry later');
