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
  if (pid === undefined) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
}
