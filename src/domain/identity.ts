// Who is calling, and what that lets them see and change.
import { forbidden, notFound } from './errors.js';

export type Scope = 'organizations:read' | 'organizations:write' | 'organizations:admin';

export interface Caller {
  /** The token's `sub`; becomes created_by / last_modified_by. */
  subject: string;
  /** The token's `org`: the one organization a non-admin token acts in. */
  organization?: string;
  scopes: ReadonlySet<string>;
}

export const isAdmin = (caller: Caller) => caller.scopes.has('organizations:admin');

/** Admin implies read and write everywhere. */
export function requireScope(caller: Caller, scope: Scope): void {
  if (!caller.scopes.has(scope) && !isAdmin(caller)) throw forbidden(scope);
}

export const canReach = (caller: Caller, organizationId: string) =>
  isAdmin(caller) || caller.organization === organizationId;

/** A foreign organization answers exactly like an absent one. */
export function requireReach(caller: Caller, organizationId: string): void {
  if (!canReach(caller, organizationId)) throw notFound();
}
