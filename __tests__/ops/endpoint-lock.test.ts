/**
 * ops/endpoint-lock.ts: the applies to one ksqlDB take turns across processes, a turn left by a
 * process that died is taken over, and a turn held too long ends in an error naming the holder,
 * the file and the setting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockPath, processAlive, withEndpointLock, type EndpointLockOptions } from '../../ops/endpoint-lock';
import { sleep } from '../../ops/http-json';
import { WaitTimeout } from '../../ops/poll';
import { TIMEOUTS } from '../../ops/timeouts';

const ENDPOINT = 'http://127.0.0.1:8088';
/** Tests that start a Node process: on a loaded 2-core machine a start can take seconds. */
const SPAWNING_TEST_MS = 60_000;
let dir: string;
let lines: string[];
/** Holder processes a test started: killed after each test, so a failing test cannot leave one running. */
const holders: ChildProcess[] = [];

function options(overrides: Partial<EndpointLockOptions> = {}): EndpointLockOptions {
  return {
    tool: 'ksql',
    endpoint: ENDPOINT,
    timeoutMs: 5_000,
    setting: TIMEOUTS.ksql.turnTimeoutMs,
    pollMs: 20,
    log: (line) => lines.push(line),
    dir,
    ...overrides,
  };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'endpoint-lock-'));
  lines = [];
});

afterEach(() => {
  for (const h of holders.splice(0)) h.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A process that exited: its pid is free (the kernel may hand it out again, but not this soon). */
function exitedPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid ?? -1));
  });
}

/** Another process holding the turn, as a provisioner of the same deploy would. */
function holderProcess(path: string): Promise<ChildProcess> {
  const script = `require('fs').writeFileSync(${JSON.stringify(path)}, process.pid + '\\n', { flag: 'wx' }); console.log('held'); setInterval(() => {}, 1000);`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    holders.push(child);
    child.on('error', reject);
    child.stdout?.once('data', () => resolve(child));
  });
}

it('runs the work of concurrent callers one at a time, in one process', async () => {
  let running = 0;
  let most = 0;
  const work = async (): Promise<void> => {
    running++;
    most = Math.max(most, running);
    await sleep(30);
    running--;
  };
  await Promise.all([1, 2, 3, 4].map(() => withEndpointLock(options(), work)));
  expect(most).toBe(1);
  expect(existsSync(lockPath('ksql', ENDPOINT, dir))).toBe(false);
});

it('waits while another live process holds the turn, and takes it when that process dies', async () => {
  const path = lockPath('ksql', ENDPOINT, dir);
  const holder = await holderProcess(path);
  let ran = false;
  const waiting = withEndpointLock(options(), async () => {
    ran = true;
  });
  const waitingLine = `waiting for pid ${holder.pid}, which is applying to ${ENDPOINT} (one at a time)`;
  // Polled rather than slept: on a loaded machine the first look can take a while.
  for (let i = 0; i < 200 && !lines.includes(waitingLine); i++) await sleep(50);
  expect(lines).toContain(waitingLine);
  expect(ran).toBe(false);
  holder.kill('SIGKILL');
  await waiting;
  expect(ran).toBe(true);
  expect(lines).toContain(`removed ${path}: the apply that held it is no longer running`);
}, SPAWNING_TEST_MS);

it('lets go of the turn when the work fails', async () => {
  await expect(withEndpointLock(options(), () => Promise.reject(new Error('rejected statement')))).rejects.toThrow('rejected statement');
  expect(existsSync(lockPath('ksql', ENDPOINT, dir))).toBe(false);
  await expect(withEndpointLock(options({ timeoutMs: 100 }), () => Promise.resolve('next'))).resolves.toBe('next');
});

it('takes over a turn left by a process that died, and one left half written long ago', async () => {
  const path = lockPath('ksql', ENDPOINT, dir);
  const pid = await exitedPid();
  expect(processAlive(pid)).toBe(false);
  writeFileSync(path, `${pid}\n`);
  await expect(withEndpointLock(options({ timeoutMs: 200 }), () => Promise.resolve('after dead pid'))).resolves.toBe('after dead pid');

  writeFileSync(path, '');
  const old = new Date(Date.now() - 60_000);
  utimesSync(path, old, old);
  await expect(withEndpointLock(options({ timeoutMs: 200 }), () => Promise.resolve('after empty file'))).resolves.toBe('after empty file');
}, SPAWNING_TEST_MS);

