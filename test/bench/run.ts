// npm run bench: the gateway (production mode, on an embedded Postgres seeded
// with 10,000 organizations) against a hand-written node:http + pg baseline in
// the same run, interleaved over rounds to cancel machine drift. Prints, per
// workload, median requests/s, p50/p99 latency, non-2xx, the ratio to the
// baseline's operation of the same kind, the CPU time each process spent per
// request, and the gateway's resident memory after each round and at its
// lowest during it (the end-of-round figure depends on where the old
// generation is in its collection cycle). Exits non-zero on errors or
// non-2xx, never on a ratio.
//
//   npm run bench -- [--duration 8] [--warmup 2] [--connections 32] [--rounds 2] [--workers N] [--json out.json]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { signToken } from '../../src/auth.js';
import { freePort, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { ROOT } from '../../src/paths.js';

const { values: options } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '2' },
    workers: { type: 'string' },
    seed: { type: 'string', default: '10000' },
    json: { type: 'string' },
  },
});
const duration = Number(options.duration);
const warmup = Number(options.warmup);
const connections = Number(options.connections);
const rounds = Number(options.rounds);

type Kind = 'update' | 'read';
interface Workload {
  name: string;
  target: 'gateway' | 'baseline';
  kind: Kind;
  request: (id: string) => { method: 'GET' | 'PUT' | 'POST'; path: string; body?: string };
}

const GRAPHQL_UPDATE = 'mutation Update($id: ID!, $title: String!) { updateOrganization(id: $id, input: { title: $title }) { id title description createdBy createdOn lastModifiedBy lastModifiedOn } }';
const GRAPHQL_READ = 'query Read($id: ID!) { organization(id: $id) { id title description createdBy createdOn lastModifiedBy lastModifiedOn } }';
const title = () => `Bench ${Math.random().toString(36).slice(2, 10)}`;

