// The Organization service: the only place that knows the rules (validation,
// identity, concurrency) and talks to Prisma. Adapters call it with a Caller.
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { isRecordNotFound, mapDatabaseError } from '../db/errors.js';
import { notFound, preconditionFailed, validationFailed } from './errors.js';
import { canReach, requireReach, requireScope, type Caller } from './identity.js';
import {
  hasPreconditions,
  newOrganizationId,
  versionsNamed,
  type Organization,
  type OrganizationChanges,
  type Preconditions,
} from './organization.js';
import { assertValid, organizationIdErrors, validateInput, validatePatch } from './validation.js';

export const PAGE_DEFAULT = 20;
export const PAGE_MAX = 100;

export interface Page {
  items: Organization[];
  /** Cursor of the page after this one, when there is one. */
  nextCursor?: string;
}

export class OrganizationService {
  constructor(private readonly prisma: PrismaClient) {}

  async create(caller: Caller, body: unknown): Promise<Organization> {
    requireScope(caller, 'organizations:admin');
    assertValid(validateInput(body));
    const { title, description } = body as { title: string; description?: string };
    const now = new Date();
    return this.run(() =>
      this.prisma.organization.create({
        data: {
          id: newOrganizationId(),
          title,
          description: description ?? null,
          createdBy: caller.subject,
          createdOn: now,
          lastModifiedBy: caller.subject,
          lastModifiedOn: now,
        },
      }),
    );
  }

  async get(caller: Caller, id: string): Promise<Organization> {
    requireScope(caller, 'organizations:read');
    assertValid(organizationIdErrors(id));
    requireReach(caller, id);
    const [found] = await this.run(() => this.prisma.$queryRaw<Organization[]>`SELECT ${ORGANIZATION_COLUMNS} FROM organizations WHERE id = ${id}`);
    if (!found) throw notFound();
    return found;
  }

  /**
   * Loads many by id in one query (DataLoader batch function): each slot is
   * the organization, or null when it is absent, malformed or out of reach.
   */
  async getMany(caller: Caller, ids: readonly string[]): Promise<(Organization | null)[]> {
    requireScope(caller, 'organizations:read');
    const wanted = ids.filter((id) => organizationIdErrors(id).length === 0 && canReach(caller, id));
    const rows = wanted.length === 0
      ? []
      : await this.run(() => this.prisma.$queryRaw<Organization[]>`SELECT ${ORGANIZATION_COLUMNS} FROM organizations WHERE id = ANY(${[...new Set(wanted)]}::text[])`);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => (canReach(caller, id) ? byId.get(id) ?? null : null));
  }

  /** Oldest first, keyset-paginated on the insertion sequence. */
  async list(caller: Caller, limit: number = PAGE_DEFAULT, cursor?: string): Promise<Page> {
    requireScope(caller, 'organizations:admin');
    assertValid(pageSizeErrors(limit));
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.run(() =>
      this.prisma.organization.findMany({
        where: after === undefined ? {} : { seq: { gt: after } },
        orderBy: { seq: 'asc' },
        take: limit + 1,
      }),
    );
    const items = rows.slice(0, limit);
    return rows.length > limit ? { items, nextCursor: cursorOf(items[items.length - 1]!) } : { items };
  }

  /** REST PUT: the body replaces the representation; an absent description clears it. */
  async replace(caller: Caller, id: string, body: unknown, preconditions: Preconditions = {}): Promise<Organization> {
    requireScope(caller, 'organizations:write');
    assertValid([...organizationIdErrors(id), ...validateInput(body)]);
    const { title, description } = body as { title: string; description?: string };
    return this.change(caller, id, { title, description: description ?? null }, preconditions);
  }

  /** GraphQL update: only the fields given change; description null clears it. */
  async update(caller: Caller, id: string, patch: object, preconditions: Preconditions = {}): Promise<Organization> {
    requireScope(caller, 'organizations:write');
    assertValid([...organizationIdErrors(id), ...validatePatch(patch)]);
    return this.change(caller, id, patch as OrganizationChanges, preconditions);
  }

  async delete(caller: Caller, id: string, preconditions: Preconditions = {}): Promise<void> {
    requireScope(caller, 'organizations:admin');
    assertValid(organizationIdErrors(id));
    try {
      await this.prisma.organization.delete({ where: writeTarget(id, preconditions) });
    } catch (error) {
      await this.explainMissedWrite(error, id, preconditions);
    }
  }

  /**
   * One UPDATE whose WHERE carries the preconditions, so the check and the
   * write are atomic; when no row matched, a second look tells 404 from 412.
   */
  private async change(caller: Caller, id: string, changes: OrganizationChanges, preconditions: Preconditions): Promise<Organization> {
    requireReach(caller, id);
    const [updated] = await this.run(() => this.prisma.$queryRaw<Organization[]>(updateStatement(id, changes, caller.subject, preconditions)));
    return updated ?? this.explainMissedWrite(null, id, preconditions);
  }

  private async explainMissedWrite(error: unknown, id: string, preconditions: Preconditions): Promise<never> {
    if (error !== null && !isRecordNotFound(error)) mapDatabaseError(error);
    if (!hasPreconditions(preconditions)) throw notFound();
    const exists = await this.run(() => this.prisma.organization.count({ where: { id } }));
    throw exists > 0 ? preconditionFailed() : notFound();
  }

  private async run<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      return mapDatabaseError(error);
    }
  }
}

