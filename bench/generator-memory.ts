/**
 * `npm run bench:generator-memory`: resident memory (RSS) of every generator container's process,
 * run as the stack runs it, producing to real services on 127.0.0.1 for BENCH_SECONDS (60) each.
 *
 * Each run is the command and environment of a generator container the default stack synthesizes
 * (node dist/generators/cli.js <dataset> --rate ... --health-file ... and the pipeline's flags such
 * as --burst; NODE_OPTIONS=--max-old-space-size as set in platform/app.ts), executed with the
 * compiled JavaScript the app image runs (`tsc -p tsconfig.build.json`, into dist/), against:
 * a real Kafka 3.9.1 broker (KRaft, integration/support/kafka.ts) with the dataset's topics, a real
 * MariaDB with the stack's init SQL (moodle_logs), and for payments (which the stack sends through
 * the payments API, --via-api) a stub HTTP server on 127.0.0.1 that answers 200 like the API.
 *
 * Phases:
 *   stack rates   every generator at once, as deployed (5/s each; server_logs and bank_transactions
 *                 with --burst), plus those two again with SIGUSR1 every 10 s (a new error storm /
 *                 fraud spree each time);
 *   high rate     one generator at a time at BENCH_HIGH_RATE (default 1000/s; 0 skips the phase),
 *                 to show how much the footprint grows with the rate a user may configure.
 *   containers    every generator at once at the stack's rates again, now as a container with the
 *                 synthesized memory limit (no swap), from the app image built from the project's
 *                 Dockerfile on lab-local/node (scripts/local-images/build.sh node), on the host
 *                 network so that it reaches the same services; BENCH_CONTAINERS=0 skips it.
 * Per process, /proc/<pid>/status is read every 250 ms: peak = VmHWM at the end (the kernel's
 * high-water mark, startup included), steady = median VmRSS over the second half of the run.
 * Per container, the Docker stats API every second: the cgroup's peak charge (max_usage: RSS and
 * page cache), peak RSS (total_rss), and whether the kernel OOM-killed it.
 * At the end each generator gets SIGTERM; its exit code and summary line are printed.
 * Prints figures; asserts nothing.
 *
 * Settings (environment): BENCH_SECONDS (60), BENCH_HIGH_RATE (1000), BENCH_DATASETS (all),
 * BENCH_CONTAINERS (1).
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
import { datasetTopicNames } from '../generators/schema';
import { DATASET_NAMES, type DatasetName } from '../pipelines/datasets';
import { startKafka } from '../integration/support/kafka';
import { startMariaDb } from '../integration/support/mariadb';
import { containerState, dockerApi, removeContainer } from './docker-engine';
import { envRecord, synthesizedContainers } from './synthesized';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const HIGH_RATE = Number(process.env.BENCH_HIGH_RATE ?? 1000);
const ROOT = join(__dirname, '..');
const CONTAINERS = process.env.BENCH_CONTAINERS !== '0';
const APP_IMAGE = 'lab-bench/app:local';
const SAMPLE_MS = 250;
const TRIGGER_EVERY_MS = 10_000;

interface RunSpec {
  readonly label: string;
  readonly dataset: DatasetName;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Send SIGUSR1 every 10 s (a new burst). */
  readonly triggerBursts: boolean;
}