const workloads: Workload[] = [
  { name: 'baseline update', target: 'baseline', kind: 'update', request: (id) => ({ method: 'PUT', path: `/organizations/${id}/`, body: JSON.stringify({ title: title() }) }) },
  { name: 'REST PUT', target: 'gateway', kind: 'update', request: (id) => ({ method: 'PUT', path: `/organizations/${id}/`, body: JSON.stringify({ title: title() }) }) },
  { name: 'GraphQL updateOrganization', target: 'gateway', kind: 'update', request: (id) => ({ method: 'POST', path: '/graphql', body: JSON.stringify({ query: GRAPHQL_UPDATE, variables: { id, title: title() } }) }) },
  { name: 'baseline read', target: 'baseline', kind: 'read', request: (id) => ({ method: 'GET', path: `/organizations/${id}/` }) },
  { name: 'REST GET', target: 'gateway', kind: 'read', request: (id) => ({ method: 'GET', path: `/organizations/${id}/` }) },
  { name: 'GraphQL organization(id)', target: 'gateway', kind: 'read', request: (id) => ({ method: 'POST', path: '/graphql', body: JSON.stringify({ query: GRAPHQL_READ, variables: { id } }) }) },
];

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU time per request, µs, of each process group while the workload ran. */
  cpu?: CpuByProcess;
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'gateway-bench-'));
  const children: ChildProcess[] = [];
  const postgres = await startEmbeddedPostgres(dataDir);
  try {
    await migrate(postgres.url);
    const ids = await seed(postgres.url, Number(options.seed));
    const secret = randomBytes(32).toString('hex');
    const gatewayPort = await freePort();
    const baselinePort = await freePort();
    const gatewayEnv: NodeJS.ProcessEnv = {
      ...process.env, NODE_ENV: 'production', DATABASE_URL: postgres.url, AUTH_JWT_SECRET: secret, PORT: String(gatewayPort), LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '0',
      ...(options.workers ? { WORKERS: options.workers } : {}),
    };
    // What production runs: the compiled build (npm run build), not tsx.
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    const gateway = await launch(['dist/src/main.js'], gatewayEnv, `http://127.0.0.1:${gatewayPort}/readyz`);
    children.push(gateway);
    const baseline = await launch(['--import', 'tsx', 'test/bench/baseline.ts'], { ...process.env, DATABASE_URL: postgres.url, PORT: String(baselinePort) }, `http://127.0.0.1:${baselinePort}/organizations/x/`);
    children.push(baseline);
    const processes: Processes = { gateway: gateway.pid!, baseline: baseline.pid!, postgres: postmasterPid(dataDir) };
    const token = await signToken(new TextEncoder().encode(secret), { sub: 'bench', scope: 'organizations:admin' });
    const urls = { gateway: `http://127.0.0.1:${gatewayPort}`, baseline: `http://127.0.0.1:${baselinePort}` };

    console.log(`bench: ${ids.length} organizations, ${connections} connections, ${rounds} rounds of ${warmup}s warm-up + ${duration}s per workload, gateway workers=${gatewayWorkers(gateway.pid!)}${options.workers ? '' : ' (its default)'}`);
    // One warm-up pass over every workload first, so the first one measured is
    // not also the one that warms the JIT and Prisma's query-plan cache.
    for (const workload of workloads) await load(urls[workload.target], workload, ids, token, warmup);
    const results = new Map<string, Measure[]>(workloads.map((workload) => [workload.name, []]));
    const memory: number[] = [];
    const memoryFloor: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(residentMemoryMiB(gateway.pid!)), 250);
      // Alternate the order each round so no workload always runs first.
      const order = round % 2 === 1 ? workloads : [...workloads].reverse();
      for (const workload of order) {
        const url = urls[workload.target];
        await load(url, workload, ids, token, warmup);
        const before = cpuSnapshot(processes);
        const measure = await load(url, workload, ids, token, duration);
        measure.cpu = cpuPerRequest(before, cpuSnapshot(processes), measure.rps * duration);
        results.get(workload.name)!.push(measure);
        console.log(`  round ${round} ${workload.name.padEnd(28)} ${measure.rps.toFixed(0).padStart(6)} req/s  p50 ${measure.p50} ms  p99 ${measure.p99} ms  non-2xx ${measure.non2xx}  errors ${measure.errors}  CPU µs/request ${formatCpu(measure.cpu!, workload.target)}`);
      }
      clearInterval(sampler);
      memory.push(residentMemoryMiB(gateway.pid!));
      memoryFloor.push(Math.min(...samples));
      console.log(`  round ${round} gateway resident memory ${memory.at(-1)!.toFixed(1)} MiB after the round, ${memoryFloor.at(-1)!.toFixed(1)} MiB at its lowest`);
    }
    const hostile = await hostileOperations(urls.gateway);
    const report = { ...summarize(results, { afterRound: memory, floor: memoryFloor }, gatewayWorkers(gateway.pid!)), hostile };
    printReport(report);
    if (options.json) await writeFile(options.json, JSON.stringify(report, null, 2));
    const failures = report.workloads.reduce((sum, workload) => sum + workload.non2xx + workload.errors, 0) + hostile.backgroundNon2xx;
    process.exitCode = failures > 0 ? 1 : 0;
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.on('exit', resolve)))));
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function seed(url: string, count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `INSERT INTO organizations (id, title, description, created_by, created_on, last_modified_by, last_modified_on)
       SELECT 'org_' || gen_random_uuid(), 'Organization ' || n, 'Seeded for the benchmark', 'bench', now(), 'bench', now()
         FROM generate_series(1, $1::int) AS n
       RETURNING id`,
      [count],
    );
    return rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

function launch(args: string[], env: NodeJS.ProcessEnv, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
    const poll = () =>
      fetch(readyUrl).then(
        () => resolve(child),
        () => (Date.now() > deadline ? reject(new Error(`${readyUrl} never answered`)) : setTimeout(poll, 200)),
      );
    poll();
  });
}

function load(url: string, workload: Workload, ids: string[], token: string, seconds: number): Promise<Measure> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        requests: [{ setupRequest: (request) => ({ ...request, ...workload.request(ids[Math.floor(Math.random() * ids.length)]!) }) }],
      },
      (error, result) => {
        if (error) return reject(error);
        // GraphQL errors arrive with status 200: count them as failures too.
        resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts });
      },
    );
  });
}