// The update is the hot path: as raw SQL it costs Prisma a fraction of what
// the model API's update does (measured: see README, Performance). Columns
// come back under the model's field names, so the row is an Organization.
const ORGANIZATION_COLUMNS = Prisma.raw(
  'id, title, description, version, created_by AS "createdBy", created_on AS "createdOn", ' +
    'last_modified_by AS "lastModifiedBy", last_modified_on AS "lastModifiedOn", seq',
);

/** One UPDATE of the given fields whose WHERE carries the preconditions. */
function updateStatement(id: string, changes: OrganizationChanges, subject: string, preconditions: Preconditions): Prisma.Sql {
  const assignments = [Prisma.sql`version = version + 1, last_modified_by = ${subject}, last_modified_on = ${new Date()}`];
  if (changes.title !== undefined) assignments.push(Prisma.sql`title = ${changes.title}`);
  if (changes.description !== undefined) assignments.push(Prisma.sql`description = ${changes.description}`);
  return Prisma.sql`UPDATE organizations SET ${Prisma.join(assignments)} WHERE id = ${id}${preconditionsSql(preconditions)} RETURNING ${ORGANIZATION_COLUMNS}`;
}

function preconditionsSql({ ifMatch, ifNoneMatch, ifUnmodifiedSince }: Preconditions): Prisma.Sql {
  const conditions: Prisma.Sql[] = [];
  const versionIn = ifMatch === undefined ? '*' : versionsNamed(ifMatch, 'strong');
  if (versionIn !== '*') conditions.push(Prisma.sql` AND version = ANY(${versionIn}::int[])`);
  const versionNotIn = ifNoneMatch === undefined ? [] : versionsNamed(ifNoneMatch, 'weak');
  // If-None-Match: * on an existing row can never hold.
  if (versionNotIn === '*') conditions.push(Prisma.sql` AND false`);
  else if (versionNotIn.length) conditions.push(Prisma.sql` AND NOT (version = ANY(${versionNotIn}::int[]))`);
  const unmodifiedSince = ifUnmodifiedSince === undefined ? NaN : Date.parse(ifUnmodifiedSince);
  if (!Number.isNaN(unmodifiedSince)) conditions.push(Prisma.sql` AND last_modified_on < ${new Date(unmodifiedSince + 1000)}`);
  return conditions.length ? Prisma.join(conditions, '') : Prisma.empty;
}

/** The row a conditional write may touch: its id, plus each precondition as SQL. */
function writeTarget(id: string, { ifMatch, ifNoneMatch, ifUnmodifiedSince }: Preconditions): Prisma.OrganizationWhereUniqueInput {
  const versionIn = ifMatch === undefined ? '*' : versionsNamed(ifMatch, 'strong');
  const versionNotIn = ifNoneMatch === undefined ? [] : versionsNamed(ifNoneMatch, 'weak');
  const unmodifiedSince = ifUnmodifiedSince === undefined ? NaN : Date.parse(ifUnmodifiedSince);
  return {
    id,
    AND: [
      versionIn === '*' ? {} : { version: { in: versionIn } },
      // If-None-Match: * on an existing row can never hold.
      versionNotIn === '*' ? { version: { in: [] } } : versionNotIn.length ? { version: { notIn: versionNotIn } } : {},
      Number.isNaN(unmodifiedSince) ? {} : { lastModifiedOn: { lt: new Date(unmodifiedSince + 1000) } },
    ],
  };
}

function pageSizeErrors(limit: number, location = 'query.limit') {
  if (!Number.isInteger(limit)) return [{ location, message: 'expected integer', value: limit }];
  if (limit < 1) return [{ location, message: 'expected number >= 1', value: limit }];
  if (limit > PAGE_MAX) return [{ location, message: `expected number <= ${PAGE_MAX}`, value: limit }];
  return [];
}

// Cursors are opaque to clients: base64url of the last row's sequence number.
export const cursorOf = (organization: Organization) => Buffer.from(`seq:${organization.seq}`).toString('base64url');

function decodeCursor(cursor: string): bigint {
  const match = /^seq:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw validationFailed([{ location: 'query.cursor', message: 'expected a cursor from a previous page', value: cursor }]);
  return BigInt(match[1]!);
}

