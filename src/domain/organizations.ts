// The Organization service: the only place that knows the rules (validation,
// identity, concurrency) and talks to the database: the Prisma Client, and
// Prisma's driver adapter for the hot path. Adapters call it with a Caller.
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { isRecordNotFound, mapDatabaseError } from '../db/errors.js';
import type { OrganizationStatements, WriteConditions } from '../db/hot-path.js';
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
  /** The hot path (read by id, read many, update) uses `statements`; the rest the Prisma Client. */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly statements: OrganizationStatements,
  ) {}

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
    const found = await this.run(() => this.statements.byId(id));
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
      : await this.run(() => this.statements.byIds([...new Set(wanted)]));
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
      if (!isRecordNotFound(error)) mapDatabaseError(error);
      await this.explainMissedWrite(id, preconditions);
    }
  }

  /**
   * One UPDATE whose WHERE carries the preconditions, so the check and the
   * write are atomic; when no row matched, a second look tells 404 from 412.
   */
  private async change(caller: Caller, id: string, changes: OrganizationChanges, preconditions: Preconditions): Promise<Organization> {
    requireReach(caller, id);
    const updated = await this.run(() => this.statements.update(id, changes, caller.subject, writeConditions(preconditions)));
    return updated ?? this.explainMissedWrite(id, preconditions);
  }

  /** A write matched no row: 412 when the row exists (a precondition failed), else 404. */
  private async explainMissedWrite(id: string, preconditions: Preconditions): Promise<never> {
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

/** What the preconditions require of the stored row. */
function writeConditions({ ifMatch, ifNoneMatch, ifUnmodifiedSince }: Preconditions): WriteConditions {
  const conditions: WriteConditions = {};
  const versionIn = ifMatch === undefined ? '*' : versionsNamed(ifMatch, 'strong');
  if (versionIn !== '*') conditions.versionIn = versionIn;
  const versionNotIn = ifNoneMatch === undefined ? [] : versionsNamed(ifNoneMatch, 'weak');
  // If-None-Match: * on an existing row can never hold.
  if (versionNotIn === '*') conditions.never = true;
  else if (versionNotIn.length) conditions.versionNotIn = versionNotIn;
  // HTTP dates have whole seconds: modified at or before that second holds.
  const unmodifiedSince = ifUnmodifiedSince === undefined ? NaN : Date.parse(ifUnmodifiedSince);
  if (!Number.isNaN(unmodifiedSince)) conditions.modifiedBefore = new Date(unmodifiedSince + 1000);
  return conditions;
}

/** The row a conditional delete may touch: its id, plus each condition. */
function writeTarget(id: string, preconditions: Preconditions): Prisma.OrganizationWhereUniqueInput {
  const { versionIn, versionNotIn, never, modifiedBefore } = writeConditions(preconditions);
  return {
    id,
    AND: [
      versionIn ? { version: { in: versionIn } } : {},
      never ? { version: { in: [] } } : versionNotIn ? { version: { notIn: versionNotIn } } : {},
      modifiedBefore ? { lastModifiedOn: { lt: modifiedBefore } } : {},
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

