/**
 * One writer at a time per service endpoint, across the processes on this machine.
 *
 * Terraform runs up to ten provisioners at once, each its own `ops/<tool>/cli.ts` process. ksqlDB
 * writes every statement to its command topic in a Kafka transaction under one transactional id,
 * so two statements sent at once fence each other; with ten appliers retrying in step, each retry
 * fenced the next and none got through (CI: "has been fenced by another producer" for 120 s). The
 * appliers therefore take turns: a lock file, created exclusively, that names its holder's pid.
 *
 * A holder that died (a deploy stopped with Ctrl-C) leaves its file behind; a waiter that finds
 * its pid gone removes it. Two waiters may both do so at the same moment and then both run: the
 * lock makes fencing rare, and the applier's retry on a fenced statement stays the backstop. A live
 * holder is bounded by its own timeouts, so waiting for it ends; the wait has a bound of its own
 * all the same, naming the holder and the file.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './http-json';
import { WaitTimeout, timeoutFix } from './poll';
import type { TimeoutSetting } from './timeouts';

export interface EndpointLockOptions {
  /** Which tool's applies take turns (part of the file name). */
  readonly tool: string;
  /** The service's URL: appliers of two stacks on one machine (other ports) do not wait for each other. */
  readonly endpoint: string;
  readonly timeoutMs: number;
  readonly setting: TimeoutSetting;
  readonly pollMs: number;
  readonly log: (line: string) => void;
  /** Where the lock files live; the system's temporary folder unless a test passes another. */
  readonly dir?: string;
}

/** The lock file of one tool and endpoint. */
export function lockPath(tool: string, endpoint: string, dir: string = tmpdir()): string {
  const key = createHash('sha256').update(endpoint.replace(/\/+$/, '')).digest('hex').slice(0, 16);
  return join(dir, `analytics-lab-${tool}-${key}.lock`);
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** Whether a process with this pid runs (EPERM: it runs, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM';
  }
}

/** A file without a pid this old was left by a process that died while writing it. */
const HALF_WRITTEN_MS = 10_000;

/** Who holds the lock: a pid, 'gone' (no file), or 'unknown' (a file without a pid, being written). */
async function holderOf(path: string): Promise<number | 'gone' | 'unknown' | 'dead'> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(path, 'utf8'), fs.stat(path)]);
    const pid = Number.parseInt(text.trim(), 10);
    if (Number.isInteger(pid) && pid > 0) return processAlive(pid) ? pid : 'dead';
    return Date.now() - stat.mtimeMs > HALF_WRITTEN_MS ? 'dead' : 'unknown';
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return 'gone';
    throw e;
  }
}

/** Creates the file if nobody holds it; true when this process now holds it. */
async function tryCreate(path: string): Promise<boolean> {
  try {
    await fs.writeFile(path, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    throw new Error(`cannot create the lock file ${path}: ${e instanceof Error ? e.message : String(e)} — check that the folder is writable`);
  }
}

/** Waits for the lock, runs `work`, and lets go of the lock whatever `work` did. */
export async function withEndpointLock<T>(options: EndpointLockOptions, work: () => Promise<T>): Promise<T> {
  const path = lockPath(options.tool, options.endpoint, options.dir);
  const deadline = Date.now() + options.timeoutMs;
  let waitingFor: number | undefined;
  for (;;) {
    if (await tryCreate(path)) break;
    const holder = await holderOf(path);
    if (holder === 'gone') continue;
    if (holder === 'dead') {
      options.log(`removing ${path}: the apply that held it is no longer running`);
      await fs.rm(path, { force: true });
      continue;
    }
    if (holder !== 'unknown' && holder !== waitingFor) {
      options.log(`waiting for pid ${holder}, which is applying to ${options.endpoint} (one at a time)`);
      waitingFor = holder;
    }
    if (Date.now() + options.pollMs > deadline) {
      throw new WaitTimeout(
        `another apply to ${options.endpoint} (pid ${holder}) held ${path} for ${options.timeoutMs / 1000}s`,
        timeoutFix(`check whether that process still makes progress; remove ${path} if it is not one of this stack's applies`, options.setting, options.timeoutMs),
      );
    }
    await sleep(options.pollMs);
  }
  try {
    return await work();
  } finally {
    await fs.rm(path, { force: true });
  }
}
