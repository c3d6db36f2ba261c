/**
 * `npm run bench:kafka-healthcheck`: idle CPU of the stack's Kafka broker container with each
 * health check: none (the broker alone), the JVM tool the stack used before
 * (kafka-broker-api-versions.sh every 10 s) and the bash ApiVersions probe it uses now.
 *
 * The container is the one the stack synthesizes: this script synthesizes the default stack,
 * takes docker_container.kafka-1 (environment, memory limit, health check test, interval, timeout,
 * retries, start period, hostname) and creates it through the Docker Engine API exactly so (the
 * exec-form health check ['CMD', 'bash', '-c', ...] included, which `docker run --health-cmd`
 * cannot express), on its own bridge network, with the image lab-local/kafka:3.9.1
 * (scripts/local-images/build.sh; no registry here). The Terraform reference in CLUSTER_ID is
 * replaced by a fresh id; the host port is not published (nothing connects during the run).
 *
 * Per variant: start, wait until the broker answers (healthy), let it settle, then sample
 * `docker stats` (CPU %, one line a second) for BENCH_SECONDS (default 60) and read the cgroup's
 * total CPU time at both ends. Prints figures; asserts nothing.
 *
 * Settings (environment): BENCH_SECONDS (60), BENCH_SETTLE_SECONDS (30), BENCH_KAFKA_IMAGE
 * (lab-local/kafka:3.9.1), BENCH_VARIANTS (none,jvm-tool,bash-probe).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { INTERNAL_PORT } from '../platform/kafka';
import { apiVersionsProbeScript } from '../platform/kafka-healthcheck';
import { type SynthesizedContainer, synthesizedContainers } from './synthesized';
import { containerCpuNanos, containerState, dockerApi, durationNanos, ensureNetwork, removeContainer, removeNetwork } from './docker-engine';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_SECONDS ?? 30);
const IMAGE = process.env.BENCH_KAFKA_IMAGE ?? 'lab-local/kafka:3.9.1';
const NETWORK = 'lab-bench-healthcheck';
const CONTAINER = 'lab-bench-healthcheck-kafka';
const ROOT = join(__dirname, '..');

/** The health check platform/kafka.ts synthesized until the bash probe replaced it (commit "Kafka health check: ..."). */
const JVM_TOOL_TEST = ['CMD-SHELL', `KAFKA_HEAP_OPTS=-Xmx64m /opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:${INTERNAL_PORT} > /dev/null 2>&1`];

type VariantName = 'none' | 'jvm-tool' | 'bash-probe';
interface Variant {
  readonly name: VariantName;
  readonly label: string;
  /** undefined = the synthesized test; ['NONE'] = no health check. */
  readonly test?: readonly string[];
}

const VARIANTS: readonly Variant[] = [
  { name: 'none', label: 'no health check (the broker alone)', test: ['NONE'] },
  { name: 'jvm-tool', label: 'before: kafka-broker-api-versions.sh (a JVM) every 10 s', test: JVM_TOOL_TEST },
  { name: 'bash-probe', label: 'after: bash /dev/tcp ApiVersions probe every 10 s (as synthesized)' },
];

function selectedVariants(): Variant[] {
  const names = (process.env.BENCH_VARIANTS ?? VARIANTS.map((v) => v.name).join(',')).split(',').map((n) => n.trim());
  return names.map((name) => {
    const variant = VARIANTS.find((v) => v.name === name);
    if (!variant) throw new Error(`BENCH_VARIANTS item '${name}' is not one of ${VARIANTS.map((v) => v.name).join(', ')}`);
    return variant;
  });
}

/** docker_container.kafka-1 of the default stack, with the Kafka image this machine has. */
function synthesizedBroker(): SynthesizedContainer {
  const containers = synthesizedContainers({ kafka: IMAGE });
  const broker = containers['kafka-1'];
  if (!broker) throw new Error(`the default stack has no docker_container.kafka-1; containers: ${Object.keys(containers).join(', ')}`);
  return broker;
}

/** Terraform resolves ${random_id...} at apply; here CLUSTER_ID gets a fresh id of the same form. */
function resolvedEnv(env: readonly string[] = []): string[] {
  return env.map((entry) => {
    if (!entry.includes('${')) return entry;
    if (entry.startsWith('CLUSTER_ID=')) return `CLUSTER_ID=${randomBytes(16).toString('base64url')}`;
    throw new Error(`environment entry '${entry}' holds a Terraform reference this benchmark cannot resolve`);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function dockerLogsTail(): string {
  const result = spawnSync('docker', ['logs', '--tail', '30', CONTAINER], { encoding: 'utf8' });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

/** Until the broker answers ApiVersions on its INTERNAL listener (the probe run by docker exec, for the variant without a health check too). */
async function waitForBroker(timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  const probe = apiVersionsProbeScript({ host: '127.0.0.1', port: INTERNAL_PORT });
  while (Date.now() - started < timeoutMs) {
    const state = await containerState(CONTAINER);
    if (!state.Running) throw new Error(`the broker container stopped (${state.Status}, exit ${state.ExitCode}):\n${dockerLogsTail()}`);
    if (spawnSync('docker', ['exec', CONTAINER, 'bash', '-c', probe], { stdio: 'ignore' }).status === 0) return (Date.now() - started) / 1000;
    await sleep(1000);
  }
  throw new Error(`the broker did not answer within ${timeoutMs / 1000} s:\n${dockerLogsTail()}`);
}

/** `docker stats` CPU % samples (the CLI redraws about twice a second, each from the engine's latest 1 s sample) for `seconds`. */
function dockerStatsSamples(seconds: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['stats', '--format', '{{.CPUPerc}}', CONTAINER], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    // The docker 28 CLI's stats ignores SIGTERM and SIGINT when its output is not a terminal.
    const timer = setTimeout(() => child.kill('SIGKILL'), seconds * 1000);
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      // The CLI redraws the screen: samples are the "12.34%" tokens between escape sequences.
      const samples = [...text.matchAll(/(\d+(?:\.\d+)?)%/g)].map((m) => Number(m[1]));
      // The first line is computed against a zero previous sample by older engines: drop it.
      if (samples.length < 2) reject(new Error(`docker stats gave ${samples.length} samples in ${seconds} s: ${errors.trim()}`));
      else resolve(samples.slice(1));
    });
  });
}

