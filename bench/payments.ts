/**
 * `npm run bench:payments`: requests/s and latency of the payments API at acks=all against a real
 * local Kafka broker (KRaft, 127.0.0.1) and a real Schema Registry (Confluent's, 7.9.9 built from public source), side
 * by side with a bare node:http server that answers 200 on the same machine, with the same load
 * tool and settings; then consumes the three topics and checks that every acknowledged payment is
 * there (count consumed = count acknowledged). Prints figures; asserts nothing except that it ran.
 *
 * Settings (environment): BENCH_SECONDS (default 15 per run), BENCH_CONNECTIONS (default 128),
 * BENCH_RATE (fixed-rate runs, default 5000 requests/s), BENCH_API_NODE_FLAGS (node flags of the API).
 * BENCH_VS=<git revision>: A/B, this build (A) against that revision's payments API (B, a
 * temporary git worktree), BENCH_PAIRS pairs (default 3) of whole runs in alternating order, each
 * run with its own bare server run beside it, and a table of the ratios pair by pair.
 * BENCH_PROFILE_DIR=<dir>: CPU profiles of the API (node --cpu-prof), split by run and summarized.
 * BENCH_GC=1: the API runs with --trace-gc, and each run reports how long its collections stopped it.
 * Each run also reports the server's CPU time per request (from /proc), which a busy machine
 * moves far less than requests/s.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { startKafka } from '../integration/support/kafka';
import { freePort, waitUntil } from '../integration/support/ports';
import { startSchemaRegistry } from '../integration/support/registry';
import { endpointsOf } from '../payments/endpoints';
import { formatLoadResult, runLoad, type LoadOptions } from '../payments/load';
import { paymentBodies } from '../payments/loadtest';
import { readCpuProfile } from './cpu-profile';
import { formatGcSummary, parseGcLine, summarizeGc, type GcPause } from './gc-trace';
import { formatWindowSummary, summarizeWindow } from './profile-windows';
import { checkoutRevision, formatPairTable, formatRunTable, type BenchRow, type Build, type BuildRun, type Pair } from './payments-ab';
import { machineCpuMs, mainThreadCpuMs, processCpuMs } from './process-cpu';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 128);
const RATE = Number(process.env.BENCH_RATE ?? 5000);
const ROOT = join(__dirname, '..');
/** The require hook that transpiles TypeScript per file content (scripts/ts-cache.js), by absolute path. */
const TS_CACHE_HOOK = join(ROOT, 'scripts', 'ts-cache.js');
/** Extra node flags for the payments API process, e.g. BENCH_API_NODE_FLAGS=--max-semi-space-size=32. */
const API_NODE_FLAGS = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
/** A git revision to run against this build, A/B, alternating (e.g. BENCH_VS=main or BENCH_VS=98a08ff). */
const VS = process.env.BENCH_VS === undefined || process.env.BENCH_VS === '' ? undefined : process.env.BENCH_VS;
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
/** A directory for CPU profiles of the API (node --cpu-prof), summarized per run at the end. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR === undefined || process.env.BENCH_PROFILE_DIR === '' ? undefined : resolve(process.env.BENCH_PROFILE_DIR);
/** Whether the API traces its garbage collections (--trace-gc on its stdout), summarized per run. */
const TRACE_GC = process.env.BENCH_GC === '1';

const BARE_SERVER = `
const http = require('node:http');
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 }); res.end('{"ok":true}'); });
}).listen(Number(process.argv[1]), '127.0.0.1');
`;

/** Servers still running; killed if the benchmark exits early (one exit listener for all of them). */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function spawnNode(cwd: string, args: string[], stdout: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', stdout, 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function waitForHttp(url: string): Promise<void> {
  await waitUntil(async () => (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok, { what: url, timeoutMs: 60_000 });
}

async function countTopics(bootstrap: string, topics: readonly string[]): Promise<Map<string, number>> {
  const kafka = new Kafka({ clientId: 'bench-count', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends.set(topic, offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0));
  }
  await admin.disconnect();
  const keys = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `bench-count-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed ${seen} of ${total} records within 120 s`)), 120_000);
    if (total === 0) {
      clearTimeout(timer);
      resolve();
    }
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const key = message.key?.toString() ?? '';
            keys.set(key, (keys.get(key) ?? 0) + 1);
          }
          seen += batch.messages.length;
          if (seen >= total) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return keys;
}

