// The OpenAPI 3.1 document of the REST face. Organization, ErrorModel and
// ErrorDetail are the Chkk seed's schemas unchanged; the PUT operation keeps
// the seed's operationId, tags and responses. Built once at start.
import { ID_PATTERN, organizationInputSchema } from '../domain/organization.js';
import { PAGE_DEFAULT, PAGE_MAX } from '../domain/organizations.js';

const ORGANIZATION_DESCRIPTION = `An <em>Organization</em> is the top-level object that models a Chkk customer.

Organizations are uniquely identified by a UUID, prefixed with the string
<b>org_</b>, for example <b>org_c42014e7-baf5-4ec6-a502-858f98dca7c8</b>`;

const organizationSchema = {
  additionalProperties: false,
  properties: {
    $schema: { description: 'A URL to the JSON Schema for this object.', examples: ['https://example.com/schemas/Organization.json'], format: 'uri', readOnly: true, type: 'string' },
    created_by: { description: 'user who created the record.', type: 'string' },
    created_on: { description: 'timestamp of when the record was created.', format: 'date-time', type: 'string' },
    description: { description: 'Optional long-form description of the Organization.', type: 'string' },
    id: { description: 'ID is the unique identifier for the Organization', examples: ['org_260fc3e8-1acb-4268-8a63-447792b0c2f4'], type: 'string' },
    last_modified_by: { description: 'user who last modified the record.', type: 'string' },
    last_modified_on: { description: 'timestamp of when the record was last modified.', format: 'date-time', type: 'string' },
    title: { description: 'Display name for the Organization.', examples: ['Customer Name'], type: 'string' },
  },
  required: ['title', 'id', 'created_by', 'created_on', 'last_modified_by', 'last_modified_on'],
  type: 'object',
};

const errorModelSchema = {
  additionalProperties: false,
  properties: {
    $schema: { description: 'A URL to the JSON Schema for this object.', examples: ['https://example.com/schemas/ErrorModel.json'], format: 'uri', readOnly: true, type: 'string' },
    detail: { description: 'A human-readable explanation specific to this occurrence of the problem.', examples: ['Property foo is required but is missing.'], type: 'string' },
    errors: { description: 'Optional list of individual error details', items: { $ref: '#/components/schemas/ErrorDetail' }, type: ['array', 'null'] },
    instance: { description: 'A URI reference that identifies the specific occurrence of the problem.', examples: ['https://example.com/error-log/abc123'], format: 'uri', type: 'string' },
    status: { description: 'HTTP status code', examples: [400], format: 'int64', type: 'integer' },
    title: { description: 'A short, human-readable summary of the problem type. This value should not change between occurrences of the error.', examples: ['Bad Request'], type: 'string' },
    type: { default: 'about:blank', description: 'A URI reference to human-readable documentation for the error.', examples: ['https://example.com/errors/example'], format: 'uri', type: 'string' },
  },
  type: 'object',
};