interface Figures {
  readonly variant: Variant;
  readonly startSeconds: number;
  readonly statsMean: number;
  readonly statsMedian: number;
  readonly statsMax: number;
  readonly samples: number;
  readonly cgroupPercent: number;
  readonly checks: number;
  readonly checkMs?: number;
}

async function runVariant(variant: Variant, broker: SynthesizedContainer): Promise<Figures> {
  const hc = broker.healthcheck;
  await removeContainer(CONTAINER);
  const created = await dockerApi<{ Id: string }>('POST', `/containers/create?name=${CONTAINER}`, {
    Image: IMAGE,
    Hostname: broker.hostname,
    Env: resolvedEnv(broker.env),
    Healthcheck: {
      Test: variant.test ?? hc.test,
      Interval: durationNanos(hc.interval),
      Timeout: durationNanos(hc.timeout),
      Retries: hc.retries,
      StartPeriod: durationNanos(hc.start_period),
    },
    HostConfig: { Memory: broker.memory * 2 ** 20, MemorySwap: broker.memory_swap * 2 ** 20, NetworkMode: NETWORK },
    NetworkingConfig: { EndpointsConfig: { [NETWORK]: { Aliases: [broker.hostname] } } },
  });
  if (!created) throw new Error('container create returned no id');
  try {
    await dockerApi('POST', `/containers/${created.Id}/start`);
    const startSeconds = await waitForBroker();
    await sleep(SETTLE_SECONDS * 1000);
    const before = await containerCpuNanos(created.Id);
    const t0 = process.hrtime.bigint();
    const samples = await dockerStatsSamples(SECONDS);
    const after = await containerCpuNanos(created.Id);
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    const state = await containerState(created.Id);
    if (variant.name !== 'none' && state.Health?.Status !== 'healthy') {
      throw new Error(`health status '${state.Health?.Status}' after the run; last check: ${JSON.stringify(state.Health?.Log.at(-1))}`);
    }
    const log = state.Health?.Log ?? [];
    const durations = log.map((entry) => Date.parse(entry.End) - Date.parse(entry.Start)).filter((ms) => Number.isFinite(ms));
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      variant,
      startSeconds,
      statsMean: samples.reduce((a, b) => a + b, 0) / samples.length,
      statsMedian: sorted[Math.floor(sorted.length / 2)],
      statsMax: sorted[sorted.length - 1],
      samples: samples.length,
      cgroupPercent: ((after - before) / 1e9 / elapsed) * 100,
      checks: durations.length,
      checkMs: durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : undefined,
    };
  } finally {
    await removeContainer(created.Id);
  }
}

async function main(): Promise<void> {
  const build = spawnSync('bash', [join(ROOT, 'scripts', 'local-images', 'build.sh'), 'kafka'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('scripts/local-images/build.sh kafka failed (output above)');
  const broker = synthesizedBroker();
  const variants = selectedVariants();
  console.log(`bench:kafka-healthcheck on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; image ${IMAGE}; memory ${broker.memory} MiB;`);
  console.log(`health check interval ${broker.healthcheck.interval}, timeout ${broker.healthcheck.timeout}; settle ${SETTLE_SECONDS} s, sample ${SECONDS} s per variant`);
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await ensureNetwork(NETWORK);
  const rows: Figures[] = [];
  try {
    for (const variant of variants) {
      console.log(`- ${variant.label}: starting`);
      const figures = await runVariant(variant, broker);
      console.log(
        `  answered after ${figures.startSeconds.toFixed(0)} s; docker stats mean ${figures.statsMean.toFixed(2)}% (median ${figures.statsMedian.toFixed(2)}%, max ${figures.statsMax.toFixed(2)}%, ${figures.samples} samples); cgroup CPU ${figures.cgroupPercent.toFixed(2)}% of one core`,
      );
      rows.push(figures);
    }
  } finally {
    await removeNetwork(NETWORK);
  }
  console.log('');
  console.log('| health check | docker stats CPU mean | median | max sample | cgroup CPU time / wall time | mean duration of the last checks |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const duration = row.checkMs === undefined ? '-' : `${row.checkMs.toFixed(0)} ms`;
    console.log(
      `| ${row.variant.label} | ${row.statsMean.toFixed(2)}% | ${row.statsMedian.toFixed(2)}% | ${row.statsMax.toFixed(2)}% | ${row.cgroupPercent.toFixed(2)}% | ${duration} (${row.checks}) |`,
    );
  }
  console.log('(CPU % of one core, as docker stats reports it; the health check processes run in the container cgroup and count in it)');
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench:kafka-healthcheck failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