// Where the two cores go: CPU time of the gateway (primary and workers), the
// baseline, Postgres (postmaster and backends) and the load generator (this
// process), read from /proc before and after each measured workload.
interface Processes {
  gateway: number;
  baseline: number;
  postgres: number;
}
/** CPU seconds so far (a snapshot), or µs per request (a measure). */
type CpuByProcess = Record<keyof Processes | 'generator', number>;

const CLOCK_TICKS_PER_SECOND = 100;

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds of a process and its children. */
function cpuSeconds(pid: number): number {
  // utime + stime, and for the parent also its reaped children's (a backend
  // that exited during the run).
  const ticks = (id: number, withReaped: boolean) => {
    try {
      const fields = readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(fields[11]) + Number(fields[12]) + (withReaped ? Number(fields[13]) + Number(fields[14]) : 0);
    } catch {
      return 0; // exited between listing and reading
    }
  };
  return childrenOf(pid).reduce((sum, id) => sum + ticks(id, false), ticks(pid, true)) / CLOCK_TICKS_PER_SECOND;
}

function cpuSnapshot(processes: Processes): CpuByProcess {
  const own = process.cpuUsage();
  return {
    gateway: cpuSeconds(processes.gateway),
    baseline: cpuSeconds(processes.baseline),
    postgres: cpuSeconds(processes.postgres),
    generator: (own.user + own.system) / 1e6,
  };
}

function cpuPerRequest(before: CpuByProcess, after: CpuByProcess, requests: number): CpuByProcess {
  const perRequest = (key: keyof CpuByProcess) => ((after[key] - before[key]) * 1e6) / Math.max(requests, 1);
  return Object.fromEntries(Object.keys(after).map((key) => [key, perRequest(key as keyof CpuByProcess)])) as CpuByProcess;
}

const formatCpu = (cpu: CpuByProcess, target: Workload['target']) =>
  `${target} ${Math.round(cpu[target])}  postgres ${Math.round(cpu.postgres)}  generator ${Math.round(cpu.generator)}`;

/** The gateway serves in its own process with WORKERS=1, else in its cluster workers. */
const gatewayWorkers = (pid: number) => childrenOf(pid).length || 1;

