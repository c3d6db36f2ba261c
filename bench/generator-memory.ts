/**
 * `npm run bench:generator-memory`: memory (RSS) and CPU of the generators as the stack runs them,
 * producing to real services on 127.0.0.1 for BENCH_SECONDS (120) per phase.
 *
 * The run is the command and environment of the generators container the default stack
 * synthesizes (node dist/generators/cli.js run <dataset> --rate ... --health-file ... [--burst]
 * -- <dataset> ...; NODE_OPTIONS=--max-old-space-size as set in platform/app.ts), executed with the
 * compiled JavaScript the app image runs (`tsc -p tsconfig.build.json`, into dist/), against: a
 * real Kafka 3.9.1 broker (KRaft, integration/support/kafka.ts) with the datasets' topics, a real
 * MariaDB with the stack's init SQL (moodle_logs), and for payments (which the stack sends through
 * the payments API, --via-api) a stub HTTP server on 127.0.0.1 that answers 200 like the API.
 *
 * Phases:
 *   one process    the stack's command as it is: every dataset in one Node.js process, SIGUSR1
 *                  every 10 s (a new error storm / fraud spree each time);
 *   ten processes  the same datasets and options, one `cli.js <dataset> ...` process each, as the
 *                  stack ran them until one container replaced ten (each with the heap cap of the
 *                  old 128 MiB limit); BENCH_BEFORE=0 skips it;
 *   high rate      one process again, every dataset at BENCH_HIGH_RATE (default 0: skipped), to
 *                  see how the footprint grows with the rates a user may configure;
 *   container      the one process as a container with the synthesized memory limit (no swap),
 *                  from the app image built from the project's Dockerfile on lab-local/node
 *                  (scripts/local-images/build.sh node), on the host network; BENCH_CONTAINERS=1
 *                  runs it (about 5 minutes of image builds the first time).
 * Per process, /proc/<pid>/status every 250 ms: peak = VmHWM at the end (the kernel's high-water
 * mark, startup included), steady = median VmRSS over the second half; CPU = user + system time
 * from /proc/<pid>/stat, over the whole run and over its second half (as % of one core). Per
 * container, the Docker stats API every second: the cgroup's peak charge (max_usage: RSS and page
 * cache), peak RSS (total_rss), and whether the kernel OOM-killed it. At the end every process
 * gets SIGTERM; its exit code and every dataset's summary line (sent, rate) are printed.
 * Prints figures; asserts nothing.
 *
 * Settings (environment): BENCH_SECONDS (120), BENCH_BEFORE (1), BENCH_HIGH_RATE (0),
 * BENCH_CONTAINERS (0).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_MEMORY_MB } from '../config/defaults';
import { datasetModule } from '../generators/datasets';
import { GROUP_SEPARATOR, RUN_COMMAND } from '../generators/run-args';
import { datasetTopicNames } from '../generators/schema';
import { DATASET_NAMES, type DatasetName } from '../pipelines/datasets';
import { startKafka } from '../integration/support/kafka';
import { startMariaDb } from '../integration/support/mariadb';
import { generatorHeapMb } from '../platform/app';
import { containerState, dockerApi, removeContainer } from './docker-engine';
import { processCpuMs } from './process-cpu';
import { envRecord, synthesizedContainers } from './synthesized';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 120);
const BEFORE = process.env.BENCH_BEFORE !== '0';
const HIGH_RATE = Number(process.env.BENCH_HIGH_RATE ?? 0);
const CONTAINERS = process.env.BENCH_CONTAINERS === '1';
const ROOT = join(__dirname, '..');
const APP_IMAGE = 'lab-bench/app:local';
const SAMPLE_MS = 250;
const TRIGGER_EVERY_MS = 10_000;
/** The per-container limit of the ten generator containers the one container replaced. */
const OLD_LIMIT_PER_DATASET_MB = 128;

