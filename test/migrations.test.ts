// The SQL migrations produce exactly the tables schema.prisma describes, and
// are recorded in _prisma_migrations the way `prisma migrate deploy` records them.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureDatabase } from '../src/db/embedded.js';
import { migrate, readMigrations } from '../src/db/migrate.js';
import { MIGRATIONS_DIR, ROOT } from '../src/paths.js';
import { freshDatabaseUrl } from './support/gateway.js';

const require = createRequire(import.meta.url);
const { get_dmmf } = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };

interface DmmfField { name: string; dbName?: string | null; kind: string; type: string; isRequired: boolean; isId: boolean; isUnique: boolean; nativeType: [string, string[]] | null; default?: unknown }
interface DmmfModel { name: string; dbName: string | null; fields: DmmfField[] }

// Prisma scalar (and native type) → what information_schema reports.
function expectedColumnType(field: DmmfField): string {
  const [native, args] = field.nativeType ?? [null, []];
  if (native === 'VarChar') return `character varying(${args[0]})`;
  if (native === 'Timestamptz') return `timestamp with time zone(${args[0]})`;
  const scalar: Record<string, string> = { String: 'text', Int: 'integer', BigInt: 'bigint', DateTime: 'timestamp without time zone(3)', Boolean: 'boolean' };
  return scalar[field.type] ?? `unknown ${field.type}`;
}

let client: pg.Client;
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await freshDatabaseUrl();
  client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
});
afterAll(() => client.end());

describe('migrations', () => {
  it('create tables that match schema.prisma column by column', async () => {
    const schema = await readFile(`${ROOT}/prisma/schema.prisma`, 'utf8');
    const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] })));
    const models: DmmfModel[] = dmmf.datamodel.models;
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) {
      const table = model.dbName ?? model.name;
      const { rows } = await client.query(
        `SELECT column_name, is_nullable,
                CASE WHEN data_type = 'character varying' THEN 'character varying(' || character_maximum_length || ')'
                     WHEN data_type LIKE 'timestamp%' THEN data_type || '(' || datetime_precision || ')'
                     ELSE data_type END AS type
           FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      );
      const actual = Object.fromEntries(rows.map((row) => [row.column_name, { type: row.type, nullable: row.is_nullable === 'YES' }]));
      const expected = Object.fromEntries(
        model.fields.filter((field) => field.kind === 'scalar').map((field) => [field.dbName ?? field.name, { type: expectedColumnType(field), nullable: !field.isRequired }]),
      );
      expect(actual).toEqual(expected);

      const { rows: keys } = await client.query(
        `SELECT a.attname AS column, i.indisprimary AS primary, i.indisunique AS unique
           FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indrelid = $1::regclass`,
        [table],
      );
      const columnOf = (field: DmmfField) => field.dbName ?? field.name;
      expect(keys.filter((key) => key.primary).map((key) => key.column)).toEqual(model.fields.filter((f) => f.isId).map(columnOf));
      expect(keys.filter((key) => key.unique && !key.primary).map((key) => key.column).sort()).toEqual(model.fields.filter((f) => f.isUnique).map(columnOf).sort());
    }
  });

  it('are recorded as Prisma records them: name, SHA-256 checksum, finished', async () => {
    const { rows } = await client.query('SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name');
    const files = await readMigrations();
    expect(rows.map((row) => row.migration_name)).toEqual(files.map((file) => file.name));
    for (const [index, file] of files.entries()) {
      const sql = await readFile(`${MIGRATIONS_DIR}/${file.name}/migration.sql`);
      expect(rows[index].checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(rows[index].finished_at).toBeInstanceOf(Date);
      expect(rows[index].rolled_back_at).toBeNull();
      expect(rows[index].applied_steps_count).toBe(1);
    }
  });

  it('apply each migration once, even when two instances start together on an empty database', async () => {
    const adminUrl = inject('postgresAdminUrl');
    const name = `empty_${Date.now()}`;
    await ensureDatabase(adminUrl, name);
    const emptyUrl = adminUrl.replace(/\/[^/]+$/, `/${name}`);
    const names = (await readMigrations()).map((migration) => migration.name);
    const results = await Promise.all([migrate(emptyUrl), migrate(emptyUrl)]);
    expect(results.flat().sort()).toEqual(names);
    expect(await migrate(emptyUrl)).toEqual([]);
  });

  it('refuse to run when an applied migration was edited', async () => {
    await client.query(`UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`);
    await expect(migrate(databaseUrl)).rejects.toThrow(/was changed after it was applied/);
  });
});