/** CPU milliseconds between two readings, or undefined if either could not be taken. */
const msBetween = (before: number | undefined, after: number | undefined): number | undefined => (before === undefined || after === undefined ? undefined : after - before);

/** Monotonic microseconds, the clock of V8's CPU profiles (any process on this machine). */
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

interface Services {
  readonly bootstrap: string;
  readonly registryUrl: string;
  readonly paths: readonly string[];
}

interface ProfiledRow extends BenchRow {
  readonly fromUs: number;
  readonly toUs: number;
}

/**
 * One build's runs: its payments API and a bare server started afresh, warm-up, each endpoint at
 * max rate, then the fixed rate; the API stopped with SIGTERM (exit code kept for the verdict).
 */
async function runBuild(build: Build, services: Services, acknowledged: Set<string>, profileDir: string | undefined): Promise<{ run: BuildRun; apiExit: number | null }> {
  const loadBefore = loadavg();
  const [apiPort, barePort] = [await freePort(), await freePort()];
  const profileFlags = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const spawnedUs = nowUs();
  const api = spawnNode(build.root, [
    ...API_NODE_FLAGS,
    ...profileFlags,
    ...(TRACE_GC ? ['--trace-gc'] : []),
    // The API as the app image runs it (compiled JavaScript, no ts-node): this build's transpile
    // cache, also for a B revision that predates it. ts-node's register loads node:domain, which
    // then runs in every EventEmitter constructor (about 2% of the API's busy time at max rate).
    '--require',
    TS_CACHE_HOOK,
    'payments/server.ts',
    '--host',
    '127.0.0.1',
    '--port',
    String(apiPort),
    '--brokers',
    services.bootstrap,
    '--schema-registry-url',
    services.registryUrl,
  ], TRACE_GC ? 'pipe' : 'ignore');
  const gcPauses = TRACE_GC ? collectGcPauses(api) : [];
  const bare = spawnNode(ROOT, ['-e', BARE_SERVER, String(barePort)]);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;
  await waitForHttp(`${apiUrl}/healthz`);
  await waitForHttp(bareUrl);

  const load = async (key: string, label: string, options: Partial<LoadOptions> & Pick<LoadOptions, 'url' | 'paths'>, pid: number | undefined): Promise<ProfiledRow> => {
    const collect = options.url === apiUrl;
    const [fromUs, cpuBefore, mainBefore, toolBefore, machineBefore] = [nowUs(), processCpuMs(pid), mainThreadCpuMs(pid), process.cpuUsage(), machineCpuMs()];
    const result = await runLoad(
      { method: 'POST', body: paymentBodies(), rate: 0, durationSeconds: SECONDS, connections: CONNECTIONS, maxRequests: 50_000_000, timeoutMs: 10_000, ...options },
      collect,
    );
    const [toUs, cpuAfter, mainAfter, toolUsed, machineAfter] = [nowUs(), processCpuMs(pid), mainThreadCpuMs(pid), process.cpuUsage(toolBefore), machineCpuMs()];
    for (const id of result.acknowledgedIds ?? []) acknowledged.add(id);
    console.log(formatLoadResult(`${build.name}: ${label}`, result));
    // CPU figures per request (µs) and per second of the run (cores); undefined where /proc is not there.
    const elapsedMs = (toUs - fromUs) / 1000;
    const usPerRequest = (ms: number | undefined): number | undefined => (ms === undefined || result.requests === 0 ? undefined : (ms * 1000) / result.requests);
    const perSecond = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / elapsedMs);
    const cpuUsPerRequest = usPerRequest(msBetween(cpuBefore, cpuAfter));
    const loadToolCpuUsPerRequest = usPerRequest((toolUsed.user + toolUsed.system) / 1000);
    const machineBusyCores = perSecond(msBetween(machineBefore?.busyMs, machineAfter?.busyMs));
    const serverMainThreadBusy = perSecond(msBetween(mainBefore, mainAfter));
    return { key, label, result, cpuUsPerRequest, serverMainThreadBusy, loadToolCpuUsPerRequest, machineBusyCores, fromUs, toUs };
  };

  // Warm-up: JIT, connections, the registry's ids cached; these payments count for the loss check too.
  await load('warm-up', 'warm-up payments API (5 s, not reported)', { url: apiUrl, paths: services.paths, durationSeconds: 5 }, api.pid);
  await load('warm-up', 'warm-up bare server (3 s, not reported)', { url: bareUrl, paths: ['/'], durationSeconds: 3 }, bare.pid);

  const rows: ProfiledRow[] = [];
  rows.push(await load('bare max', 'bare node:http 200, max rate', { url: bareUrl, paths: ['/'] }, bare.pid));
  for (const path of services.paths) {
    rows.push(await load(`${formatOf(path)} max`, `payments API POST ${path}, max rate`, { url: apiUrl, paths: [path] }, api.pid));
  }
  rows.push(await load('bare rate', `bare node:http 200 at ${RATE}/s`, { url: bareUrl, paths: ['/'], rate: RATE }, bare.pid));
  rows.push(await load('api rate', `payments API POST all three formats at ${RATE}/s`, { url: apiUrl, paths: services.paths, rate: RATE }, api.pid));

  api.kill('SIGTERM');
  const apiExit = await new Promise<number | null>((resolve) => api.once('exit', (code) => resolve(code)));
  bare.kill('SIGTERM');
  // The profile and the GC trace are the API's: its runs, not the bare server's.
  const apiRows = rows.filter((r) => !r.key.startsWith('bare'));
  if (profileDir !== undefined) printProfile(build, api.pid, profileDir, apiRows);
  // After the exit: a piped stdout is block-buffered, the last lines come with it.
  if (TRACE_GC) printGc(build, gcPauses, spawnedUs, apiRows);
  return { run: { build, rows, loadBefore, loadAfter: loadavg() }, apiExit };
}

