// `npm start`: prepare the database once, then serve with WORKERS processes
// (node:cluster; 1 serves in this process) until SIGTERM/SIGINT, then drain
// and exit 0.
import cluster from 'node:cluster';
import { loadConfig, type Config } from './config.js';
import { prepare, serve } from './server.js';

const config = loadConfig();
const logLevel = process.env.LOG_LEVEL ?? 'info';

if (cluster.isPrimary) await primary(config);
else await worker(config);

async function primary(config: Config): Promise<void> {
  const prepared = await prepare(config).catch(fail);
  const announce = (url: string) => {
    console.log(`Organization gateway on ${url} (REST ${config.basePath}/organizations/, GraphQL /graphql, docs ${config.basePath}/docs/), ${config.workers} worker(s)`);
    if (prepared.developmentToken) {
      console.log(`Development admin token (kept valid across restarts with ${config.dataDir}/dev-jwt-secret):\n${prepared.developmentToken}`);
    }
  };

  if (config.workers <= 1) {
    const serving = await serve(config, prepared.databaseUrl, prepared.auth, logLevel).catch(fail);
    announce(serving.url);
    onStopSignal(async () => {
      await serving.stop();
      await prepared.stop();
    });
    return;
  }

  let stopping = false;
  const env = { GATEWAY_DATABASE_URL: prepared.databaseUrl, ...(prepared.developmentSecret ? { AUTH_JWT_SECRET: prepared.developmentSecret } : {}) };
  const fork = () => cluster.fork(env);
  for (let i = 0; i < config.workers; i++) fork();
  let announced = false;
  cluster.on('listening', (_worker, address) => {
    if (!announced) announce(`http://${address.address ?? config.host}:${address.port}`);
    announced = true;
  });
  cluster.on('exit', (dead, code) => {
    if (stopping) return;
    console.error(`worker ${dead.process.pid} exited with ${code}; starting another`);
    fork();
  });
  onStopSignal(async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(workers.map((w) => new Promise((resolve) => {
      w.once('exit', resolve);
      w.process.kill('SIGTERM');
    })));
    await prepared.stop();
  });
}

async function worker(config: Config): Promise<void> {
  const databaseUrl = process.env.GATEWAY_DATABASE_URL!;
  const serving = await serve(config, databaseUrl, config.auth, logLevel).catch(fail);
  onStopSignal(() => serving.stop());
}

function onStopSignal(stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      stop().then(
        () => process.exit(0),
        (error: Error) => {
          console.error(`shutdown failed: ${error.message}`);
          process.exit(1);
        },
      );
    });
  }
}

function fail(error: Error): never {
  console.error(`gateway did not start: ${error.message}`);
  process.exit(1);
}