interface RunResult {
  readonly spec: RunSpec;
  readonly peakMiB: number;
  readonly steadyMiB: number;
  readonly maxSampledMiB: number;
  readonly exitCode: number | null;
  readonly summary: string;
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

/** Runs one generator for SECONDS, sampling its memory; then SIGTERM and wait for its exit. */
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
  const started = Date.now();
  const sampler = setInterval(() => {
    const status = procStatus(pid);
    if (!status) return;
    samples.push({ at: Date.now() - started, rssKb: status.rssKb });
    hwmKb = Math.max(hwmKb, status.hwmKb);
  }, SAMPLE_MS);
  const trigger = spec.triggerBursts ? setInterval(() => child.kill('SIGUSR1'), TRIGGER_EVERY_MS) : undefined;
  await Promise.race([new Promise((resolve) => setTimeout(resolve, SECONDS * 1000)), exited]);
  clearInterval(trigger);
  clearInterval(sampler);
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exitCode = await exited;
  clearTimeout(killer);
  const steady = samples.filter((s) => s.at >= (SECONDS * 1000) / 2).map((s) => s.rssKb);
  const lines = stderr.trim().split('\n');
  return {
    spec,
    peakMiB: hwmKb / 1024,
    steadyMiB: median(steady) / 1024,
    maxSampledMiB: Math.max(...samples.map((s) => s.rssKb)) / 1024,
    exitCode,
    summary: lines.filter((line) => /\] (done|FAILED)|NOT DELIVERED|heap out of memory|cannot start|unexpected error/.test(line)).slice(-2).join(' | ') || (lines.at(-1) ?? ''),
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

/** Runs one generator as its container (memory limit, no swap), samples the cgroup, then stops it (SIGTERM, 30 s grace). */
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
    const trigger = spec.triggerBursts ? setInterval(() => void dockerApi('POST', `/containers/${created.Id}/kill?signal=SIGUSR1`).catch(() => undefined), TRIGGER_EVERY_MS) : undefined;
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

async function main(): Promise<void> {
  const datasets = (process.env.BENCH_DATASETS ?? DATASET_NAMES.join(',')).split(',').map((n) => n.trim()) as DatasetName[];
  for (const name of datasets) if (!DATASET_NAMES.includes(name)) throw new Error(`BENCH_DATASETS item '${name}' is not a dataset: ${DATASET_NAMES.join(', ')}`);

  console.log(`bench:generator-memory on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  console.log('compiling the generators as the app image does: tsc -p tsconfig.build.json (into dist/)');
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('tsc -p tsconfig.build.json failed (output above)');

  const containers = synthesizedContainers();
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

    /** The synthesized container's command and env, pointed at this machine's services. */
    const specFor = (dataset: DatasetName, rate: number | undefined, label: string, triggerBursts = false): RunSpec => {
      const container = containers[`generator-${dataset.replace(/_/g, '-')}`];
      if (!container?.command) throw new Error(`the default stack has no generator container for ${dataset}`);
      const [node, ...args] = container.command;
      if (node !== 'node') throw new Error(`generator-${dataset} runs '${node}', not node`);
      const adapted = args.map((arg, i) => {
        const option = args[i - 1];
        if (option === '--health-file') return join(healthDir, `${label.replace(/\W+/g, '-')}`);
        if (option === '--via-api') return stub.url;
        if (option === '--rate' && rate !== undefined) return String(rate);
        return arg;
      });
      const env = envRecord(container.env);
      return {
        label,
        dataset,
        args: adapted,
        env: {
          NODE_OPTIONS: env.NODE_OPTIONS ?? '',
          KAFKA_BROKERS: kafka.bootstrap,
          ...(env.MOODLE_DB_URL && mariadb ? { MOODLE_DB_URL: mariadb.url } : {}),
        },
        triggerBursts,
      };
    };

    const results: Array<{ phase: string; result: RunResult }> = [];
    const report = (phase: string, result: RunResult): void => {
      results.push({ phase, result });
      console.log(`  ${result.spec.label}: peak ${mib(result.peakMiB)} MiB, steady ${mib(result.steadyMiB)} MiB, exit ${result.exitCode}; ${result.summary}`);
    };

    const stackRuns = datasets.map((dataset) => specFor(dataset, undefined, dataset));
    const burstRuns = datasets
      .filter((dataset) => datasetModule(dataset).flags.some((flag) => flag.name === 'burst'))
      .map((dataset) => specFor(dataset, undefined, `${dataset} + SIGUSR1 every 10 s`, true));
    const sample = stackRuns[0];
    console.log(`\nphase "stack rates": ${stackRuns.length + burstRuns.length} generators at once for ${SECONDS} s; e.g. node ${sample.args.join(' ')} (NODE_OPTIONS=${sample.env.NODE_OPTIONS})`);
    console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    for (const result of await Promise.all([...stackRuns, ...burstRuns].map(measure))) report('stack rates', result);

    if (HIGH_RATE > 0) {
      console.log(`\nphase "${HIGH_RATE}/s": one generator at a time for ${SECONDS} s each`);
      for (const dataset of datasets) report(`${HIGH_RATE}/s`, await measure(specFor(dataset, HIGH_RATE, `${dataset} at ${HIGH_RATE}/s`)));
    }
    const containerResults: ContainerResult[] = [];
    if (CONTAINERS) {
      buildAppImage();
      // Inside the container the generator is /app/dist/generators/cli.js, as the stack runs it.
      const inImage = (spec: RunSpec): RunSpec => ({ ...spec, args: spec.args.map((arg) => (arg.startsWith(healthDir) ? '/tmp/generator-healthy' : arg)) });
      console.log(`\nphase "containers": ${stackRuns.length + burstRuns.length} generator containers at once for ${SECONDS} s, ${DEFAULT_MEMORY_MB.generator} MiB limit each`);
      const runs = [...stackRuns, ...burstRuns].map((spec) => measureContainer(inImage(spec), DEFAULT_MEMORY_MB.generator));
      for (const result of await Promise.all(runs)) {
        containerResults.push(result);
        console.log(
          `  ${result.spec.label}: cgroup peak ${mib(result.maxUsageMiB)} MiB (RSS + cache), peak RSS ${mib(result.peakRssMiB)} MiB, steady RSS ${mib(result.steadyRssMiB)} MiB, OOM-killed ${result.oomKilled}, exit ${result.exitCode}`,
        );
      }
    }
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    console.log(`\nlimit in the stack: ${DEFAULT_MEMORY_MB.generator} MiB per generator (config/defaults.ts), ${sample.env.NODE_OPTIONS}`);
    console.log('| phase | generator | args | peak RSS (VmHWM) MiB | steady RSS (median, 2nd half) MiB | max sampled RSS MiB | exit |');
    console.log('|---|---|---|---:|---:|---:|---:|');
    for (const { phase, result } of results) {
      const args = result.spec.args.slice(2).filter((arg, i, all) => arg !== '--health-file' && all[i - 1] !== '--health-file').join(' ');
      console.log(`| ${phase} | ${result.spec.label} | \`${args}\` | ${mib(result.peakMiB)} | ${mib(result.steadyMiB)} | ${mib(result.maxSampledMiB)} | ${result.exitCode} |`);
    }
    if (containerResults.length > 0) {
      console.log('\n| container (stack rates) | limit MiB | cgroup peak (RSS + page cache) MiB | peak RSS MiB | steady RSS MiB | OOM-killed | exit |');
      console.log('|---|---:|---:|---:|---:|---|---:|');
      for (const r of containerResults) {
        console.log(`| ${r.spec.label} | ${r.limitMiB} | ${mib(r.maxUsageMiB)} | ${mib(r.peakRssMiB)} | ${mib(r.steadyRssMiB)} | ${r.oomKilled ? 'YES' : 'no'} | ${r.exitCode} |`);
      }
    }
    const peaks = results.map((r) => r.result.peakMiB);
    const stackPeaks = results.filter((r) => r.phase === 'stack rates').map((r) => r.result.peakMiB);
    console.log(`\nhighest peak: ${mib(Math.max(...stackPeaks))} MiB at the stack's rates, ${mib(Math.max(...peaks))} MiB over all runs`);
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