/** The API's CPU profile split into the runs: where each run's time went, by file and function. */
function printProfile(build: Build, pid: number | undefined, dir: string, apiRows: readonly ProfiledRow[]): void {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile') && name.includes(`.${pid}.`));
  if (file === undefined) {
    console.log(`${build.name}: no CPU profile of process ${pid} in ${dir} (did the API exit normally?)`);
    return;
  }
  const profile = readCpuProfile(join(dir, file));
  console.log(`\n${build.name}: CPU profile ${join(dir, file)}`);
  for (const row of apiRows) {
    const summary = summarizeWindow(profile, row.fromUs, row.toUs, { root: build.root });
    console.log(formatWindowSummary(`${row.label} (${row.result.requests} requests, ${((summary.busyMs * 1000) / Math.max(1, row.result.requests)).toFixed(0)} µs sampled per request)`, summary));
  }
}

/** Every --trace-gc line of the process's stdout, as it arrives. */
function collectGcPauses(child: ChildProcess): GcPause[] {
  const pauses: GcPause[] = [];
  if (child.stdout === null) return pauses;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const pause = parseGcLine(line);
    if (pause !== undefined) pauses.push(pause);
  });
  return pauses;
}

/**
 * Each API run's collections. The trace counts from the isolate's start, taken as the spawn (a few
 * tens of milliseconds early, against runs of seconds).
 */
function printGc(build: Build, pauses: readonly GcPause[], spawnedUs: number, apiRows: readonly ProfiledRow[]): void {
  console.log(`\n${build.name}: garbage collection (--trace-gc, ${pauses.length} collections in all)`);
  for (const row of apiRows) {
    const summary = summarizeGc(pauses, (row.fromUs - spawnedUs) / 1000, (row.toUs - spawnedUs) / 1000);
    console.log(`  ${row.label}: ${formatGcSummary(summary, (row.toUs - row.fromUs) / 1e6)}`);
  }
}