const errorDetailSchema = {
  additionalProperties: false,
  properties: {
    location: { description: "Where the error occurred, e.g. 'body.items[3].tags' or 'path.thing-id'", type: 'string' },
    message: { description: 'Error message text', type: 'string' },
    value: { description: 'The value at the given location' },
  },
  type: 'object',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemResponse = { description: 'Error', content: { 'application/problem+json': { schema: ref('ErrorModel') } } };
const etagHeader = {
  ETag: { description: 'Strong entity tag of this version', schema: { type: 'string' } },
  'Last-Modified': { description: 'When this version was written (HTTP-date)', schema: { type: 'string' } },
};
const organizationResponse = (description: string, extraHeaders = {}) => ({
  description,
  headers: { ...etagHeader, ...extraHeaders },
  content: { 'application/json': { schema: ref('Organization') } },
});
const organizationPath = {
  name: 'organization',
  in: 'path',
  required: true,
  description: 'The Organization id: org_ followed by a lowercase UUID.',
  schema: { type: 'string', pattern: ID_PATTERN, examples: ['org_c42014e7-baf5-4ec6-a502-858f98dca7c8'] },
};
const header = (name: string, description: string) => ({ name, in: 'header', required: false, description, schema: { type: 'string' } });
const writePreconditions = [
  header('If-Match', 'Apply only when an entity tag (or *) matches the current ETag, strong comparison; 412 otherwise'),
  header('If-None-Match', 'Apply only when no entity tag matches the current ETag (* never holds); 412 otherwise'),
  header('If-Unmodified-Since', 'Apply only when not modified since this HTTP-date; 412 otherwise'),
];
const writeBody = { required: true, content: { 'application/json': { schema: ref('OrganizationWrite') } } };
const tags = ['Organization'];
const security = [{ bearer: [] }];

export const schemas = {
  Organization: organizationSchema,
  OrganizationWrite: organizationInputSchema,
  ErrorModel: errorModelSchema,
  ErrorDetail: errorDetailSchema,
} as const;

export type SchemaFile = keyof typeof schemas;

/** The document for one BASE_PATH: its `servers` entry carries the prefix. */
export const openApiDocument = (basePath: string) => ({
  openapi: '3.1.0',
  info: {
    title: 'Chkk API',
    version: '1.0',
    description: 'The Organization gateway: the Chkk Artifact Register Organization resource, served over REST (this document) and GraphQL (/graphql).',
  },
  servers: basePath ? [{ url: basePath }] : [],
  security,
  tags: [{ name: 'Organization', description: ORGANIZATION_DESCRIPTION }],
  paths: {
    '/organizations/': {
      get: {
        tags,
        summary: 'List Organizations',
        description: 'Organizations oldest first. The next page, when there is one, is in the `Link: <...>; rel="next"` header.',
        operationId: 'organization-list',
        parameters: [
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: PAGE_MAX, default: PAGE_DEFAULT } },
          { name: 'cursor', in: 'query', required: false, description: 'Opaque cursor from a previous page', schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'OK',
            headers: { Link: { description: 'rel="next" link to the next page', schema: { type: 'string' } } },
            content: { 'application/json': { schema: { type: 'array', items: ref('Organization') } } },
          },
          default: problemResponse,
        },
      },
      post: {
        tags,
        summary: 'Create Organization',
        operationId: 'organization-create',
        requestBody: writeBody,
        responses: {
          '201': organizationResponse('Created', { Location: { description: 'URL of the new Organization', schema: { type: 'string' } } }),
          default: problemResponse,
        },
      },
    },
    '/organizations/{organization}/': {
      get: {
        tags,
        summary: 'Get Organization',
        operationId: 'organization-get',
        parameters: [
          organizationPath,
          header('If-None-Match', 'Answer 304 when an entity tag matches the current ETag (weak comparison)'),
          header('If-Modified-Since', 'Answer 304 when not modified since this HTTP-date (ignored with If-None-Match)'),
        ],
        responses: { '200': organizationResponse('OK'), '304': { description: 'Not Modified' }, default: problemResponse },
      },
      put: {
        tags,
        summary: 'Update Organization',
        description: `Update an existing Organization\n\n${ORGANIZATION_DESCRIPTION}`,
        operationId: 'organization-update',
        parameters: [organizationPath, ...writePreconditions],
        requestBody: writeBody,
        responses: { '200': organizationResponse('OK'), default: problemResponse },
      },
      delete: {
        tags,
        summary: 'Delete Organization',
        operationId: 'organization-delete',
        parameters: [organizationPath, ...writePreconditions],
        responses: { '204': { description: 'No Content' }, default: problemResponse },
      },
    },
  },
  components: {
    schemas,
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
  },
});

/** A component as a standalone JSON Schema file, its refs pointing at sibling files. */
export function schemaFile(name: SchemaFile, basePath: string): object {
  const text = JSON.stringify(schemas[name]).replace(/"#\/components\/schemas\/(\w+)"/g, `"${basePath}/schemas/$1.json"`);
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...JSON.parse(text) };
}
