/**
 * CPU time another process has used so far (user + system), read from /proc/<pid>/stat. On a
 * shared machine a server's CPU time per request moves far less with the neighbours' load than
 * its requests/s, so the benchmark reports both.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime: 100 on Linux for every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** Milliseconds of CPU the process used, or undefined where /proc is not there (not Linux) or it exited. */
export function processCpuMs(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : cpuMsOfStat(`/proc/${pid}/stat`);
}

/**
 * CPU time of the process's main thread alone (for Node.js, the event loop: JavaScript, parsing,
 * the socket calls), without V8's GC helpers and libuv's pool. A server whose main thread is near
 * one core of CPU time per second of run is as fast as it can be, whatever the others do.
 */
export function mainThreadCpuMs(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : cpuMsOfStat(`/proc/${pid}/task/${pid}/stat`);
}

function cpuMsOfStat(path: string): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
}

/** CPU time of the whole machine so far, all cores: busy (everything but idle and iowait) and total. */
export interface MachineCpu {
  readonly busyMs: number;
  readonly totalMs: number;
}

/** The first line of /proc/stat ("cpu  user nice system idle iowait irq softirq steal ..."), in ms. */
export function parseProcStat(text: string): MachineCpu | undefined {
  const line = text.split('\n', 1)[0];
  if (!line.startsWith('cpu ')) return undefined;
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 5 || ticks.some((t) => !Number.isFinite(t))) return undefined;
  const total = ticks.reduce((sum, t) => sum + t, 0);
  // idle (4th) and iowait (5th) are time no core ran anything; steal (8th) is time the hypervisor
  // gave to other guests: counted as busy, since the benchmark's processes could not run then either.
  const idle = ticks[3] + ticks[4];
  return { busyMs: ((total - idle) * 1000) / TICKS_PER_SECOND, totalMs: (total * 1000) / TICKS_PER_SECOND };
}

/** The machine's CPU time so far, or undefined where there is no /proc/stat. */
export function machineCpuMs(): MachineCpu | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}
