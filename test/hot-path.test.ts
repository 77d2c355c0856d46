// The hot-path statements (src/db/hot-path.ts) map rows by hand; they must
// give exactly what the Prisma Client gives for the same rows, and honour
// every write condition in the one UPDATE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { OrganizationStatements } from '../src/db/hot-path.js';
import { newOrganizationId } from '../src/domain/organization.js';
import { freshDatabaseUrl } from './support/gateway.js';

let db: Database;
let statements: OrganizationStatements;

beforeAll(async () => {
  db = openDatabase({ url: await freshDatabaseUrl(), poolMax: 2, timeoutMs: 5000 });
  statements = new OrganizationStatements(db.adapter);
});
afterAll(() => db.close());

const created = new Date('2026-01-02T03:04:05.678Z');
const insert = (description: string | null, into: Database = db) =>
  into.prisma.organization.create({
    data: { id: newOrganizationId(), title: 'Acme', description, createdBy: 'alice', createdOn: created, lastModifiedBy: 'alice', lastModifiedOn: created },
  });

describe('hot-path statements', () => {
  it('read rows exactly as the Prisma Client does, with and without a description', async () => {
    const rows = [await insert('Anvils'), await insert(null)];
    for (const row of rows) {
      expect(await statements.byId(row.id)).toStrictEqual(await db.prisma.organization.findUnique({ where: { id: row.id } }));
    }
    const ids = rows.map((row) => row.id);
    const many = await statements.byIds([...ids, newOrganizationId()]);
    expect(many.sort((a, b) => a.id.localeCompare(b.id))).toStrictEqual(await db.prisma.organization.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } }));
    expect(await statements.byIds([ids[1]!])).toStrictEqual([await db.prisma.organization.findUnique({ where: { id: ids[1] } })]);
    expect(await statements.byIds([newOrganizationId()])).toStrictEqual([]);
    expect(await statements.byId(newOrganizationId())).toBeUndefined();
  });

  it('update the given fields, bump the version and stamp the modifier; null clears the description', async () => {
    const row = await insert('Anvils');
    const before = Date.now();
    const updated = await statements.update(row.id, { title: 'Acme Corp', description: null }, 'bob', {});
    expect(updated).toStrictEqual(await db.prisma.organization.findUnique({ where: { id: row.id } }));
    expect(updated).toMatchObject({ title: 'Acme Corp', description: null, version: 2, createdBy: 'alice', createdOn: created, lastModifiedBy: 'bob' });
    expect(updated!.lastModifiedOn.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const titleOnly = await statements.update(row.id, { title: 'Acme' }, 'carol', {});
    expect(titleOnly).toMatchObject({ title: 'Acme', description: null, version: 3 });
  });

  it('write only when every condition holds, and leave the row as it was otherwise', async () => {
    const row = await insert('Anvils');
    const cases = [
      { conditions: { versionIn: [2, 3] }, holds: false },
      { conditions: { versionIn: [] }, holds: false },
      { conditions: { versionIn: [1] }, holds: true },
      { conditions: { versionNotIn: [2] }, holds: false },
      { conditions: { versionNotIn: [1] }, holds: true },
      { conditions: { never: true }, holds: false },
      { conditions: { modifiedBefore: new Date(Date.now() - 60_000) }, holds: false },
      { conditions: { modifiedBefore: new Date(Date.now() + 60_000) }, holds: true },
      { conditions: { versionIn: [4], modifiedBefore: new Date(Date.now() + 60_000) }, holds: true },
      { conditions: { versionIn: [4], versionNotIn: [5], never: true }, holds: false },
    ];
    for (const { conditions, holds } of cases) {
      const stored = await db.prisma.organization.findUniqueOrThrow({ where: { id: row.id } });
      const result = await statements.update(row.id, { title: `after ${JSON.stringify(conditions)}` }, 'bob', conditions);
      const after = await db.prisma.organization.findUniqueOrThrow({ where: { id: row.id } });
      if (holds) {
        expect(result, JSON.stringify(conditions)).toStrictEqual(after);
        expect(after.version).toBe(stored.version + 1);
      } else {
        expect(result, JSON.stringify(conditions)).toBeUndefined();
        expect(after).toStrictEqual(stored);
      }
    }
  });
});

describe('prepared statements', () => {
  // One connection, so the session that ran the statements is the one asked.
  const preparedAfterUse = async (preparedStatements: boolean) => {
    const single = openDatabase({ url: await freshDatabaseUrl(), poolMax: 1, timeoutMs: 5000, preparedStatements });
    try {
      const rows = new OrganizationStatements(single.adapter);
      const { id } = await insert(null, single);
      for (let i = 0; i < 3; i++) {
        await rows.byId(id);
        await rows.update(id, { title: `Acme ${i}` }, 'bob', { versionIn: [i + 1] });
      }
      const { rows: prepared } = await single.pool.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
      return { prepared: prepared.map((row) => row.statement), final: await rows.byId(id) };
    } finally {
      await single.close();
    }
  };

  it('are prepared once per connection by name, and not at all when turned off, with the same results', async () => {
    const on = await preparedAfterUse(true);
    expect(on.prepared.some((sql) => sql.startsWith('SELECT id, title'))).toBe(true);
    expect(on.prepared.some((sql) => sql.startsWith('UPDATE organizations'))).toBe(true);
    const off = await preparedAfterUse(false);
    expect(off.prepared).toEqual([]);
    expect(off.final).toMatchObject({ title: 'Acme 2', version: 4 });
    expect(on.final).toMatchObject({ title: 'Acme 2', version: 4 });
  });
});
