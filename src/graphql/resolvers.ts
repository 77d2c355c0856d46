// Thin resolvers typed by codegen from schema.graphql; all rules live in
// the OrganizationService.
import type { Resolvers } from '../generated/graphql.js';
import { etagOf } from '../domain/organization.js';
import { cursorOf, PAGE_DEFAULT } from '../domain/organizations.js';

export const resolvers: Resolvers = {
  Query: {
    organization: (_parent, { id }, { organizationById }) => organizationById.load(id),
    organizations: async (_parent, { first, after }, { service, caller }) => {
      const page = await service.list(await caller(), first ?? PAGE_DEFAULT, after ?? undefined);
      const edges = page.items.map((node) => ({ node, cursor: cursorOf(node) }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.nextCursor !== undefined,
          hasPreviousPage: after != null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  },
  Mutation: {
    createOrganization: async (_parent, { input }, { service, caller }) => service.create(await caller(), withoutNulls(input)),
    updateOrganization: async (_parent, { id, input, ifMatch }, { service, caller }) =>
      service.update(await caller(), id, input, { ifMatch: ifMatch ?? undefined }),
    deleteOrganization: async (_parent, { id, ifMatch }, { service, caller }) => {
      await service.delete(await caller(), id, { ifMatch: ifMatch ?? undefined });
      return id;
    },
  },
  Organization: {
    createdOn: (organization) => organization.createdOn.toISOString(),
    lastModifiedOn: (organization) => organization.lastModifiedOn.toISOString(),
    etag: (organization) => etagOf(organization),
  },
};

/** A create input's `description: null` means "none", like leaving it out. */
function withoutNulls(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null));
}
