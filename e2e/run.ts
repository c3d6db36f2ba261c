/**
 * `npm run e2e`: the product the way a user runs it, then checked. Synthesizes with the real cdktf
 * CLI, applies with Terraform or OpenTofu, checks every pipeline (checks.ts), prints a summary,
 * runs a second plan that must be empty, destroys, and checks that nothing the stack created is
 * left. `--local-images` runs the images this machine builds (scripts/local-images/) instead of
 * the pinned upstream ones, and says service by service which were stand-ins. In authenticated
 * access (`--access authenticated` or the configuration's) every check logs in with the logins and
 * CA of the stack's outputs (lab-access.ts), and an "access" phase shows each published port
 * refusing what comes without a valid login (access-checks.ts).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadConfig } from '../config/load';
import { ACCESS_MODES, type AccessMode, type ImageName, type LabConfig } from '../config/types';
import { mirroredTofu, pinToMirror, type TerraformJson, type TofuToolchain } from '../lib/tofu';
import { STACK_NAME, stackName } from '../stacks/app';
import { containerMemory, MEMORY_BUDGET_MB } from '../stacks/memory-budget';
import { BAD_RECORD, runChecks, type RoundResult } from './checks';
import { expectedDeployment, type ExpectedDeployment } from './expectations';
import { EXTERNAL_TOPIC_PREFIX, startExternalKafka, type ExternalKafka } from './external-kafka';
import { LOCAL_IMAGES } from './local-images';
import { containerHealth, containerLogTail, KafkaProbe } from './probes';
import { failureReport, firstRecordInEveryPipeline, servicesTable, summaryTable, type ServiceKind } from './summary';
import { grafanaLeftover } from './grafana-checks';
import { clearLeftovers, leftovers } from './leftovers';
import { idleStats } from './stats';
import { errorBlocks, runTee, type TeeResult } from './tf-output';
import { notableLines, servicesOfFailedResources } from './service-logs';
import { appliedObjectCount, criticalPathLine, resourceDependencies, resourceSpans, reversed, timelineReport } from './apply-timeline';
import { directStartPlan } from './direct-start-plan';
import { directStartCriticalPath, directStartReport, removeDirectStart, runDirectStart } from './direct-start';
import { isAccessMode, labAccess, parseLabOutputs, synthesizedAccess, type LabAccess, type LabOutputs } from './lab-access';
import { accessTargets, proxyRoutes, publishedPorts } from './access-checks';
import { accessChecks } from './access-probes';

const ROOT = join(__dirname, '..');
/** The folder Terraform runs in for a project's stack (stacks/app.ts stackName). */
const stackDir = (project: string): string => join(ROOT, 'cdktf.out', 'stacks', stackName(project));

export const HELP = `Usage: npm run e2e -- [--access open|authenticated] [--local-images] [--external-kafka] [--keep] [--timeout-min N] [--stats S] [--direct-start]

Deploys the lab of the current configuration (lab.config.json, LAB_* variables),
checks every enabled pipeline, prints a per-pipeline summary, runs a second plan
that must show no changes, destroys, and checks that nothing is left.

  --access MODE    deploy with access open (no logins; loopback only) or
                   authenticated (HTTPS with basic auth through the TLS proxy,
                   SASL_SSL Kafka; the checks log in with the outputs' logins and CA,
                   and an "access" phase shows every published port refusing
                   requests without credentials); default: the configuration's
  --local-images   use the images scripts/local-images/ builds on this machine
                   (real Kafka, ksqlDB, Connect, MariaDB, Node, Schema Registry,
                   OpenSearch 2.19.6 in Elasticsearch's place; stand-ins for
                   Kibana, Grafana, Pinot, Kafka UI and the Elasticsearch sink plugin)
  --external-kafka deploy in kafka.mode=external against a Kafka broker this run
                   starts (Maven Central jars, scripts/setup-integration.sh) that
                   speaks SASL_SSL only (SCRAM-SHA-512, a CA made for the run, ACLs
                   enforced), with topic prefix "${EXTERNAL_TOPIC_PREFIX}" and managed ACLs
  --keep           leave the lab running after the checks (no second plan, no destroy)
  --timeout-min N  how long the checks may take to pass after the deploy (default 15)
  --stats S        after the checks, sample docker stats for S seconds and print
                   each container's mean CPU and memory (the figures of BENCHMARKS.md)
  --direct-start   before the deploy, start the same containers directly through
                   the Docker API in dependency order (images built first, no
                   Terraform, no appliers) until all are healthy, remove them, and
                   print the apply time / direct start ratio (local Kafka only)

Uses OpenTofu from .cache/terraform (scripts/setup-terraform.sh) when present,
else TERRAFORM_BINARY_NAME or terraform. The project name defaults to "e2e", with
its own stack and Terraform state (terraform.analytics-lab-e2e.tfstate), so a lab of your own
("lab") is not touched. Exit status 0 only if every step passed.`;

