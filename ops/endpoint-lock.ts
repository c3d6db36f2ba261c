/**
 * One writer at a time per service endpoint, across the processes on this machine.
 *
 * Terraform runs up to ten provisioners at once, each its own `ops/<tool>/cli.ts` process. ksqlDB
 * writes every statement to its command topic in a Kafka transaction under one transactional id,
 * so two statements sent at once fence each other; with ten appliers retrying in step, each retry
 * fenced the next and none got through (CI: "has been fenced by another producer" for 120 s). The
 * appliers therefore take turns: a lock file, created exclusively, that names its holder's pid and
 * a token of this turn.
 *
 * A holder lets go by removing the file only while it still holds its own token. Before, it removed
 * whatever file was there: once two applies held a turn at once, the first to finish removed the
 * other's file, the next waiter took it and ran beside that other, and so on, two at a time, to the
 * end of the deploy (a CI rehearsal: one apply fenced at every retry for two minutes, the producer
 * epoch rising by two between its retries).
 *
 * A holder that died (a deploy stopped with Ctrl-C) leaves its file behind. A waiter that finds its
 * pid gone removes the file if it still holds what was read, one waiter at a time (removeDeadHolder).
 * A live holder is bounded by its own timeouts, so waiting for it ends; the wait has a bound of its
 * own all the same, naming the holder and the file. The applier's retry on a fenced statement stays
 * the backstop.
 */
import { createHash, randomBytes } from 'node:crypto';
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
  /** Whether a holder's process runs; tests pass their own to reproduce a race. */
  readonly isAlive?: (pid: number) => boolean;
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

/** The lock file's text and age; undefined when there is none. */
async function readLock(path: string): Promise<{ readonly text: string; readonly ageMs: number } | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(path, 'utf8'), fs.stat(path)]);
    return { text, ageMs: Date.now() - stat.mtimeMs };
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

type Holder = { readonly state: 'gone' | 'unknown' } | { readonly state: 'alive'; readonly pid: number } | { readonly state: 'dead'; readonly text: string };

/** Who holds the lock: a live pid, none (no file), 'unknown' (a file without a pid, being written), or a dead holder's file. */
async function holderOf(path: string, isAlive: (pid: number) => boolean): Promise<Holder> {
  const lock = await readLock(path);
  if (!lock) return { state: 'gone' };
  const pid = Number.parseInt(lock.text.trim(), 10);
  if (Number.isInteger(pid) && pid > 0) return isAlive(pid) ? { state: 'alive', pid } : { state: 'dead', text: lock.text };
  return lock.ageMs > HALF_WRITTEN_MS ? { state: 'dead', text: lock.text } : { state: 'unknown' };
}

/**
 * Removes the file of a holder that died, `text` as read, if it still is that file. The check and
 * the removal happen under a second file, created exclusively and held for that instant only: two
 * waiters that found the same dead holder's file would otherwise both remove "it", the second one
 * the file the next holder had made in between, and run beside that holder. A waiter that finds
 * the second file taken does nothing this round. True when the dead holder's file is gone.
 */
async function removeDeadHolder(path: string, text: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  try {
    await fs.writeFile(guard, `${process.pid}\n`, { flag: 'wx' });
  } catch (e) {
    if (errorCode(e) !== 'EEXIST') throw e;
    // Left by a waiter that died in the instant it held it: nothing else can free it.
    if (((await readLock(guard))?.ageMs ?? 0) > HALF_WRITTEN_MS) await fs.rm(guard, { force: true });
    return false;
  }
  try {
    const now = await readLock(path);
    if (now?.text !== text) return false;
    await fs.rm(path, { force: true });
    return true;
  } finally {
    await fs.rm(guard, { force: true });
  }
}

/** Removes the lock file if it is still this turn's; otherwise returns what it holds instead ('' for none). */
async function release(path: string, mine: string): Promise<string | undefined> {
  const now = await readLock(path);
  if (now?.text !== mine) return now?.text.trim() ?? '';
  await fs.rm(path, { force: true });
  return undefined;
}

/** Creates the file, holding `mine`, if nobody holds it; true when this turn is now held. */
async function tryCreate(path: string, mine: string): Promise<boolean> {
  try {
    await fs.writeFile(path, mine, { flag: 'wx' });
    return true;
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    throw new Error(`cannot create the lock file ${path}: ${e instanceof Error ? e.message : String(e)} — check that the folder is writable`);
  }
}

/** Waits for the lock, runs `work`, and lets go of the lock whatever `work` did. */
export async function withEndpointLock<T>(options: EndpointLockOptions, work: () => Promise<T>): Promise<T> {
  const path = lockPath(options.tool, options.endpoint, options.dir);
  const isAlive = options.isAlive ?? processAlive;
  const deadline = Date.now() + options.timeoutMs;
  // The pid for waiters to check, and a token: two callers in one process hold different turns.
  const mine = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  let waitingFor: number | undefined;
  for (;;) {
    if (await tryCreate(path, mine)) break;
    const holder = await holderOf(path, isAlive);
    if (holder.state === 'gone') continue;
    if (holder.state === 'dead') {
      if (await removeDeadHolder(path, holder.text)) options.log(`removed ${path}: the apply that held it is no longer running`);
      continue;
    }
    if (holder.state === 'alive' && holder.pid !== waitingFor) {
      options.log(`waiting for pid ${holder.pid}, which is applying to ${options.endpoint} (one at a time)`);
      waitingFor = holder.pid;
    }
    if (Date.now() + options.pollMs > deadline) {
      const who = holder.state === 'alive' ? `pid ${holder.pid}` : 'a holder still writing its pid';
      throw new WaitTimeout(
        `another apply to ${options.endpoint} (${who}) held ${path} for ${options.timeoutMs / 1000}s`,
        timeoutFix(`check whether that process still makes progress; remove ${path} if it is not one of this stack's applies`, options.setting, options.timeoutMs),
      );
    }
    await sleep(options.pollMs);
  }
  try {
    return await work();
  } finally {
    const other = await release(path, mine);
    // Should not happen; said so that a run where it did shows it (the fenced retries would follow).
    if (other !== undefined) options.log(`this turn was not held alone: when it ended, ${path} held ${other ? `"${other}"` : 'nothing'} instead of this apply's "${mine.trim()}"`);
  }
}
