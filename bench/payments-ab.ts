/**
 * The A/B side of bench:payments: a checkout of another git revision to run its payments API
 * beside this build's, and the tables that put the two side by side pair by pair. Runs alternate
 * (A B, then B A, ...) on the same broker and registry, so a machine whose speed drifts (other
 * jobs starting and stopping) moves both sides of a pair alike; the ratios are per pair.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from '../payments/load';

/** Where a build's payments/server.ts is, and what the tables call it. */
export interface Build {
  readonly name: string;
  readonly root: string;
}

export interface BenchRow {
  /** 'bare max', 'json max', ..., 'bare rate', 'api rate'. */
  readonly key: string;
  readonly label: string;
  readonly result: LoadResult;
  /** CPU time of the answering server per request, microseconds (undefined without /proc). */
  readonly cpuUsPerRequest: number | undefined;
  /** The answering server's main thread (the event loop): CPU seconds per second of the run. */
  readonly serverMainThreadBusy?: number;
  /** CPU time of the load tool (the benchmark's own process) per request, microseconds. */
  readonly loadToolCpuUsPerRequest?: number;
  /**
   * How many cores the whole machine kept busy during the run, on average (from /proc/stat): near
   * the core count, nothing was left idle and the figures are bounded by the machine, not the server.
   */
  readonly machineBusyCores?: number;
}

export interface BuildRun {
  readonly build: Build;
  readonly rows: readonly BenchRow[];
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
}

const git = (root: string, args: readonly string[]): string => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();

/**
 * A detached checkout of `revision` in the temporary directory, sharing this tree's node_modules
 * (the payments API's dependencies did not change between the revisions this compares; a revision
 * whose do would fail at its start, naming the missing module). Returns it and how to remove it.
 */
export function checkoutRevision(root: string, revision: string): { build: Build; remove: () => void } {
  let commit: string;
  try {
    commit = git(root, ['rev-parse', '--verify', `${revision}^{commit}`]);
  } catch {
    throw new Error(`BENCH_VS=${revision} names no commit of ${root}; give a branch, tag or commit id (git log shows them)`);
  }
  const dir = join(tmpdir(), `bench-payments-${commit.slice(0, 12)}-${process.pid}`);
  git(root, ['worktree', 'add', '--detach', '--force', dir, commit]);
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const subject = git(root, ['log', '-1', '--format=%h %cs', commit]);
  return {
    build: { name: `B ${subject}`, root: dir },
    remove: () => git(root, ['worktree', 'remove', '--force', dir]),
  };
}

const fixed = (value: number | undefined, digits: number): string => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits));

/** The per-run table: requests/s, latency, errors, the ratio to the bare server and CPU per request. */
export function formatRunTable(run: BuildRun): string {
  const bareMax = run.rows.find((row) => row.key === 'bare max')?.result.requestsPerSecond ?? Number.NaN;
  const lines = [
    `${run.build.name}, load average ${run.loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${run.loadAfter.map((l) => l.toFixed(2)).join(' ')} after`,
    '| run | requests/s | p50 ms | p95 ms | p99 ms | errors | ratio to bare max | server CPU µs/request | server main thread busy | load tool CPU µs/request | machine busy, cores |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { label, result, cpuUsPerRequest, serverMainThreadBusy, loadToolCpuUsPerRequest, machineBusyCores } of run.rows) {
    const { p50, p95, p99 } = result.latencyMs;
    lines.push(
      `| ${label} | ${result.requestsPerSecond.toFixed(0)} | ${fixed(p50, 2)} | ${fixed(p95, 2)} | ${fixed(p99, 2)} | ${result.errorCount} | ${fixed(result.requestsPerSecond / bareMax, 2)} | ${fixed(cpuUsPerRequest, 0)} | ${fixed(serverMainThreadBusy, 2)} | ${fixed(loadToolCpuUsPerRequest, 0)} | ${fixed(machineBusyCores, 2)} |`,
    );
  }
  return lines.join('\n');
}

/** API requests/s at max rate over the bare server's, in the same run. */
export function ratioToBare(run: BuildRun, key: string): number {
  const bare = run.rows.find((row) => row.key === 'bare max')?.result.requestsPerSecond;
  const api = run.rows.find((row) => row.key === key)?.result.requestsPerSecond;
  return bare === undefined || api === undefined ? Number.NaN : api / bare;
}

const rowOf = (run: BuildRun, key: string): BenchRow | undefined => run.rows.find((row) => row.key === key);

const median = (values: readonly number[]): number => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * One line per pair: each format's ratio to bare for A and B and A's over B's, the fixed-rate
 * latency of both, and the load average over the pair; then the medians over the pairs.
 */
export interface Pair {
  readonly a: BuildRun;
  readonly b: BuildRun;
  readonly first: 'A' | 'B';
}

export function formatPairTable(pairs: readonly Pair[], formats: readonly string[], rate: number): string {
  const header = [
    'pair (first ran)',
    ...formats.map((format) => `${format} max / bare: A, B (A/B); server CPU µs/request A, B`),
    `${rate}/s p50 ms: A, B`,
    `${rate}/s p99 ms: A, B`,
    `${rate}/s achieved: A, B`,
    'load average (1 min) over the pair',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|---|${header.slice(1).map(() => '---:').join('|')}|`];
  const perFormat = new Map<string, number[]>(formats.map((format) => [format, []]));
  pairs.forEach(({ a, b, first }, index) => {
    const cells = formats.map((format) => {
      const [ra, rb] = [ratioToBare(a, `${format} max`), ratioToBare(b, `${format} max`)];
      perFormat.get(format)?.push(ra / rb);
      const [ca, cb] = [rowOf(a, `${format} max`)?.cpuUsPerRequest, rowOf(b, `${format} max`)?.cpuUsPerRequest];
      return `${fixed(ra, 2)}, ${fixed(rb, 2)} (${fixed(ra / rb, 2)}); ${fixed(ca, 0)}, ${fixed(cb, 0)}`;
    });
    const [fa, fb] = [rowOf(a, 'api rate')?.result, rowOf(b, 'api rate')?.result];
    const loads = [a.loadBefore[0], a.loadAfter[0], b.loadBefore[0], b.loadAfter[0]];
    lines.push(
      `| ${index + 1} (${first}) | ${cells.join(' | ')} | ${fixed(fa?.latencyMs.p50, 2)}, ${fixed(fb?.latencyMs.p50, 2)} | ${fixed(fa?.latencyMs.p99, 2)}, ${fixed(fb?.latencyMs.p99, 2)} | ` +
        `${fixed(fa?.requestsPerSecond, 0)}, ${fixed(fb?.requestsPerSecond, 0)} | ${Math.min(...loads).toFixed(2)}-${Math.max(...loads).toFixed(2)} |`,
    );
  });
  const medians = formats.map((format) => `A/B median ${fixed(median(perFormat.get(format) ?? []), 2)}`);
  lines.push(`| median of the pairs | ${medians.join(' | ')} | | | | |`);
  return lines.join('\n');
}
