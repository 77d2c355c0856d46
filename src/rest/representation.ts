// The Chkk REST representation of an Organization (the seed's schema).
import type { Organization } from '../domain/organization.js';

export interface OrganizationBody {
  $schema: string;
  id: string;
  title: string;
  description?: string;
  created_by: string;
  created_on: string;
  last_modified_by: string;
  last_modified_on: string;
}

export function toRest(organization: Organization, schema: string): OrganizationBody {
  const body: OrganizationBody = {
    $schema: schema,
    id: organization.id,
    title: organization.title,
    created_by: organization.createdBy,
    created_on: organization.createdOn.toISOString(),
    last_modified_by: organization.lastModifiedBy,
    last_modified_on: organization.lastModifiedOn.toISOString(),
  };
  if (organization.description !== null) body.description = organization.description;
  return body;
}
