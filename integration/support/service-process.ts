import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';

/**
 * A server process started for tests (Kafka, Connect, MariaDB), its output appended to a log file.
 * It never outlives the test run: a node 'exit' hook kills it, and a detached shell watchdog kills it
 * when this node process dies without running hooks (SIGKILL, a crashed jest worker).
 */
export interface ServiceProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Why the process ended, or undefined while it runs. */
  exitReason(): string | undefined;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: a crash, no shutdown hooks. */
  kill(): Promise<void>;
}

export interface SpawnServiceOptions {
  /** What it is, for error messages: "Kafka broker", "MariaDB". */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const live = new Set<ChildProcess>();
/** Directories removed when the test process exits (data of services, not their logs). */
const scratchDirs = new Set<string>();
const HOOKED = Symbol.for('streaming-lab.integration.exit-hook');

function installExitHook(): void {
  const holder = process as unknown as Record<symbol, boolean>;
  if (holder[HOOKED]) return;
  holder[HOOKED] = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    if (process.env.KEEP_SERVICE_DATA !== '1') {
      for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** Removes `dir` when this process exits (set KEEP_SERVICE_DATA=1 to keep it for a post-mortem). */
export function removeAtExit(dir: string): void {
  installExitHook();
  scratchDirs.add(dir);
}

export function tailOfFile(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log file ${file})`;
  const text = readFileSync(file, 'utf8').trimEnd().split('\n');
  return `--- last ${Math.min(lines, text.length)} lines of ${file} ---\n${text.slice(-lines).join('\n')}`;
}

/** Kills `pid` once `ownerPid` is gone. A shell loop, one `sleep 1` per second: negligible CPU. */
function startWatchdog(ownerPid: number, pid: number): void {
  const script = `while kill -0 ${ownerPid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill -9 ${pid} 2>/dev/null`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

export function spawnService(options: SpawnServiceOptions): ServiceProcess {
  installExitHook();
  const out = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', out, out],
    });
  } finally {
    closeSync(out);
  }
  let exitReason: string | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitReason = signal !== null ? `killed by ${signal}` : `exited with code ${code}`;
      live.delete(child);
      resolveExit();
    });
    child.once('error', (error) => {
      spawnError = error;
      exitReason = `could not start ${options.command}: ${error.message}`;
      live.delete(child);
      resolveExit();
    });
  });
  if (child.pid === undefined) {
    throw new Error(`${options.name}: could not start ${options.command} (is it installed? run scripts/setup-integration.sh)`);
  }
  live.add(child);
  startWatchdog(process.pid, child.pid);
  const pid = child.pid;

  const waitForExit = async (timeoutMs: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((done) => {
      timer = setTimeout(() => done(false), timeoutMs);
    });
    const result = await Promise.race([exited.then(() => true), timedOut]);
    clearTimeout(timer);
    return result;
  };

  return {
    pid,
    logFile: options.logFile,
    exitReason: () => (spawnError ? `could not start: ${spawnError.message}` : exitReason),
    async stop(graceMs = 30_000) {
      if (exitReason !== undefined) return;
      child.kill('SIGTERM');
      if (await waitForExit(graceMs)) return;
      child.kill('SIGKILL');
      await exited;
      throw new Error(
        `${options.name} (pid ${pid}) ignored SIGTERM for ${graceMs / 1000} s and was killed; its shutdown hangs.\n` +
          tailOfFile(options.logFile),
      );
    },
    async kill() {
      if (exitReason !== undefined) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