interface RunSpec {
  readonly label: string;
  /** Arguments of node: the script and its arguments. */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

interface RunResult {
  readonly spec: RunSpec;
  readonly peakMiB: number;
  readonly steadyMiB: number;
  /** CPU seconds over the whole run, startup included. */
  readonly cpuSeconds: number;
  /** CPU over the second half of the run, % of one core. */
  readonly steadyCpuPercent: number;
  readonly exitCode: number | null;
  /** Every dataset's summary line (`[lab-generate <dataset>] done: sent N, ..., R/s`). */
  readonly summaries: readonly string[];
}

/** kB figures of /proc/<pid>/status; undefined once the process is gone. */
function procStatus(pid: number): { rssKb: number; hwmKb: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
  } catch {
    return undefined;
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
};

/** Runs one generator process for SECONDS, sampling its memory and CPU, SIGUSR1 every 10 s; then SIGTERM and wait for its exit. */
async function measure(spec: RunSpec): Promise<RunResult> {
  // node itself, not npm or a shell: /proc/<pid> must be the generator's own process.
  const child: ChildProcess = spawn(process.execPath, spec.args, { cwd: ROOT, env: { PATH: process.env.PATH, ...spec.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${spec.label}: the generator did not start`);
  const samples: Array<{ at: number; rssKb: number }> = [];
  let hwmKb = 0;
  let cpuAtHalfMs: number | undefined;
  let cpuLastMs = 0;
  const started = Date.now();
  const sampler = setInterval(() => {
    const status = procStatus(pid);
    const cpu = processCpuMs(pid);
    if (!status || cpu === undefined) return;
    const at = Date.now() - started;
    samples.push({ at, rssKb: status.rssKb });
    hwmKb = Math.max(hwmKb, status.hwmKb);
    if (cpuAtHalfMs === undefined && at >= (SECONDS * 1000) / 2) cpuAtHalfMs = cpu;
    cpuLastMs = cpu;
  }, SAMPLE_MS);
  const trigger = setInterval(() => child.kill('SIGUSR1'), TRIGGER_EVERY_MS);
  await Promise.race([new Promise((resolve) => setTimeout(resolve, SECONDS * 1000)), exited]);
  clearInterval(trigger);
  clearInterval(sampler);
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exitCode = await exited;
  clearTimeout(killer);
  const steady = samples.filter((s) => s.at >= (SECONDS * 1000) / 2).map((s) => s.rssKb);
  return {
    spec,
    peakMiB: hwmKb / 1024,
    steadyMiB: median(steady) / 1024,
    cpuSeconds: cpuLastMs / 1000,
    steadyCpuPercent: cpuAtHalfMs === undefined ? NaN : ((cpuLastMs - cpuAtHalfMs) / ((SECONDS * 1000) / 2)) * 100,
    exitCode,
    summaries: stderr.split('\n').filter((line) => /\] (done|FAILED|UNCONFIRMED)|NOT DELIVERED|heap out of memory|cannot start|unexpected error/.test(line)),
  };
}

/** Several processes at once; their figures add up (peaks too: the ten containers each reserved their own). */
async function measureTogether(label: string, specs: readonly RunSpec[]): Promise<RunResult> {
  const results = await Promise.all(specs.map(measure));
  const sum = (pick: (r: RunResult) => number): number => results.reduce((total, r) => total + pick(r), 0);
  return {
    spec: { label, args: [], env: {} },
    peakMiB: sum((r) => r.peakMiB),
    steadyMiB: sum((r) => r.steadyMiB),
    cpuSeconds: sum((r) => r.cpuSeconds),
    steadyCpuPercent: sum((r) => r.steadyCpuPercent),
    exitCode: results.map((r) => r.exitCode ?? NaN).reduce((worst, code) => (code !== 0 ? code : worst), 0),
    summaries: results.flatMap((r) => r.summaries),
  };
}

interface ContainerResult {
  readonly spec: RunSpec;
  readonly limitMiB: number;
  readonly maxUsageMiB: number;
  readonly peakRssMiB: number;
  readonly steadyRssMiB: number;
  readonly oomKilled: boolean;
  readonly exitCode: number;
}

interface MemoryStats {
  readonly memory_stats: { readonly usage?: number; readonly max_usage?: number; readonly stats?: { readonly total_rss?: number; readonly rss?: number } };
}

/** The app image as the stack builds it (the project's Dockerfile), on this machine's Node.js base. */
function buildAppImage(): void {
  const build = spawnSync('bash', [join(ROOT, 'scripts', 'local-images', 'build.sh'), 'node'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const nodeImage = /lab-local\/node:\S+/.exec(build.stdout ?? '')?.[0];
  if (build.status !== 0 || !nodeImage) throw new Error(`scripts/local-images/build.sh node failed:\n${build.stdout ?? ''}`);
  console.log(`building ${APP_IMAGE} from the project's Dockerfile with NODE_IMAGE=${nodeImage} (npm ci on the first build)`);
  const app = spawnSync('docker', ['build', '-q', '--build-arg', `NODE_IMAGE=${nodeImage}`, '-t', APP_IMAGE, ROOT], {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
  });
  if (app.status !== 0) throw new Error(`docker build of ${APP_IMAGE} failed:\n${app.stderr}`);
}

/** Runs the generators as their container (memory limit, no swap), samples the cgroup, then stops it (SIGTERM, 30 s grace). */
async function measureContainer(spec: RunSpec, memoryMiB: number): Promise<ContainerResult> {
  const name = `lab-bench-memory-${spec.label.replace(/\W+/g, '-')}`.slice(0, 60);
  await removeContainer(name);
  const created = await dockerApi<{ Id: string }>('POST', `/containers/create?name=${name}`, {
    Image: APP_IMAGE,
    Cmd: ['node', ...spec.args],
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    HostConfig: { Memory: memoryMiB * 2 ** 20, MemorySwap: memoryMiB * 2 ** 20, NetworkMode: 'host' },
  });
  if (!created) throw new Error(`create of ${name} returned no id`);
  try {
    await dockerApi('POST', `/containers/${created.Id}/start`);
    const started = Date.now();
    const rss: Array<{ at: number; bytes: number }> = [];
    let maxUsage = 0;
    const trigger = setInterval(() => void dockerApi('POST', `/containers/${created.Id}/kill?signal=SIGUSR1`).catch(() => undefined), TRIGGER_EVERY_MS);
    while (Date.now() - started < SECONDS * 1000) {
      const stats = await dockerApi<MemoryStats>('GET', `/containers/${created.Id}/stats?stream=false&one-shot=true`);
      const memory = stats?.memory_stats;
      if (memory?.usage !== undefined) {
        maxUsage = Math.max(maxUsage, memory.max_usage ?? memory.usage);
        rss.push({ at: Date.now() - started, bytes: memory.stats?.total_rss ?? memory.stats?.rss ?? NaN });
      }
      if (!(await containerState(created.Id)).Running) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    clearInterval(trigger);
    await dockerApi('POST', `/containers/${created.Id}/stop?t=30`).catch(() => undefined);
    const state = await dockerApi<{ State: { OOMKilled: boolean; ExitCode: number } }>('GET', `/containers/${created.Id}/json`);
    const steady = rss.filter((s) => s.at >= (SECONDS * 1000) / 2).map((s) => s.bytes);
    return {
      spec,
      limitMiB: memoryMiB,
      maxUsageMiB: maxUsage / 2 ** 20,
      peakRssMiB: Math.max(...rss.map((s) => s.bytes)) / 2 ** 20,
      steadyRssMiB: median(steady) / 2 ** 20,
      oomKilled: state?.State.OOMKilled ?? false,
      exitCode: state?.State.ExitCode ?? NaN,
    };
  } finally {
    await removeContainer(created.Id);
  }
}

/** A stand-in for the payments API's POST /payment_{json,avro,protobuf}: reads the body, answers 200. */
async function startPaymentsStub(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"accepted"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const mib = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '-');

/** The `run` command's groups (one per dataset): [script, 'run', ...groups] -> [[dataset, ...options], ...]. */
function datasetGroups(args: readonly string[]): string[][] {
  const groups: string[][] = [[]];
  for (const arg of args.slice(2)) {
    if (arg === GROUP_SEPARATOR) groups.push([]);
    else groups[groups.length - 1].push(arg);
  }
  return groups;
}

const loads = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  console.log(`bench:generator-memory on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString()}`);
  console.log('compiling the generators as the app image does: tsc -p tsconfig.build.json (into dist/)');
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('tsc -p tsconfig.build.json failed (output above)');

  const container = synthesizedContainers().generators;
  if (!container?.command) throw new Error('the default stack has no generators container');
  const [node, script, command] = container.command;
  if (node !== 'node' || command !== RUN_COMMAND) throw new Error(`the generators container runs '${container.command.slice(0, 3).join(' ')}', not 'node <cli> ${RUN_COMMAND}'`);
  const groups = datasetGroups(container.command.slice(1));
  const datasets = groups.map((group) => group[0] as DatasetName);
  for (const name of datasets) if (!DATASET_NAMES.includes(name)) throw new Error(`the generators command names '${name}', which is not a dataset`);

  const healthDir = mkdtempSync(join(tmpdir(), 'lab-generator-memory-'));
  const kafka = await startKafka({ partitions: 1 });
  const mariadb = datasets.includes('moodle_logs') ? await startMariaDb() : undefined;
  const stub = await startPaymentsStub();
  try {
    const admin = new Kafka({ clientId: 'bench-generator-memory', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = [...new Set(datasets.flatMap((name) => datasetTopicNames(datasetModule(name).schema)))];
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
    await admin.disconnect();
    console.log(`broker ${kafka.bootstrap} (topics: ${topics.join(', ')})${mariadb ? `; MariaDB 127.0.0.1:${mariadb.port}` : ''}; payments API stub ${stub.url}`);

    const env = envRecord(container.env);
    const envWith = (nodeOptions: string): Record<string, string> => ({
      NODE_OPTIONS: nodeOptions,
      KAFKA_BROKERS: kafka.bootstrap,
      ...(env.MOODLE_DB_URL && mariadb ? { MOODLE_DB_URL: mariadb.url } : {}),
    });
    /** A dataset's group pointed at this machine's services, at `rate` when given. */
    const adapt = (group: readonly string[], rate?: number): string[] =>
      group.map((arg, i) => {
        const option = group[i - 1];
        if (option === '--health-file') return join(healthDir, group[0]);
        if (option === '--via-api') return stub.url;
        if (option === '--rate' && rate !== undefined) return String(rate);
        return arg;
      });
    const oneProcess = (label: string, rate?: number): RunSpec => ({
      label,
      args: [script, RUN_COMMAND, ...groups.flatMap((group, i) => [...(i === 0 ? [] : [GROUP_SEPARATOR]), ...adapt(group, rate)])],
      env: envWith(env.NODE_OPTIONS ?? ''),
    });

    const results: RunResult[] = [];
    const report = (result: RunResult): void => {
      results.push(result);
      console.log(
        `  ${result.spec.label}: peak ${mib(result.peakMiB)} MiB, steady ${mib(result.steadyMiB)} MiB, CPU ${result.cpuSeconds.toFixed(1)} s in ${SECONDS} s, steady ${result.steadyCpuPercent.toFixed(1)}% of a core, exit ${result.exitCode}`,
      );
      for (const line of result.summaries) console.log(`    ${line}`);
    };

    const after = oneProcess('one process (the stack now)');
    console.log(`\nphase "one process": ${datasets.length} datasets for ${SECONDS} s, SIGUSR1 every 10 s; node ${after.args.join(' ')} (NODE_OPTIONS=${after.env.NODE_OPTIONS})`);
    console.log(`load average before: ${loads()}`);
    report(await measure(after));
    console.log(`load average after: ${loads()}`);

    if (BEFORE) {
      const oldHeap = `--max-old-space-size=${generatorHeapMb(OLD_LIMIT_PER_DATASET_MB)}`;
      const separate = groups.map((group): RunSpec => ({ label: group[0], args: [script, ...adapt(group)], env: envWith(oldHeap) }));
      console.log(`\nphase "ten processes": the same ${separate.length} datasets, one process each (NODE_OPTIONS=${oldHeap}, the old ${OLD_LIMIT_PER_DATASET_MB} MiB containers' cap), ${SECONDS} s`);
      console.log(`load average before: ${loads()}`);
      report(await measureTogether(`${separate.length} processes (the stack before), summed`, separate));
      console.log(`load average after: ${loads()}`);
    }

    if (HIGH_RATE > 0) {
      console.log(`\nphase "${HIGH_RATE}/s": one process, every dataset at ${HIGH_RATE}/s, ${SECONDS} s`);
      report(await measure(oneProcess(`one process, every dataset at ${HIGH_RATE}/s`, HIGH_RATE)));
      console.log(`load average after: ${loads()}`);
    }

    if (CONTAINERS) {
      buildAppImage();
      // Inside the container the generator is /app/dist/generators/cli.js and writes its health files where the stack says.
      const inImage: RunSpec = { ...after, args: [script, ...container.command.slice(2)].map((arg) => (arg.startsWith('http://payments-api') ? stub.url : arg)) };
      console.log(`\nphase "container": the generators container for ${SECONDS} s, ${DEFAULT_MEMORY_MB.generator} MiB limit`);
      const r = await measureContainer(inImage, DEFAULT_MEMORY_MB.generator);
      console.log(
        `  cgroup peak ${mib(r.maxUsageMiB)} MiB (RSS + cache), peak RSS ${mib(r.peakRssMiB)} MiB, steady RSS ${mib(r.steadyRssMiB)} MiB, OOM-killed ${r.oomKilled}, exit ${r.exitCode}`,
      );
    }

    console.log(`\nlimit in the stack: ${DEFAULT_MEMORY_MB.generator} MiB for the generators container (config/defaults.ts), ${env.NODE_OPTIONS}`);
    console.log(`| run | peak RSS (VmHWM) MiB | steady RSS (median, 2nd half) MiB | CPU s in ${SECONDS} s | steady CPU, % of one core | exit |`);
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of results) console.log(`| ${r.spec.label} | ${mib(r.peakMiB)} | ${mib(r.steadyMiB)} | ${r.cpuSeconds.toFixed(1)} | ${r.steadyCpuPercent.toFixed(1)} | ${r.exitCode} |`);
  } finally {
    stub.server.close();
    await mariadb?.stop();
    await kafka.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench:generator-memory failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
