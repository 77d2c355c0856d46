// Runs `prisma generate` offline.
//
// Prisma's CLI insists on locating its native schema engine before any
// command, and downloads it when missing; on machines without access to that
// download host every command fails. `generate` never runs the engine, so we
// point PRISMA_SCHEMA_ENGINE_BINARY at an existing file (this script) unless
// the caller already set it. This is the only place that knows about it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';

const result = spawnSync('prisma', ['generate', '--schema', 'prisma/schema.prisma'], {
  env,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
process.exit(result.status ?? 1);
