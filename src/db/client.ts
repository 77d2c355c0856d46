// The one PrismaClient of a process, on a pg pool we own (for readiness and
// pool metrics), with bounded waits so an outage answers 503 instead of hanging.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';
import type { DriverAdapter } from './hot-path.js';

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  /** Longest wait for a connection, and longest a statement may run. */
  timeoutMs: number;
  /** Prepare statements by name (default true); see preparedStatementName. */
  preparedStatements?: boolean;
}

export interface Database {
  prisma: PrismaClient;
  /** Prisma's driver adapter on the same pool, for the hot path (src/db/hot-path.ts). */
  adapter: Promise<DriverAdapter>;
  pool: pg.Pool;
  /** Statements sent through the pool since start (metrics, tests). */
  queryCount(): number;
  /** Resolves while the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const STATEMENT_TIMEOUT_MARGIN_MS = 1000;

export function openDatabase({ url, poolMax, timeoutMs, preparedStatements = true }: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: timeoutMs,
    idleTimeoutMillis: 10_000,
    // Postgres cancels a statement that runs longer, so a write answered 503
    // is never applied later; the client-side limit is the backstop for a
    // server that cannot answer at all. Dates are stored as timestamptz: the
    // session's zone is explicit.
    options: `-c TimeZone=UTC -c statement_timeout=${timeoutMs}`,
    query_timeout: timeoutMs + STATEMENT_TIMEOUT_MARGIN_MS,
  });
  // An idle client dying (database restart) must not crash the process.
  pool.on('error', () => {});
  let queries = 0;
  const query = pool.query.bind(pool);
  pool.query = ((...args: Parameters<typeof query>) => {
    queries++;
    return query(...args);
  }) as typeof pool.query;
  // 'minimal' skips capturing a call-site stack on every query for error
  // messages that no client ever sees.
  const factory = new PrismaPg(pool, preparedStatements ? { statementNameGenerator: preparedStatementName } : {});
  const prisma = new PrismaClient({ adapter: factory, errorFormat: 'minimal' });
  const adapter = factory.connect();
  return {
    prisma,
    adapter,
    pool,
    queryCount: () => queries,
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await (await adapter).dispose();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

// Named statements are parsed and planned once per connection instead of on
// every execution, which saves Postgres CPU (a quarter of it on a GET). The
// name is a digest of the SQL, so every connection and process agrees on it;
// the memo is bounded because IN-lists make a few shapes per batch size.
const statementNames = new Map<string, string>();
const STATEMENT_NAMES_KEPT = 1000;

export function preparedStatementName({ sql }: { sql: string }): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    if (statementNames.size >= STATEMENT_NAMES_KEPT) statementNames.clear();
    name = `prisma_${createHash('sha256').update(sql).digest('base64url').slice(0, 32)}`;
    statementNames.set(sql, name);
  }
  return name;
}