const formatOf = (path: string): string => path.replace(/^\/payment_/, '');

async function main(): Promise<void> {
  console.log(`bench:payments on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  // The machine may be shared: the load average says how much else ran beside the benchmark.
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`runs of ${SECONDS} s, ${CONNECTIONS} keep-alive connections, fixed rate ${RATE}/s where stated; load tool in this process`);
  const thisBuild: Build = { name: VS === undefined ? 'this build' : `A this build (${describeHead()})`, root: ROOT };
  const other = VS === undefined ? undefined : checkoutRevision(ROOT, VS);
  if (other !== undefined) process.on('exit', () => other.remove());
  if (other !== undefined) console.log(`A/B: ${thisBuild.name} against ${other.build.name} (${other.build.root}), ${PAIRS} pairs, alternating`);

  const kafka = await startKafka({ partitions: 3 });
  const registry = await startSchemaRegistry({ kafka: { bootstrap: kafka.bootstrap } });
  const endpoints = endpointsOf();
  const topics = endpoints.map((e) => e.topic);
  const admin = new Kafka({ clientId: 'bench-admin', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
  await admin.disconnect();
  const services: Services = { bootstrap: kafka.bootstrap, registryUrl: registry.url, paths: endpoints.map((e) => e.path) };

  const acknowledged = new Set<string>();
  const exits: (number | null)[] = [];
  const runOnce = async (build: Build, tag: string): Promise<BuildRun> => {
    const { run, apiExit } = await runBuild(build, services, acknowledged, PROFILE_DIR === undefined ? undefined : join(PROFILE_DIR, tag));
    exits.push(apiExit);
    console.log(`\n${formatRunTable(run)}\n`);
    return run;
  };

  const pairs: Pair[] = [];
  if (other === undefined) {
    await runOnce(thisBuild, 'this');
  } else {
    for (let i = 0; i < PAIRS; i++) {
      // Alternate which goes first, so a trend in the machine's load favours neither.
      const first = i % 2 === 0 ? 'A' : 'B';
      const [x, y] = first === 'A' ? [thisBuild, other.build] : [other.build, thisBuild];
      const runX = await runOnce(x, `pair${i + 1}-${first === 'A' ? 'A' : 'B'}`);
      const runY = await runOnce(y, `pair${i + 1}-${first === 'A' ? 'B' : 'A'}`);
      pairs.push(first === 'A' ? { a: runX, b: runY, first } : { a: runY, b: runX, first });
    }
    console.log(`A/B, ${thisBuild.name} (A) against ${other.build.name} (B): ratio of each API run to the bare server run beside it`);
    console.log(formatPairTable(pairs, services.paths.map(formatOf), RATE));
  }

  const consumed = await countTopics(kafka.bootstrap, topics);
  const consumedTotal = [...consumed.values()].reduce((a, b) => a + b, 0);
  const missing = [...acknowledged].filter((id) => !consumed.has(id)).length;
  const duplicates = [...consumed.values()].filter((n) => n > 1).length;
  const unacknowledgedExtra = [...consumed.keys()].filter((id) => !acknowledged.has(id)).length;
  console.log(
    `\nzero-loss check: acknowledged ${acknowledged.size}, consumed ${consumedTotal} records (${consumed.size} distinct ids), ` +
      `acknowledged but not consumed ${missing}, ids consumed more than once ${duplicates}, consumed but never acknowledged ${unacknowledgedExtra}; ` +
      `payments API exit codes after SIGTERM ${exits.join(', ')}`,
  );
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await registry.stop();
  await kafka.stop();
  if (missing > 0 || exits.some((code) => code !== 0)) process.exitCode = 1;
}

function describeHead(): string {
  const head = execFileSync('git', ['-C', ROOT, 'log', '-1', '--format=%h %cs'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
  return dirty ? `${head} + uncommitted changes` : head;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
