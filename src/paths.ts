// Files shipped beside the code (schema.graphql, prisma/migrations), found
// from the project root whether running from src/ (tsx) or dist/ (build).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'schema.graphql'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (schema.graphql)');
    dir = parent;
  }
  return dir;
}

export const ROOT = projectRoot();
export const SCHEMA_GRAPHQL = join(ROOT, 'schema.graphql');
export const MIGRATIONS_DIR = join(ROOT, 'prisma', 'migrations');
