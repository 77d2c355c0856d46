// One embedded Postgres for the whole run, in a temporary folder (never a
// developer's DATA_DIR), with a migrated template database that each test
// file copies into a database of its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureDatabase, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';

export const TEMPLATE_DATABASE = 'gateway_template';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), 'gateway-test-'));
  const embedded = await startEmbeddedPostgres(dataDir);
  const adminUrl = embedded.url.replace(/\/[^/]+$/, '/postgres');
  await ensureDatabase(adminUrl, TEMPLATE_DATABASE);
  await migrate(embedded.url.replace(/\/[^/]+$/, `/${TEMPLATE_DATABASE}`));
  project.provide('postgresAdminUrl', adminUrl);
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  return async () => {
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
