// JSON Schema validation that reports violations with Huma's messages and
// locations, so both adapters answer what a Chkk client already parses.
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { validationFailed, type ErrorDetail } from './errors.js';
import { ID_PATTERN, isOrganizationId, organizationInputSchema, organizationPatchSchema } from './organization.js';

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });

export const validateInput = compile(organizationInputSchema);
export const validatePatch = compile(organizationPatchSchema);

/** Compiles a schema once into a function answering Huma-style details for `body`. */
function compile(schema: object) {
  const check = ajv.compile(schema);
  return (body: unknown, root = 'body'): ErrorDetail[] =>
    check(body) ? [] : (check.errors ?? []).map((error) => toHumaDetail(error, body, root));
}

export function assertValid(details: ErrorDetail[]): void {
  if (details.length > 0) throw validationFailed(details);
}

export function organizationIdErrors(id: string, location = 'path.organization'): ErrorDetail[] {
  return isOrganizationId(id)
    ? []
    : [{ location, message: `expected string to match pattern ${ID_PATTERN}`, value: id }];
}

function toHumaDetail(error: ErrorObject, body: unknown, root: string): ErrorDetail {
  const path = error.instancePath.split('/').slice(1).map(unescapePointer);
  const here = valueAt(body, path);
  const location = [root, ...path].join('.');
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { location, message: `expected required property ${String(params.missingProperty)} to be present`, value: here };
    case 'additionalProperties':
      return { location: `${location}.${String(params.additionalProperty)}`, message: 'unexpected property', value: here };
    case 'type':
      return { location, message: `expected ${humaType(params.type)}`, value: here };
    case 'minLength':
      return { location, message: `expected length >= ${String(params.limit)}`, value: here };
    case 'maxLength':
      return { location, message: `expected length <= ${String(params.limit)}`, value: here };
    case 'pattern':
      return { location, message: `expected string to match pattern ${String(params.pattern)}`, value: here };
    default:
      return { location, message: error.message ?? 'invalid value', value: here };
  }
}

function humaType(type: unknown): string {
  const first = Array.isArray(type) ? type[0] : type;
  return String(first);
}

function valueAt(body: unknown, path: string[]): unknown {
  let value = body;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

const unescapePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');