it('does not remove the next holder\'s file when the holder it read let go and exited meanwhile', async () => {
  // The race CI hit: a waiter reads holder A's pid; A lets go and its process ends; C takes the turn;
  // the waiter then finds A dead. Removing the file now would remove C's turn and run beside C.
  const path = lockPath('ksql', ENDPOINT, dir);
  const A = 1_000_001;
  const C = 1_000_002;
  writeFileSync(path, `${A}\n`);
  let cHolds = false;
  const isAlive = (pid: number): boolean => {
    if (pid === A && !cHolds) {
      rmSync(path);
      writeFileSync(path, `${C}\n`, { flag: 'wx' });
      cHolds = true;
      return false;
    }
    return pid === C;
  };
  const err: unknown = await withEndpointLock(options({ timeoutMs: 150, isAlive }), () => Promise.resolve('ran beside C')).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WaitTimeout);
  expect((err as Error).message).toContain(`(pid ${C})`);
  expect(lines).toContain(`waiting for pid ${C}, which is applying to ${ENDPOINT} (one at a time)`);
  expect(lines.filter((l) => l.startsWith('removed'))).toEqual([]);
});

it("lets go only of its own turn: a file another holder made meanwhile stays, so a double turn does not pass on", async () => {
  // CI: once two applies held a turn at once, each one that finished removed the other's file, the
  // next waiter took the turn beside the other, and so on to the end of the deploy.
  const path = lockPath('ksql', ENDPOINT, dir);
  const other = `${process.pid + 1} beside\n`;
  await withEndpointLock(options(), () => {
    rmSync(path);
    writeFileSync(path, other, { flag: 'wx' });
    return Promise.resolve();
  });
  expect(readFileSync(path, 'utf8')).toBe(other);
  expect(lines).toEqual([expect.stringMatching(new RegExp(`^this turn was not held alone: when it ended, .* held "${process.pid + 1} beside" instead of this apply's "${process.pid} [0-9a-f]{16}"$`))]);
});

it('of many waiters that find one dead holder\'s file, one removes it, and they still take turns', async () => {
  const path = lockPath('ksql', ENDPOINT, dir);
  const dead = await exitedPid();
  let running = 0;
  let most = 0;
  let turns = 0;
  const work = async (): Promise<void> => {
    running++;
    most = Math.max(most, running);
    await sleep(20);
    running--;
    turns++;
  };
  for (let round = 0; round < 5; round++) {
    writeFileSync(path, `${dead}\n`);
    await Promise.all(Array.from({ length: 8 }, () => withEndpointLock(options({ pollMs: 1 }), work)));
  }
  expect(turns).toBe(40);
  expect(most).toBe(1);
  expect(lines.filter((l) => l.startsWith('removed')).length).toBe(5);
  expect(readdirSync(dir)).toEqual([]);
}, SPAWNING_TEST_MS);

it('waits for a file without a pid that was just created (its holder is writing it)', async () => {
  writeFileSync(lockPath('ksql', ENDPOINT, dir), '');
  await expect(withEndpointLock(options({ timeoutMs: 150 }), () => Promise.resolve('ran'))).rejects.toThrow(WaitTimeout);
});

it('gives up after the turn timeout, naming the holder, the file and the setting to raise', async () => {
  const path = lockPath('ksql', ENDPOINT, dir);
  writeFileSync(path, `${process.pid}\n`);
  const err: unknown = await withEndpointLock(options({ timeoutMs: 200 }), () => Promise.resolve()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WaitTimeout);
  const message = (err as Error).message;
  expect(message).toContain(`another apply to ${ENDPOINT} (pid ${process.pid}) held ${path} for 0.2s`);
  expect(message).toContain(`remove ${path} if it is not one of this stack's applies`);
  expect(message).toContain('KSQL_APPLY_TURN_TIMEOUT_S');
  expect(existsSync(path)).toBe(true);
});

it('keys the turn by tool and endpoint, so two stacks on one machine do not wait for each other', () => {
  expect(lockPath('ksql', ENDPOINT, dir)).toBe(lockPath('ksql', `${ENDPOINT}/`, dir));
  expect(lockPath('ksql', 'http://127.0.0.1:18088', dir)).not.toBe(lockPath('ksql', ENDPOINT, dir));
  expect(lockPath('connect', ENDPOINT, dir)).not.toBe(lockPath('ksql', ENDPOINT, dir));
});