export interface Options {
  /** The access mode to deploy with (LAB_ACCESS); undefined: the configuration's. */
  readonly access?: AccessMode;
  readonly localImages: boolean;
  /** Deploy against a secured broker started for the run (external-kafka.ts). */
  readonly externalKafka: boolean;
  readonly keep: boolean;
  readonly timeoutMin: number;
  /** Seconds of `docker stats` sampling after the checks; 0 skips it. */
  readonly statsSeconds: number;
  /** Measure the direct-start reference before the deploy (direct-start.ts). */
  readonly directStart: boolean;
}

export function parseArgs(argv: readonly string[]): Options | 'help' {
  let localImages = false;
  let externalKafka = false;
  let keep = false;
  let timeoutMin = 15;
  let statsSeconds = 0;
  let directStart = false;
  let access: AccessMode | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--local-images') localImages = true;
    else if (arg === '--external-kafka') externalKafka = true;
    else if (arg === '--keep') keep = true;
    else if (arg === '--direct-start') directStart = true;
    else if (arg === '--access') {
      const value = argv[++i];
      if (!isAccessMode(value)) throw new Error(`--access takes ${ACCESS_MODES.join(' or ')} (got ${value ?? 'nothing'})`);
      access = value;
    } else if (arg === '--timeout-min') {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value <= 0) throw new Error(`--timeout-min takes a positive number of minutes (got ${argv[i] ?? 'nothing'})`);
      timeoutMin = value;
    } else if (arg === '--stats') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 10) throw new Error(`--stats takes a whole number of seconds, at least 10 (got ${argv[i] ?? 'nothing'})`);
      statsSeconds = value;
    } else throw new Error(`unknown argument ${arg}; see npm run e2e -- --help`);
  }
  // The broker of --external-kafka lives as long as this process: a kept lab would lose its cluster.
  if (externalKafka && keep) throw new Error('--keep cannot be combined with --external-kafka: the secured broker stops when the rehearsal ends');
  return { localImages, externalKafka, keep, timeoutMin, statsSeconds, directStart, ...(access ? { access } : {}) };
}

/**
 * The environment the deploy runs with: the user's, the e2e project name, the access mode and local
 * images if asked, and `cluster`: the settings and credentials of the external cluster of --external-kafka.
 */
export function deployEnv(base: NodeJS.ProcessEnv, options: Options, cluster: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...cluster, LAB_PROJECT: base.LAB_PROJECT ?? 'e2e', CHECKPOINT_DISABLE: '1' };
  if (options.access) env.LAB_ACCESS = options.access;
  if (options.localImages) {
    for (const [name, local] of Object.entries(LOCAL_IMAGES)) env[`LAB_IMAGE_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`] = local.image;
  }
  return env;
}

class Phases {
  private readonly started = Date.now();
  readonly times: Array<[string, number]> = [];

