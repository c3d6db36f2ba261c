/**
 * A real search engine for the integration tests: OpenSearch 2.19.6 (the Elasticsearch 7.10 fork,
 * Apache-2.0), one node started from the Maven Central jars that scripts/setup-opensearch.sh puts in
 * .cache/opensearch (run here when missing), through our main lab.opensearch.LabOpenSearchNode. No
 * Docker: the JVM runs on this machine, HTTP and transport on free 127.0.0.1 ports, data in a temp
 * dir removed at exit. It answers Elasticsearch 8's REST calls for templates, bulk writes, searches
 * and counts; what it answers differently is in README "Local images" (OpenSearch).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import { freePort, waitUntil } from './ports';
import { removeAtExit, type ServiceProcess, spawnService, tailOfFile } from './service-process';

export const OPENSEARCH_VERSION = '2.19.6';
export const OPENSEARCH_HOME = join(PROJECT_ROOT, '.cache', 'opensearch');
const INSTALLED = join(OPENSEARCH_HOME, '.installed');
const SETUP_SCRIPT = join(PROJECT_ROOT, 'scripts', 'setup-opensearch.sh');
const MAIN_CLASS = 'lab.opensearch.LabOpenSearchNode';
/** The main's rule for an environment variable that is a setting (LabOpenSearchNode.SETTING_NAME). */
const SETTING_LIKE = /^[a-z0-9_]+(\.[-a-z0-9_]+)+$/;

export interface LocalOpenSearch {
  /** http://127.0.0.1:<port>, the root of the REST API. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly logFile: string;
  /** Milliseconds from spawn to a yellow or green cluster. */
  readonly startMs: number;
  /** SIGTERM (the node flushes and closes its shards) and wait. */
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface StartOpenSearchOptions {
  /** -Xms and -Xmx; 512 MB holds the lab's few small indices with room to spare. */
  readonly heapMb?: number;
  readonly startTimeoutMs?: number;
}

/** Runs scripts/setup-opensearch.sh when .cache/opensearch is not complete; returns the classpath. */
export function ensureOpenSearch(): string {
  if (!existsSync(INSTALLED)) {
    const setup = spawnSync('bash', [SETUP_SCRIPT], { stdio: 'inherit' });
    if (setup.status !== 0 || !existsSync(INSTALLED)) {
      throw new Error(
        `scripts/setup-opensearch.sh exited with ${setup.status ?? setup.signal}: OpenSearch ${OPENSEARCH_VERSION} is not assembled in ` +
          `${OPENSEARCH_HOME}; its output above says why (Maven Central unreachable, or javac missing)`,
      );
    }
  }
  return `${join(OPENSEARCH_HOME, 'classes')}:${join(OPENSEARCH_HOME, 'lib')}/*`;
}

async function healthy(url: string): Promise<boolean> {
  const response = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) return false;
  const { status } = (await response.json()) as { status?: string };
  return status === 'yellow' || status === 'green';
}

/** Starts one node; resolves once the cluster is yellow or green (what the stack's health check asks). */
export async function startOpenSearch(options: StartOpenSearchOptions = {}): Promise<LocalOpenSearch> {
  const classpath = ensureOpenSearch();
  const port = await freePort();
  const transportPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const home = mkdtempSync(join(tmpdir(), 'lab-opensearch-'));
  mkdirSync(join(home, 'config'));
  copyFileSync(join(OPENSEARCH_HOME, 'config', 'log4j2.properties'), join(home, 'config', 'log4j2.properties'));
  const logFile = join(home, 'opensearch.log');
  const heap = options.heapMb ?? 512;
  const started = Date.now();
  const node: ServiceProcess = spawnService({
    name: 'OpenSearch',
    command: 'java',
    args: [
      `-Xms${heap}m`,
      `-Xmx${heap}m`,
      // The JIT's last tier costs CPU the two shared cores do not have; a test node is short-lived.
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      '-Dlog4j2.formatMsgNoLookups=true',
      '-cp',
      classpath,
      MAIN_CLASS,
      '-E',
      `path.home=${home}`,
      '-E',
      'discovery.type=single-node',
      '-E',
      'network.host=127.0.0.1',
      '-E',
      `http.port=${port}`,
      '-E',
      `transport.port=${transportPort}`,
      // The stack's own settings for its Elasticsearch (platform/elasticsearch.ts).
      '-E',
      'cluster.routing.allocation.disk.threshold_enabled=false',
    ],
    cwd: home,
    logFile,
    // The main reads lower-case dotted variables as settings (as the Elasticsearch image does):
    // settings come from the arguments only here, so none of this shell's may pass as one.
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !SETTING_LIKE.test(name))),
  });
  // Logs stay in the temp dir for a post-mortem only with KEEP_SERVICE_DATA=1, like the other services' data.
  removeAtExit(home);
  try {
    await waitUntil(() => healthy(url), {
      what: `OpenSearch ${OPENSEARCH_VERSION} on ${url}`,
      timeoutMs: options.startTimeoutMs ?? 240_000,
      intervalMs: 1_000,
      abort: () => {
        const reason = node.exitReason();
        return reason === undefined ? undefined : `the node ${reason} before its cluster was yellow`;
      },
      describe: () => tailOfFile(logFile),
    });
  } catch (error) {
    await node.kill();
    throw error;
  }
  return {
    url,
    port,
    pid: node.pid,
    logFile,
    startMs: Date.now() - started,
    stop: () => node.stop(),
    kill: () => node.kill(),
  };
}
