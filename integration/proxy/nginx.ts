import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NginxConfigOptions, nginxUsersFile, PROXY_HEALTH_PATH, proxyCommand, type ProxyRoute, type ProxyUser, renderNginxConfig } from '../../platform/proxy-config';
import { findExecutable } from '../support/paths';
import { freePort, waitUntil } from '../support/ports';
import { removeAtExit, type ServiceProcess, spawnService, tailOfFile } from '../support/service-process';
import { generateTls, type TlsMaterial } from '../support/tls';

/** The host's nginx (Debian's package, installed by scripts/setup-integration.sh). */
export function nginxBinary(): string {
  const binary = findExecutable('nginx');
  if (binary === undefined) throw new Error('nginx is not installed: run scripts/setup-integration.sh (as root, it installs Debian\'s nginx package)');
  return binary;
}

/**
 * A directory for one nginx's files (key, users, config, temp files), removed when the test process
 * exits; readable by its workers, which run as `nobody` when the tests run as root. In `parent`
 * when given, else in a new /tmp/lab-proxy-* directory.
 */
export function proxyDir(parent?: string): string {
  const dir = parent === undefined ? mkdtempSync(join(tmpdir(), 'lab-proxy-')) : join(parent, 'files');
  if (parent !== undefined) mkdirSync(dir);
  chmodSync(dir, 0o755);
  removeAtExit(dir);
  return dir;
}

/** The certificate, key and users file of the proxy, written into `dir`; the certificate is valid for 127.0.0.1 and localhost. */
export function writeProxyFiles(dir: string, users: readonly ProxyUser[]): { tls: TlsMaterial; certFile: string; keyFile: string; usersFile: string } {
  const tls = generateTls(dir, ['127.0.0.1', 'localhost']);
  const files = { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), usersFile: join(dir, 'users') };
  writeFileSync(files.certFile, tls.brokerCertPem);
  writeFileSync(files.keyFile, tls.brokerKeyPem, { mode: 0o600 });
  writeFileSync(files.usersFile, nginxUsersFile(users), { mode: 0o644 });
  return { tls, ...files };
}

/**
 * `nginx -t` on a config file: the exit status and nginx's own words. Its output goes to a file,
 * as in a container to a pipe: nginx opens /dev/stdout for the access log even when it only tests,
 * and that fails on the socket Node would give it.
 */
export function testNginxConfig(configFile: string): { status: number | null; output: string } {
  const outputFile = `${configFile}.test-output`;
  const out = openSync(outputFile, 'w');
  try {
    const result = spawnSync(nginxBinary(), ['-e', 'stderr', '-t', '-c', configFile], { stdio: ['ignore', out, out], timeout: 30_000 });
    return { status: result.status, output: readFileSync(outputFile, 'utf8') };
  } finally {
    closeSync(out);
  }
}

export interface RunningProxy {
  readonly dir: string;
  readonly tls: TlsMaterial;
  readonly configFile: string;
  readonly healthPort: number;
  /** Route name -> the port nginx listens on for it, on 127.0.0.1. */
  readonly ports: ReadonlyMap<string, number>;
  /** nginx's error log and access log (its stderr and stdout), kept after the run. */
  readonly logFile: string;
  readonly process: ServiceProcess;
  stop(): Promise<void>;
}

/**
 * nginx in the foreground with a config from renderNginxConfig, as the container runs it: the
 * routes' upstreams must be IP addresses (no resolver here), each route gets a free port on
 * 127.0.0.1. Ready when /healthz answers 200.
 */
export async function startNginxProxy(options: { routes: readonly Omit<ProxyRoute, 'listenPort'>[]; users: readonly ProxyUser[] }): Promise<RunningProxy> {
  const binary = nginxBinary();
  // The log stays in root for a post-mortem, as the other services' logs do; the files go.
  const root = mkdtempSync(join(tmpdir(), 'lab-proxy-'));
  chmodSync(root, 0o755);
  const dir = proxyDir(root);
  const files = writeProxyFiles(dir, options.users);
  const ports = new Map<string, number>();
  for (const route of options.routes) ports.set(route.name, await freePort());
  const healthPort = await freePort();
  const config: NginxConfigOptions = {
    routes: options.routes.map((route) => ({ ...route, listenPort: ports.get(route.name) ?? 0 })),
    certFile: files.certFile,
    keyFile: files.keyFile,
    usersFile: files.usersFile,
    healthPort,
    listenAddress: '127.0.0.1',
    runDir: dir,
  };
  const configFile = join(dir, 'nginx.conf');
  writeFileSync(configFile, renderNginxConfig(config));
  const checked = testNginxConfig(configFile);
  if (checked.status !== 0) throw new Error(`nginx -t refused the rendered config ${configFile}:\n${checked.output}`);

  const logFile = join(root, 'nginx.log');
  const [, ...args] = proxyCommand(configFile);
  const nginx = spawnService({ name: 'nginx', command: binary, args, logFile });
  await waitUntil(() => healthAnswer(healthPort).then((answer) => answer.status === 200), {
    timeoutMs: 20_000,
    intervalMs: 100,
    what: `nginx on 127.0.0.1:${healthPort}${PROXY_HEALTH_PATH}`,
    abort: () => nginx.exitReason(),
    describe: () => tailOfFile(logFile),
  });
  watchWorkers(nginx.pid);
  return {
    dir,
    tls: files.tls,
    configFile,
    healthPort,
    ports,
    logFile,
    process: nginx,
    async stop() {
      await nginx.stop(10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * nginx's workers outlive a master killed with SIGKILL, which is what the harness's watchdog does
 * when the test process dies, and would keep the test's ports. A watchdog of its own kills master
 * and workers together once this process is gone (master first: a live master respawns workers).
 * It ends by itself when the master exits, which takes its workers with it.
 */
function watchWorkers(masterPid: number): void {
  const workers = spawnSync('pgrep', ['-P', String(masterPid)], { encoding: 'utf8' }).stdout.split('\n').filter((pid) => /^\d+$/.test(pid));
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${masterPid} 2>/dev/null; do sleep 1; done; ` +
    `kill -0 ${process.pid} 2>/dev/null || kill -9 ${[masterPid, ...workers].join(' ')} 2>/dev/null`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

/** GET /healthz on the health port, plain http. */
export function healthAnswer(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolveAnswer, reject) => {
    const req = get({ host: '127.0.0.1', port, path: PROXY_HEALTH_PATH, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from 127.0.0.1:${port} in 5 s`)));
    req.on('error', reject);
  });
}
