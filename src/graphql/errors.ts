// One error vocabulary: every GraphQL error carries `extensions.code` and
// `extensions.problem`, the ErrorModel the REST route answers for that case.
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { DomainError } from '../domain/errors.js';
import { problem, problemOf } from '../domain/problem.js';

// Apollo's own request errors, all client mistakes answered before execution.
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

// graphql-js ends some validation messages with 'Did you mean "…"?', which
// names schema fields even when introspection is off. The rule is Apollo's
// (hideSchemaDetailsFromClientErrors), applied here so no plugin has to run
// on every request.
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/** Apollo's formatError; hideSuggestions (production) drops field suggestions from validation errors. */
export const errorFormatter = (hideSuggestions: boolean) => (formatted: GraphQLFormattedError, error: unknown) =>
  formatError(
    hideSuggestions && formatted.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' ? { ...formatted, message: formatted.message.replace(SUGGESTION, '') } : formatted,
    error,
  );

function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const place = { locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) {
    return { message: original.detail, ...place, extensions: { code: original.code, problem: problemOf(original) } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) {
    return { ...formatted, extensions: { code, problem: problem(400, formatted.message) } };
  }
  return {
    message: 'unexpected error occurred',
    ...place,
    extensions: { code: 'INTERNAL_SERVER_ERROR', problem: problem(500, 'unexpected error occurred') },
  };
}