  run<T>(name: string, body: () => T): T {
    const t0 = Date.now();
    process.stdout.write(`\n== ${name}\n`);
    try {
      return body();
    } finally {
      this.times.push([name, (Date.now() - t0) / 1000]);
      process.stdout.write(`== ${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  }

  async runAsync<T>(name: string, body: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    process.stdout.write(`\n== ${name}\n`);
    try {
      return await body();
    } finally {
      this.times.push([name, (Date.now() - t0) / 1000]);
      process.stdout.write(`== ${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  }

  private deployStarted: number | undefined;

  /** From here on, elapsed() counts from the apply's start, not the run's (the direct start comes before it). */
  markDeployStart(): void {
    this.deployStarted = Date.now();
  }

  elapsed(): number {
    return (Date.now() - (this.deployStarted ?? this.started)) / 1000;
  }
}

function sh(program: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd = ROOT): SpawnSyncReturns<Buffer> {
  return spawnSync(program, [...args], { cwd, env, stdio: 'inherit' });
}

function must(r: SpawnSyncReturns<Buffer>, what: string): void {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal}); its output above says why`);
}

/** The Terraform CLI and its environment: the offline OpenTofu mirror when this machine has one. */
function terraformCli(env: NodeJS.ProcessEnv): { binary: string; env: NodeJS.ProcessEnv; toolchain?: TofuToolchain } {
  const toolchain = mirroredTofu();
  if (toolchain) {
    return { binary: toolchain.binary, env: { ...env, TF_CLI_CONFIG_FILE: toolchain.cliConfigFile, TF_IN_AUTOMATION: '1', TF_INPUT: '0' }, toolchain };
  }
  return { binary: env.TERRAFORM_BINARY_NAME || 'terraform', env: { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' } };
}

/** Points the synthesized provider pins at the versions the offline mirror holds (it cannot build every release). */
function pinProvidersToMirror(toolchain: TofuToolchain, dir: string): string[] {
  const file = join(dir, 'cdk.tf.json');
  const tf = JSON.parse(readFileSync(file, 'utf8')) as TerraformJson;
  const changes = pinToMirror(tf, toolchain);
  writeFileSync(file, JSON.stringify(tf, null, 2));
  return changes;
}

export function serviceKinds(config: LabConfig, options: Options): ServiceKind[] {
  // In external mode the lab runs no broker: the cluster is the run's secured broker.
  const names = (Object.keys(LOCAL_IMAGES) as ImageName[]).filter((name) => name !== 'kafka' || config.kafka.mode === 'local');
  return names.map((name) => ({
    service: name,
    kind: options.localImages ? LOCAL_IMAGES[name].kind : 'real',
    image: config.images[name],
    runs: options.localImages ? LOCAL_IMAGES[name].runs : 'the pinned upstream image',
  }));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A published port as the rehearsal reaches it: https behind the TLS proxy of authenticated access. */
function hostUrl(config: LabConfig, port: number, scheme: LabAccess['scheme']): string {
  const host = config.bindAddress === '0.0.0.0' ? '127.0.0.1' : config.bindAddress;
  return `${scheme}://${host}:${port}`;
}

/**
 * The rehearsal's Kafka client: the lab's published brokers (over SASL_SSL as the deployer in
 * authenticated access), or the external cluster as its super user.
 */
function kafkaProbe(config: LabConfig, external: ExternalKafka | undefined, security: LabAccess['kafka']): KafkaProbe {
  if (external) return new KafkaProbe(external.probe.brokers, { ssl: external.probe.ssl, sasl: external.probe.sasl });
  const host = config.bindAddress === '0.0.0.0' ? '127.0.0.1' : config.bindAddress;
  return new KafkaProbe(Array.from({ length: config.kafka.brokers }, (_, i) => `${host}:${config.ports.kafka + i}`), security);
}

/**
 * The applied stack's outputs (`output -json`: one process for all, sensitive values included,
 * never printed). An open lab whose outputs cannot be read is still checked (its Grafana check
 * then fails for the password); an authenticated one cannot be, so that is an error.
 */
function readLabOutputs(binary: string, env: NodeJS.ProcessEnv, synthesized: AccessMode, dir: string): LabOutputs {
  const r = spawnSync(binary, ['output', '-json'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    if (r.status !== 0) throw new Error(`${binary} output -json failed (exit ${r.status ?? r.signal}): ${r.stderr.toString().trim().split('\n')[0]}`);
    return parseLabOutputs(r.stdout.toString());
  } catch (e) {
    if (synthesized === 'authenticated') throw e;
    process.stdout.write(`${(e as Error).message}\n`);
    return { access: 'open', grafanaAdminUser: 'admin' };
  }
}

/**
 * Sends one value that is not JSON to the processing log's probe topic, once, so that a query
 * reading it logs a deserialization error there (checks.ts finds it). Returns when it was sent.
 */
async function sendBadRecord(expected: ExpectedDeployment, kafka: KafkaProbe): Promise<number | undefined> {
  const log = expected.processingLog;
  if (!log) return undefined;
  const sentAt = Date.now();
  try {
    // Keyed: the probe stream may read a table's compacted topic (payments alone: PAYMENT_STRUCTURING_ALERTS).
    await kafka.produce(log.probe.topic, BAD_RECORD, 'lab-e2e-bad-record');
  } catch (e) {
    process.stdout.write(`could not send the bad record to ${log.probe.topic}: ${(e as Error).message}\n`);
    return undefined;
  }
  process.stdout.write(`sent one value that is not JSON to ${log.probe.topic} (stream ${log.probe.stream}); ksqlDB must log it to ${log.topic}\n`);
  return sentAt;
}

async function checkUntilPassing(expected: ExpectedDeployment, config: LabConfig, phases: Phases, timeoutMin: number, access: LabAccess, kafka: KafkaProbe): Promise<RoundResult> {
  const url = (port: number): string => hostUrl(config, port, access.scheme);
  const topics = expected.pipelines.flatMap((p) => [...p.producerTopics, ...(p.cdcTopic ? [p.cdcTopic] : [])]);
  try {
    const baseline = await kafka.recordCounts(topics);
    const firstData = new Map<string, number>();
    for (const [t, n] of baseline) if (n > 0) firstData.set(t, phases.elapsed());
    const deadline = Date.now() + timeoutMin * 60_000;
    const badRecordSentAt = await sendBadRecord(expected, kafka);
    for (let round = 1; ; round++) {
      await sleep(15_000);
      const outcome = await runChecks({
        expected,
        kafka,
        urls: {
          ksqldb: url(config.ports.ksqldb),
          connect: url(config.ports.connect),
          elasticsearch: url(config.ports.elasticsearch),
          paymentsApi: url(config.ports.paymentsApi),
          kibana: url(config.ports.kibana),
          pinotController: url(config.ports.pinotController),
          kafkaUi: url(config.ports.kafkaUi),
        },
        baseline,
        badRecordSentAt,
        elapsedSeconds: () => phases.elapsed(),
        firstData,
        access: access.http,
        grafana: { url: url(config.ports.grafana), ...access.grafana },
      });
      const failed = outcome.results.filter((r) => r.verdict === 'fail');
      process.stdout.write(`round ${round}: ${outcome.results.length - failed.length}/${outcome.results.length} checks pass\n`);
      if (failed.length === 0 || Date.now() >= deadline) return outcome;
    }
  } finally {
    await kafka.close();
  }
}

/**
 * The rehearsal's state file (and its backup), once its Docker objects are cleared: what it records
 * is gone (a run kept with --keep and removed by hand), and the apply's refresh would fail asking the
 * broker of a removed container for its topics. Never the default project's: that is a deployed
 * lab's state.
 */
function clearStaleState(project: string): string[] {
  const name = stackName(project);
  if (name === STACK_NAME) return [];
  const file = `terraform.${name}.tfstate`;
  return [file, `${file}.backup`].filter((f) => existsSync(join(ROOT, f))).map((f) => {
    rmSync(join(ROOT, f));
    return `state file ${f}`;
  });
}

/** The containers that are not healthy after a failed apply, each with the end of its log. */
function unhealthyContainers(names: readonly string[]): string[] {
  return [...containerHealth(names)]
    .filter(([, state]) => state !== 'healthy')
    .map(([name, state]) => `container ${name} is ${state}; last log lines:\n${containerLogTail(name, 25).replace(/^/gm, '    ')}`);
}

/** How many of a failed applier's service's warnings and errors the end of the log repeats. */
const SERVICE_LOG_LINES = 15;

/** The last warnings and errors of each service whose applier resources failed (e2e/service-logs.ts says why). */
function failedServicesLogs(errors: readonly string[], project: string): string[] {
  return servicesOfFailedResources(errors, project).map((name) => {
    const lines = notableLines(containerLogTail(name, 5000), SERVICE_LOG_LINES);
    return `${name}'s last warnings and errors:\n${(lines.length ? lines : ['(none in its log)']).map((l) => `    ${l}`).join('\n')}`;
  });
}

/**
 * The direct-start reference (issue 19): the synthesized containers started through the Docker API
 * before the deploy, then removed. Skipped against an external cluster (no broker container).
 */
async function measureDirectStart(synthesized: Record<string, unknown>, config: LabConfig, external: ExternalKafka | undefined, phases: Phases): Promise<{ seconds: number; criticalPath: string } | undefined> {
  if (external || config.kafka.mode !== 'local') {
    process.stdout.write('\ndirect start skipped: it needs the stack\'s own broker (kafka.mode local)\n');
    return undefined;
  }
  if (synthesizedAccess(synthesized) === 'authenticated') {
    // The logins and certificates of authenticated access exist only once the apply made them.
    process.stdout.write('\ndirect start skipped: authenticated access needs the logins and certificates the apply makes\n');
    return undefined;
  }
  const plan = directStartPlan(synthesized, ROOT);
  const probe = kafkaProbe(config, undefined, {});
  return phases.runAsync('direct start (reference, not the deploy)', async () => {
    try {
      const result = await runDirectStart(plan, (topics) => probe.createTopics(topics), (line) => process.stdout.write(`${line}\n`));
      process.stdout.write(`${directStartReport(result, plan)}\n`);
      return { seconds: result.seconds, criticalPath: directStartCriticalPath(result, plan) };
    } finally {
      await probe.close();
      const left = await removeDirectStart(plan);
      if (left.length) throw new Error(`the direct start left: ${left.join('; ')}`);
    }
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: Options;
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    options = parsed;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  let external: ExternalKafka | undefined;
  if (options.externalKafka) {
    try {
      external = await startExternalKafka();
    } catch (e) {
      process.stderr.write(`the secured broker of --external-kafka did not start: ${(e as Error).message}\n`);
      return 1;
    }
    process.stdout.write(`secured Kafka broker (SASL_SSL, SCRAM-SHA-512, ACLs enforced) at ${external.env.LAB_KAFKA_BOOTSTRAP_SERVERS}; its log: ${external.logFile}\n`);
  }
  const env = deployEnv(process.env, options, external?.env);
  const config = loadConfig(env);
  const phases = new Phases();
  const cli = terraformCli(env);
  const dir = stackDir(config.project);
  const tf = (args: readonly string[]): SpawnSyncReturns<Buffer> => sh(cli.binary, args, cli.env, dir);
  let ok = true;
  let deployed = false;
  // Why the run failed, repeated after the destroy's output so the end of a CI log shows it.
  const reasons: string[] = [];
  // The apply's and the destroy's critical paths, repeated in the summary at the end.
  const criticalPaths: string[] = [];
  let dependencies = new Map<string, Set<string>>();
  const tfTee = (args: readonly string[]): Promise<TeeResult> => runTee(cli.binary, args, cli.env, dir);
  try {
    if (!process.env.LAB_PROJECT) {
      // The default project name belongs to the rehearsal, so what an interrupted run left is ours to clear.
      const cleared = [...clearLeftovers(config.project), ...clearStaleState(config.project)];
      if (cleared.length) process.stdout.write(`cleared what an interrupted rehearsal left:\n${cleared.map((l) => `  - ${l}`).join('\n')}\n`);
    } else {
      const existing = leftovers(config.project);
      if (existing.length) throw new Error(`project ${config.project} already has Docker objects (${existing.join(', ')}): destroy that lab first, or set LAB_PROJECT to another name`);
    }
    phases.run('synth (cdktf CLI)', () => must(sh('npx', ['cdktf', 'synth'], env), 'cdktf synth'));
    if (cli.toolchain) {
      const changes = pinProvidersToMirror(cli.toolchain, dir);
      if (changes.length) process.stdout.write(`provider pins moved to the offline mirror: ${changes.join(', ')}\n`);
    }
    const synthesized = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>;
    const expected = expectedDeployment(synthesized, config);
    dependencies = resourceDependencies(synthesized);
    const declaredMb = containerMemory(synthesized).reduce((sum, c) => sum + c.memoryMb, 0);
    criticalPaths.push(`memory declared by the containers: ${declaredMb} of ${MEMORY_BUDGET_MB} MiB (${MEMORY_BUDGET_MB - declaredMb} MiB free)`);
    const direct = options.directStart ? await measureDirectStart(synthesized, config, external, phases) : undefined;
    phases.run('init', () => must(tf(['init', '-input=false', '-no-color']), `${cli.binary} init`));
    deployed = true;
    await phases.runAsync('deploy (apply)', async () => {
      const applyStarted = Date.now();
      phases.markDeployStart();
      const apply = await tfTee(['apply', '-auto-approve', '-input=false', '-no-color']);
      const spans = resourceSpans(apply.lines);
      process.stdout.write(`\n${timelineReport('Apply timeline', spans, dependencies)}\n`);
      criticalPaths.push(`apply: ${criticalPathLine(spans, dependencies)}`);
      const objects = appliedObjectCount(synthesized);
      criticalPaths.push(
        `apply CPU (${basename(cli.binary)}, providers, appliers; not the containers): ${apply.cpuSeconds === undefined ? 'not measured' : `${apply.cpuSeconds.toFixed(1)} s, ${(apply.cpuSeconds / Math.max(1, objects)).toFixed(2)} s per applied object (${objects}; Terraform's share included)`}`,
      );
      if (direct) {
        const applySeconds = (Date.now() - applyStarted) / 1000;
        const ratio = `apply ${applySeconds.toFixed(0)} s / direct start ${direct.seconds.toFixed(0)} s = ${(applySeconds / direct.seconds).toFixed(2)} (goal <= 1.3)`;
        process.stdout.write(`\nCost of deploying as code: ${ratio}\n`);
        criticalPaths.push(`direct start: ${direct.criticalPath}`, `ratio: ${ratio}`);
      }
      if (apply.status !== 0) {
        const errors = errorBlocks(apply.output);
        reasons.push(`${cli.binary} apply failed (exit ${apply.status ?? apply.signal})${errors.length ? ':' : ', with no Error block in its output'}`, ...errors);
        reasons.push(...unhealthyContainers(expected.containers), ...failedServicesLogs(errors, config.project));
        throw new Error(`${cli.binary} apply failed (exit ${apply.status ?? apply.signal}); its errors are repeated at the end`);
      }
    });
    // The logins and CA a user reads the same way (README, "Deploy and destroy").
    const access = labAccess(readLabOutputs(cli.binary, cli.env, synthesizedAccess(synthesized), dir), (file) => readFileSync(file, 'utf8'));
    process.stdout.write(`\naccess: ${access.mode}${access.authenticated ? ` (HTTPS and SASL_SSL trusting only the deploy's CA; checks as ${access.authenticated.deployer.user}, Grafana as ${access.grafana.adminUser})` : ''}\n`);
    const outcome = await phases.runAsync('checks', () => checkUntilPassing(expected, config, phases, options.timeoutMin, access, kafkaProbe(config, external, access.kafka)));
    const credentials = access.authenticated;
    const accessOutcome = credentials ? await phases.runAsync('access', () => accessChecks(accessTargets(publishedPorts(synthesized), proxyRoutes(synthesized), config), credentials)) : undefined;
    process.stdout.write(`\nServices:\n${servicesTable(serviceKinds(config, options))}\n`);
    process.stdout.write(`\nPipelines:\n${summaryTable(outcome.figures, outcome.results)}\n`);
    const everyPipeline = firstRecordInEveryPipeline(outcome.figures);
    process.stdout.write(`Deploy start to first record in every pipeline: ${everyPipeline === undefined ? 'not reached' : `${everyPipeline.toFixed(0)} s`}\n`);
    criticalPaths.push(`deploy start to first record in every pipeline: ${everyPipeline === undefined ? 'not reached' : `${everyPipeline.toFixed(0)} s`}`);
    if (accessOutcome) process.stdout.write(`\nAccess (authenticated): what each published port answered\n${accessOutcome.table}\n`);
    if (outcome.notes.length) process.stdout.write(`\nNotes:\n${outcome.notes.join('\n')}\n`);
    const failures = failureReport([...outcome.results, ...(accessOutcome?.results ?? [])]);
    if (failures.length) {
      ok = false;
      process.stdout.write(`\nFailed checks:\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
      reasons.push(`${failures.length} check(s) failed:`, ...failures.map((f) => `  - ${f}`));
    }
    if (options.statsSeconds > 0) {
      const stats = await phases.runAsync(`idle resources (docker stats, ${options.statsSeconds} s)`, () => idleStats(config.project, options.statsSeconds));
      process.stdout.write(`${stats}\n`);
    }
    if (options.keep) return ok ? 0 : 1;
    phases.run('second plan (must be empty)', () => {
      const plan = tf(['plan', '-detailed-exitcode', '-input=false', '-no-color']);
      if (plan.status === 2) {
        ok = false;
        process.stdout.write('the second plan shows changes (above): a re-deploy would not be clean\n');
        reasons.push('the second plan shows changes: a re-deploy would not be clean');
      } else must(plan, `${cli.binary} plan`);
    });
  } catch (e) {
    ok = false;
    process.stderr.write(`\n${(e as Error).message}\n`);
    if (!reasons.length) reasons.push((e as Error).message);
  } finally {
    if (deployed && !options.keep) {
      await phases.runAsync('destroy', async () => {
        const r = await tfTee(['destroy', '-auto-approve', '-input=false', '-no-color']);
        const spans = resourceSpans(r.lines);
        process.stdout.write(`\n${timelineReport('Destroy timeline', spans, reversed(dependencies))}\n`);
        criticalPaths.push(`destroy: ${criticalPathLine(spans, reversed(dependencies))}`);
        criticalPaths.push(`destroy CPU (${basename(cli.binary)}, providers, appliers): ${r.cpuSeconds === undefined ? 'not measured' : `${r.cpuSeconds.toFixed(1)} s`}`);
        if (r.status !== 0) {
          ok = false;
          process.stderr.write(`${cli.binary} destroy failed (exit ${r.status ?? r.signal})\n`);
          reasons.push(`${cli.binary} destroy failed (exit ${r.status ?? r.signal}):`, ...errorBlocks(r.output));
        }
      });
      // Plain HTTP in both modes: no login or CA is needed to see that something still answers.
      const grafanaLeft = await grafanaLeftover(hostUrl(config, config.ports.grafana, 'http'));
      const left = [...leftovers(config.project), ...(grafanaLeft ? [grafanaLeft] : [])];
      if (left.length) {
        ok = false;
        process.stdout.write(`\nLeft after destroy:\n${left.map((l) => `  - ${l}`).join('\n')}\n`);
        reasons.push('left after destroy:', ...left.map((l) => `  - ${l}`));
      } else process.stdout.write('\nNothing the stack created is left (containers, volumes, network, built images).\n');
    }
    if (external) await external.stop();
    process.stdout.write(`\nPhases: ${phases.times.map(([n, s]) => `${n} ${s.toFixed(0)} s`).join(', ')}\n`);
    if (criticalPaths.length) process.stdout.write(`Deploy figures (critical paths: resource, its own time):\n${criticalPaths.map((p) => `  ${p}`).join('\n')}\n`);
  }
  if (!ok && reasons.length) process.stdout.write(`\nWhy the rehearsal failed:\n${reasons.join('\n')}\n`);
  process.stdout.write(ok ? '\nE2E PASSED\n' : '\nE2E FAILED\n');
  return ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
