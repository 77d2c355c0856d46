// Per-request GraphQL context: the caller (authenticated once, lazily) and
// the request's own DataLoader, so no cache is shared between requests.
import DataLoader from 'dataloader';
import type { IncomingHttpHeaders } from 'node:http';
import type { Authenticate } from '../auth.js';
import type { Caller } from '../domain/identity.js';
import type { Organization } from '../domain/organization.js';
import type { OrganizationService } from '../domain/organizations.js';

export interface GraphQLContext {
  service: OrganizationService;
  caller(): Promise<Caller>;
  organizationById: DataLoader<string, Organization | null>;
  headers: IncomingHttpHeaders;
}

// Keeps each batch's `IN (...)` list well under Postgres' bind-parameter limit.
const MAX_BATCH = 100;

export function createContext(service: OrganizationService, authenticate: Authenticate, headers: IncomingHttpHeaders): GraphQLContext {
  let authenticated: Promise<Caller> | undefined;
  const caller = () => (authenticated ??= authenticate(headers.authorization));
  return {
    service,
    caller,
    headers,
    organizationById: new DataLoader(async (ids) => service.getMany(await caller(), ids), { maxBatchSize: MAX_BATCH }),
  };
}
