/**
 * A real Confluent-compatible Schema Registry for the integration tests and benchmarks: Apicurio
 * Registry 3.0.9 from Maven Central (io.apicurio:apicurio-registry-app:3.0.9, classifier `all`,
 * a Quarkus runner jar with its lib/), which serves the Confluent REST API under /apis/ccompat/v7.
 * It runs with its default in-memory H2 storage on 127.0.0.1, so every start is an empty registry.
 *
 * Why 3.0.9: it is the newest release whose classes run on Java 17 (3.1+ needs Java 21), and its
 * parent pom is not on Maven Central, so Maven cannot resolve it: the archive is downloaded over
 * HTTPS from Central and checked against Central's .sha1. Cached in .cache/apicurio/, re-runnable.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { freePort, waitUntil } from './ports';
import { type ServiceProcess, spawnService, tailOfFile } from './service-process';

export const APICURIO_VERSION = '3.0.9';
const ARTIFACT = `apicurio-registry-app-${APICURIO_VERSION}`;
const CENTRAL = process.env.MAVEN_CENTRAL_URL ?? 'https://repo1.maven.org/maven2';
const ARCHIVE_URL = `${CENTRAL}/io/apicurio/apicurio-registry-app/${APICURIO_VERSION}/${ARTIFACT}-all.tar.gz`;
export const APICURIO_HOME = join(PROJECT_ROOT, '.cache', 'apicurio', APICURIO_VERSION);
const RUNNER_JAR = join(APICURIO_HOME, `${ARTIFACT}-runner.jar`);
const INSTALLED = join(APICURIO_HOME, '.installed');

export interface LocalSchemaRegistry {
  /** Base URL of the Confluent-compatible API, for SchemaRegistryClient and --schema-registry-url. */
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL. */
  kill(): Promise<void>;
  isRunning(): boolean;
}

async function download(url: string, file: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(600_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}; is Maven Central reachable (MAVEN_CENTRAL_URL)?`);
  writeFileSync(file, Buffer.from(await response.arrayBuffer()));
}

/** Downloads, verifies and unpacks Apicurio into .cache/apicurio/<version> unless it is already there. */
export async function ensureApicurio(): Promise<string> {
  if (existsSync(INSTALLED) && existsSync(RUNNER_JAR)) return RUNNER_JAR;
  const parent = join(PROJECT_ROOT, '.cache', 'apicurio');
  mkdirSync(parent, { recursive: true });
  // Unpacked beside the target and renamed into place: a concurrent or interrupted run never sees half a tree.
  const staging = mkdtempSync(join(parent, 'staging-'));
  try {
    const archive = join(staging, `${ARTIFACT}-all.tar.gz`);
    const [, sha1Text] = await Promise.all([
      download(ARCHIVE_URL, archive),
      fetch(`${ARCHIVE_URL}.sha1`, { signal: AbortSignal.timeout(60_000) }).then((r) => {
        if (!r.ok) throw new Error(`GET ${ARCHIVE_URL}.sha1 answered ${r.status}`);
        return r.text();
      }),
    ]);
    const expected = sha1Text.trim().split(/\s+/)[0].toLowerCase();
    const actual = createHash('sha1').update(readFileSync(archive)).digest('hex');
    if (actual !== expected) throw new Error(`${ARCHIVE_URL}: SHA-1 ${actual} does not match Maven Central's ${expected}; delete .cache/apicurio and retry`);
    const unpacked = join(staging, 'tree');
    mkdirSync(unpacked);
    const tar = spawnSync('tar', ['xzf', archive, '-C', unpacked], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`tar could not unpack ${archive}: ${tar.stderr}`);
    if (!existsSync(join(unpacked, `${ARTIFACT}-runner.jar`))) throw new Error(`${ARCHIVE_URL} holds no ${ARTIFACT}-runner.jar; the archive layout changed`);
    writeFileSync(join(unpacked, '.installed'), `${ARCHIVE_URL}\nsha1 ${actual}\n`);
    if (!existsSync(INSTALLED)) {
      rmSync(APICURIO_HOME, { recursive: true, force: true });
      renameSync(unpacked, APICURIO_HOME);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return RUNNER_JAR;
}

async function answers(url: string): Promise<boolean> {
  const response = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) });
  return response.ok;
}

/** Starts Apicurio on a free 127.0.0.1 port; resolves when GET /subjects answers. */
export async function startSchemaRegistry(options: { heapMb?: number; startTimeoutMs?: number } = {}): Promise<LocalSchemaRegistry> {
  const jar = await ensureApicurio();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/apis/ccompat/v7`;
  const logFile = join(mkdtempSync(join(tmpdir(), 'lab-registry-')), 'apicurio.log');
  const registry: ServiceProcess = spawnService({
    name: 'Apicurio Registry',
    command: 'java',
    args: [
      `-Xmx${options.heapMb ?? 384}m`,
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Dquarkus.http.host=127.0.0.1',
      `-Dquarkus.http.port=${port}`,
      // The management interface (its own port) and the access log are not needed here.
      '-Dquarkus.management.enabled=false',
      '-Dquarkus.http.access-log.enabled=false',
      '-jar',
      jar,
    ],
    cwd: APICURIO_HOME,
    logFile,
  });
  try {
    await waitUntil(() => answers(url), {
      what: `Apicurio Registry on ${url}`,
      timeoutMs: options.startTimeoutMs ?? 90_000,
      abort: () => {
        const reason = registry.exitReason();
        return reason === undefined ? undefined : `the registry process ${reason} before it answered`;
      },
      describe: () => tailOfFile(logFile),
    });
  } catch (error) {
    await registry.kill();
    throw error;
  }
  return {
    url,
    port,
    logFile,
    stop: () => registry.stop(),
    kill: () => registry.kill(),
    isRunning: () => registry.exitReason() === undefined,
  };
}