/** Resident memory of a process and its children (cluster workers), in MiB. */
function residentMemoryMiB(pid: number): number {
  const rss = (id: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${id}/status`, 'utf8'))?.[1] ?? 0);
  return [pid, ...childrenOf(pid)].reduce((sum, id) => sum + rss(id), 0) / 1024;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

interface MemoryByRound {
  /** Resident MiB sampled when each round ended. */
  afterRound: number[];
  /** The lowest resident MiB sampled (every 250 ms) during each round. */
  floor: number[];
}

const growth = (values: number[]) => (values.length > 1 ? values.at(-1)! / values[0]! - 1 : 0);

function summarize(results: Map<string, Measure[]>, memory: MemoryByRound, workers: number) {
  const rows = workloads.map((workload) => {
    const measures = results.get(workload.name)!;
    return {
      name: workload.name,
      target: workload.target,
      kind: workload.kind,
      rps: median(measures.map((m) => m.rps)),
      p50: median(measures.map((m) => m.p50)),
      p99: median(measures.map((m) => m.p99)),
      non2xx: measures.reduce((sum, m) => sum + m.non2xx, 0),
      /** Median CPU µs per request: the server measured (gateway or baseline), Postgres, the load generator. */
      cpuMicroseconds: {
        server: median(measures.map((m) => m.cpu![workload.target])),
        postgres: median(measures.map((m) => m.cpu!.postgres)),
        generator: median(measures.map((m) => m.cpu!.generator)),
      },
      errors: measures.reduce((sum, m) => sum + m.errors, 0),
    };
  });
  const baseline = (kind: Kind) => rows.find((row) => row.target === 'baseline' && row.kind === kind)!;
  return {
    machine: { cores: availableParallelism(), node: process.version },
    settings: { duration, warmup, connections, rounds, workers, organizations: Number(options.seed) },
    workloads: rows.map((row) => ({ ...row, rpsRatio: row.rps / baseline(row.kind).rps, p99Ratio: row.p99 / Math.max(baseline(row.kind).p99, 1) })),
    memoryMiB: memory,
    memoryGrowth: { afterRound: growth(memory.afterRound), floor: growth(memory.floor) },
  };
}

/**
 * Hostile GraphQL documents (10,000 aliases; 1 MB) against ordinary ones, one
 * at a time, while a background load of ordinary requests runs: each refusal
 * should cost less than ten ordinary requests, and the background load should
 * keep its pace.
 */
async function hostileOperations(url: string) {
  const post = async (body: string) => {
    const start = performance.now();
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await response.arrayBuffer();
    return { ms: performance.now() - start, status: response.status };
  };
  const ordinary = JSON.stringify({ query: '{ __typename }' });
  const manyAliases = JSON.stringify({ query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ')} }` });
  const megabyte = JSON.stringify({ query: `{ __typename } # ${'x'.repeat(1_000_000)}` });
  const background = autocannon({ url: `${url}/graphql`, connections: 4, duration: 6, method: 'POST', headers: { 'content-type': 'application/json' }, body: ordinary });
  const samples = { ordinary: [] as number[], aliases: [] as number[], megabyte: [] as number[] };
  const statuses = new Set<number>();
  for (let i = 0; i < 20; i++) {
    samples.ordinary.push((await post(ordinary)).ms);
    const a = await post(manyAliases);
    const m = await post(megabyte);
    samples.aliases.push(a.ms);
    samples.megabyte.push(m.ms);
    statuses.add(a.status).add(m.status);
  }
  const backgroundResult = await background;
  return {
    ordinaryMs: median(samples.ordinary),
    tenThousandAliasesMs: median(samples.aliases),
    oneMegabyteMs: median(samples.megabyte),
    refusalStatuses: [...statuses],
    backgroundRps: backgroundResult.requests.average,
    backgroundNon2xx: backgroundResult.non2xx,
  };
}

function printReport(report: ReturnType<typeof summarize> & { hostile: Awaited<ReturnType<typeof hostileOperations>> }) {
  console.log(`\n${report.machine.cores} cores, Node ${report.machine.node}, gateway workers ${report.settings.workers}`);
  console.log('workload                        req/s   p50 ms  p99 ms  non-2xx  ratio req/s  ratio p99  CPU µs/req server/postgres/generator');
  for (const row of report.workloads) {
    console.log(
      `${row.name.padEnd(30)} ${row.rps.toFixed(0).padStart(6)}  ${String(row.p50).padStart(6)}  ${String(row.p99).padStart(6)}  ${String(row.non2xx + row.errors).padStart(7)}  ${row.rpsRatio.toFixed(2).padStart(11)}  ${row.p99Ratio.toFixed(2).padStart(9)}  ${[row.cpuMicroseconds.server, row.cpuMicroseconds.postgres, row.cpuMicroseconds.generator].map((us) => us.toFixed(0)).join(' / ').padStart(15)}`,
    );
  }
  const { memoryMiB, memoryGrowth } = report;
  const series = (values: number[], change: number) => `${values.map((m) => m.toFixed(1)).join(', ')} (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%)`;
  console.log(`gateway resident memory per round (MiB): after the round ${series(memoryMiB.afterRound, memoryGrowth.afterRound)}; lowest during the round ${series(memoryMiB.floor, memoryGrowth.floor)}`);
  const { hostile } = report;
  console.log(
    `hostile GraphQL (median of 20, under background load of ${hostile.backgroundRps.toFixed(0)} req/s): ordinary ${hostile.ordinaryMs.toFixed(1)} ms, ` +
      `10,000 aliases ${hostile.tenThousandAliasesMs.toFixed(1)} ms (${(hostile.tenThousandAliasesMs / hostile.ordinaryMs).toFixed(1)}x), ` +
      `1 MB ${hostile.oneMegabyteMs.toFixed(1)} ms (${(hostile.oneMegabyteMs / hostile.ordinaryMs).toFixed(1)}x), refused with ${hostile.refusalStatuses.join('/')}`,
  );
}

await main();
