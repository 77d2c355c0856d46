// The Organization resource: its stored shape, its rules and its identifiers.
import { randomUUID } from 'node:crypto';
import type { Organization as OrganizationRow } from '../generated/prisma/client.js';

/** An organization as stored (the Prisma model). */
export type Organization = OrganizationRow;
/** The same, under the name GraphQL codegen maps the `Organization` type to. */
export type OrganizationRecord = OrganizationRow;

export const TITLE_MAX = 256;
export const DESCRIPTION_MAX = 4096;

export const ID_PATTERN = '^org_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const idRegExp = new RegExp(ID_PATTERN);

export const isOrganizationId = (id: string) => idRegExp.test(id);
export const newOrganizationId = () => `org_${randomUUID()}`;

/** The strong entity tag of one stored version. */
export const etagOf = (organization: Pick<Organization, 'version'>) => `"${organization.version}"`;

/**
 * The versions an entity-tag list names, or `*`. If-Match uses the strong
 * comparison (weak tags never match); If-None-Match the weak one (RFC 9110).
 */
export function versionsNamed(tags: string, comparison: 'strong' | 'weak'): number[] | '*' {
  if (tags.trim() === '*') return '*';
  const versions: number[] = [];
  for (const tag of tags.split(',')) {
    const match = (comparison === 'weak' ? /^\s*(?:W\/)?"(\d{1,9})"\s*$/ : /^\s*"(\d{1,9})"\s*$/).exec(tag);
    if (match) versions.push(Number(match[1]));
  }
  return versions;
}

/** Conditions a write applies under (RFC 9110 preconditions). */
export interface Preconditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  /** An HTTP-date; an unparsable one is ignored, as RFC 9110 says. */
  ifUnmodifiedSince?: string;
}

export const hasPreconditions = (preconditions: Preconditions) =>
  Object.values(preconditions).some((value) => value !== undefined);

/** HTTP dates have whole seconds: compare at that precision. */
export const wholeSeconds = (date: Date) => Math.floor(date.getTime() / 1000) * 1000;

/** Whether a read answers 304 to If-None-Match, else If-Modified-Since. */
export function notModified(organization: Organization, ifNoneMatch?: string, ifModifiedSince?: string): boolean {
  if (ifNoneMatch !== undefined) {
    const versions = versionsNamed(ifNoneMatch, 'weak');
    return versions === '*' || versions.includes(organization.version);
  }
  const since = ifModifiedSince === undefined ? NaN : Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && wholeSeconds(organization.lastModifiedOn) <= since;
}

/** The change a write applies: a field left undefined keeps its value. */
export interface OrganizationChanges {
  title?: string;
  description?: string | null;
}

// Postgres text cannot hold U+0000; such strings are refused up front.
const NO_NUL = '^[^\\u0000]*$';

/** JSON Schema of a full representation sent by a client (REST PUT and POST bodies). */
export const organizationInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title'],
  properties: {
    $schema: { type: 'string', format: 'uri', readOnly: true, description: 'A URL to the JSON Schema for this object.' },
    title: { type: 'string', minLength: 1, maxLength: TITLE_MAX, pattern: NO_NUL, description: 'Display name for the Organization.', examples: ['Customer Name'] },
    description: { type: 'string', maxLength: DESCRIPTION_MAX, pattern: NO_NUL, description: 'Optional long-form description of the Organization.' },
  },
} as const;

/** JSON Schema of a partial change (GraphQL updateOrganization): null clears description only. */
export const organizationPatchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1, maxLength: TITLE_MAX, pattern: NO_NUL },
    description: { type: ['string', 'null'], maxLength: DESCRIPTION_MAX, pattern: NO_NUL },
  },
} as const;
