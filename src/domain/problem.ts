import { STATUS_CODES } from 'node:http';
import type { DomainError, ErrorDetail } from './errors.js';

/** RFC 9457 problem body in the Chkk (Huma) ErrorModel shape. */
export interface Problem {
  $schema?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: ErrorDetail[];
}

/** Builds the ErrorModel the way Huma does: empty members are omitted. */
export function problem(status: number, detail: string, errors: ErrorDetail[] = [], schemaUrl?: string): Problem {
  const body: Problem = {
    ...(schemaUrl ? { $schema: schemaUrl } : {}),
    title: STATUS_CODES[status] ?? 'Error',
    status,
  };
  if (detail) body.detail = detail;
  if (errors.length > 0) body.errors = errors.map(omitEmpty);
  return body;
}

export function problemOf(error: DomainError, schemaUrl?: string): Problem {
  return problem(error.status, error.detail, error.errors, schemaUrl);
}

function omitEmpty(detail: ErrorDetail): ErrorDetail {
  const out: ErrorDetail = {};
  if (detail.location) out.location = detail.location;
  if (detail.message) out.message = detail.message;
  // Go's omitempty drops only a nil interface: "" and 0 are kept, null is not.
  if (detail.value !== undefined && detail.value !== null) out.value = detail.value;
  return out;
}
