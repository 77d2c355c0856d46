// The three statements behind nearly every request (read one, read many,
// update) sent through Prisma's pg driver adapter, the layer under the Prisma
// Client: same pool, prepared statements and error kinds, without the Client's
// query engine, which costs 85-190 µs of CPU per statement through the model
// API and still 45 µs through $queryRaw (README, Performance). Everything
// else uses the Prisma Client.
import type { PrismaPg } from '@prisma/adapter-pg';
import type { Organization, OrganizationChanges } from '../domain/organization.js';

/** Prisma's driver-adapter connection (SqlQueryable). */
export type DriverAdapter = Awaited<ReturnType<PrismaPg['connect']>>;
type SqlQuery = Parameters<DriverAdapter['queryRaw']>[0];
type ArgType = SqlQuery['argTypes'][number];

/** What a conditional write requires of the stored row (RFC 9110 preconditions, decoded). */
export interface WriteConditions {
  /** If-Match: the row has one of these versions. */
  versionIn?: number[];
  /** If-None-Match: the row has none of these versions. */
  versionNotIn?: number[];
  /** If-None-Match: * on an existing row: no write may happen. */
  never?: boolean;
  /** If-Unmodified-Since: the row was last modified before this instant. */
  modifiedBefore?: Date;
}

const COLUMNS = 'id, title, description, version, created_by, created_on, last_modified_by, last_modified_on, seq';

const SELECT_BY_ID = `SELECT ${COLUMNS} FROM organizations WHERE id = $1`;
const SELECT_BY_IDS = `SELECT ${COLUMNS} FROM organizations WHERE id = ANY($1::text[])`;

const TEXT: ArgType = { scalarType: 'string', dbType: 'TEXT', arity: 'scalar' };
const TEXTS: ArgType = { scalarType: 'string', dbType: 'TEXT', arity: 'list' };
const INTEGERS: ArgType = { scalarType: 'int', dbType: 'INTEGER', arity: 'list' };
const TIMESTAMP: ArgType = { scalarType: 'datetime', dbType: 'TIMESTAMPTZ', arity: 'scalar' };

/** A statement's parameters, numbered as they are added. */
class StatementParameters {
  readonly args: unknown[] = [];
  readonly argTypes: ArgType[] = [];

  add(value: unknown, type: ArgType): string {
    this.args.push(value);
    this.argTypes.push(type);
    return `$${this.args.length}`;
  }
}

export class OrganizationStatements {
  constructor(private readonly adapter: Promise<DriverAdapter>) {}

  async byId(id: string): Promise<Organization | undefined> {
    const [row] = await this.query({ sql: SELECT_BY_ID, args: [id], argTypes: [TEXT] });
    return row;
  }

  async byIds(ids: string[]): Promise<Organization[]> {
    // One id, the usual GraphQL lookup: '= $1' costs Postgres less than '= ANY($1)'.
    if (ids.length === 1) return this.query({ sql: SELECT_BY_ID, args: [ids[0]], argTypes: [TEXT] });
    return this.query({ sql: SELECT_BY_IDS, args: [ids], argTypes: [TEXTS] });
  }

  /** One UPDATE of the given fields whose WHERE carries the conditions; undefined when no row matched. */
  async update(id: string, changes: OrganizationChanges, modifiedBy: string, conditions: WriteConditions): Promise<Organization | undefined> {
    const parameters = new StatementParameters();
    const where = [`id = ${parameters.add(id, TEXT)}`];
    const set = [`version = version + 1`, `last_modified_by = ${parameters.add(modifiedBy, TEXT)}`, `last_modified_on = ${parameters.add(new Date(), TIMESTAMP)}`];
    if (changes.title !== undefined) set.push(`title = ${parameters.add(changes.title, TEXT)}`);
    if (changes.description !== undefined) set.push(`description = ${parameters.add(changes.description, TEXT)}`);
    if (conditions.never) where.push('false');
    if (conditions.versionIn) where.push(`version = ANY(${parameters.add(conditions.versionIn, INTEGERS)}::int[])`);
    if (conditions.versionNotIn) where.push(`NOT (version = ANY(${parameters.add(conditions.versionNotIn, INTEGERS)}::int[]))`);
    if (conditions.modifiedBefore) where.push(`last_modified_on < ${parameters.add(conditions.modifiedBefore, TIMESTAMP)}`);
    const sql = `UPDATE organizations SET ${set.join(', ')} WHERE ${where.join(' AND ')} RETURNING ${COLUMNS}`;
    const [row] = await this.query({ sql, ...parameters });
    return row;
  }

  private async query(query: SqlQuery): Promise<Organization[]> {
    const { rows } = await (await this.adapter).queryRaw(query);
    return rows.map(toOrganization);
  }
}

// The adapter answers rows as arrays in COLUMNS order, timestamps as ISO
// strings and BIGINT as a string; the Prisma model has Dates and a bigint.
function toOrganization(row: unknown[]): Organization {
  const [id, title, description, version, createdBy, createdOn, lastModifiedBy, lastModifiedOn, seq] = row as [
    string, string, string | null, number, string, string, string, string, string | number,
  ];
  return {
    id,
    title,
    description,
    version,
    createdBy,
    createdOn: new Date(createdOn),
    lastModifiedBy,
    lastModifiedOn: new Date(lastModifiedOn),
    seq: BigInt(seq),
  };
}
