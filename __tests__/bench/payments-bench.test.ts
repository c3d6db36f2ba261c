/**
 * The pieces of bench:payments that turn measurements into figures: a CPU profile split by time
 * window, the A/B pair table and a process's CPU time. The benchmark itself needs Kafka and is
 * run by hand; these run on made-up inputs.
 */
import type { CpuProfile } from '../../bench/cpu-profile';
import { summarizeWindow } from '../../bench/profile-windows';
import { formatPairTable, formatRunTable, ratioToBare, type BenchRow, type BuildRun } from '../../bench/payments-ab';
import { machineCpuMs, mainThreadCpuMs, parseProcStat, processCpuMs } from '../../bench/process-cpu';
import type { LoadResult } from '../../payments/load';

const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

describe('summarizeWindow', () => {
  // Samples every 1,000 µs from 10,000: a, a, idle, b, a, b.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('a', 'file:///root/payments/app.ts', 9) },
      { id: 2, callFrame: frame('b', 'file:///root/node_modules/kafkajs/src/x.js') },
      { id: 3, callFrame: frame('(idle)', '') },
    ],
    startTime: 9_000,
    endTime: 16_000,
    samples: [1, 1, 3, 2, 1, 2],
    timeDeltas: [1_000, 1_000, 1_000, 1_000, 1_000, 1_000],
  };

  it('counts only the samples inside the window, by function and by file, idle time apart', () => {
    const whole = summarizeWindow(profile, 0, 100_000, { root: '/root' });
    expect(whole.busyMs).toBe(4);
    expect(whole.totalMs).toBe(5);
    expect(whole.functions.map((f) => [f.name, f.ms])).toEqual([
      ['a payments/app.ts:10', 3],
      ['b node_modules/kafkajs:1', 1],
    ]);
    expect(whole.files.map((f) => f.name)).toEqual(['payments/app.ts', 'node_modules/kafkajs']);
    const part = summarizeWindow(profile, 13_000, 15_000, { root: '/root' });
    expect(part.functions.map((f) => [f.name, f.share])).toEqual([
      ['b node_modules/kafkajs:1', 0.5],
      ['a payments/app.ts:10', 0.5],
    ]);
  });
});

const result = (requestsPerSecond: number, p50 = 1, p99 = 2): LoadResult => ({
  requests: requestsPerSecond,
  ok: requestsPerSecond,
  errors: {},
  errorCount: 0,
  elapsedSeconds: 1,
  requestsPerSecond,
  latencyMs: { p50, p95: p99, p99, max: p99, mean: p50 },
});
const row = (key: string, rps: number, p50?: number, p99?: number): BenchRow => ({ key, label: key, result: result(rps, p50, p99), cpuUsPerRequest: key === 'json max' ? rps / 100 : undefined });
const run = (name: string, bare: number, json: number, rateP50: number): BuildRun => ({
  build: { name, root: '/' },
  rows: [row('bare max', bare), row('json max', json), row('api rate', 5_000, rateP50, 40)],
  loadBefore: [2, 2, 2],
  loadAfter: [3, 3, 3],
});

describe('the A/B pair table', () => {
  it('gives each run its ratio to the bare server beside it, A over B per pair and the median of the pairs', () => {
    const pairs = [
      { a: run('A', 10_000, 9_000, 3), b: run('B', 8_000, 6_000, 4), first: 'A' as const },
      { a: run('A', 5_000, 4_000, 3), b: run('B', 10_000, 8_000, 4), first: 'B' as const },
      { a: run('A', 10_000, 10_000, 3), b: run('B', 10_000, 5_000, 4), first: 'A' as const },
    ];
    expect(ratioToBare(pairs[0].a, 'json max')).toBeCloseTo(0.9);
    const table = formatPairTable(pairs, ['json'], 5_000).split('\n');
    expect(table[2]).toBe('| 1 (A) | 0.90, 0.75 (1.20); 90, 60 | 3.00, 4.00 | 40.00, 40.00 | 5000, 5000 | 2.00-3.00 |');
    expect(table[3]).toContain('| 2 (B) | 0.80, 0.80 (1.00); 40, 80 |');
    expect(table[5]).toBe('| median of the pairs | A/B median 1.20 | | | | |');
  });
});

describe('processCpuMs', () => {
  it('reads a live process (this one) and nothing for one that is not there', () => {
    const before = processCpuMs(process.pid);
    let spin = 0;
    for (const end = Date.now() + 50; Date.now() < end; ) spin++;
    expect(spin).toBeGreaterThan(0);
    expect(processCpuMs(process.pid)).toBeGreaterThanOrEqual(before ?? Number.NaN);
    expect(processCpuMs(2 ** 22 + 1)).toBeUndefined();
    // The spin ran on this process's main thread: its CPU is part of the process's, never more.
    expect(mainThreadCpuMs(process.pid)).toBeGreaterThan(0);
    expect(mainThreadCpuMs(process.pid)).toBeLessThanOrEqual(processCpuMs(process.pid) ?? Number.NaN);
    expect(mainThreadCpuMs(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('the per-run table', () => {
  it('gives the load tool\'s CPU per request and the cores the machine kept busy, "-" where not measured', () => {
    const measured: BuildRun = {
      ...run('A', 10_000, 8_000, 3),
      rows: [{ ...row('bare max', 10_000), serverMainThreadBusy: 0.934, loadToolCpuUsPerRequest: 152.4, machineBusyCores: 1.936 }, row('json max', 8_000)],
    };
    const lines = formatRunTable(measured).split('\n');
    expect(lines[1]).toContain('| server main thread busy | load tool CPU µs/request | machine busy, cores |');
    expect(lines[3]).toBe('| bare max | 10000 | 1.00 | 2.00 | 2.00 | 0 | 1.00 | - | 0.93 | 152 | 1.94 |');
    expect(lines[4]).toBe('| json max | 8000 | 1.00 | 2.00 | 2.00 | 0 | 0.80 | 80 | - | - | - |');
  });
});

describe('parseProcStat', () => {
  it('counts everything but idle and iowait as busy, in ms at 100 ticks per second', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice
    expect(parseProcStat('cpu  100 5 40 800 10 2 3 40 0 0\ncpu0 50 2 20 400 5 1 1 20 0 0\n')).toEqual({ busyMs: 1_900, totalMs: 10_000 });
  });

  it('refuses a text that is not /proc/stat', () => {
    expect(parseProcStat('intr 1 2 3\n')).toBeUndefined();
    expect(parseProcStat('cpu  1 2 x 4 5\n')).toBeUndefined();
  });

  it('reads this machine: busy time never goes back and stays within the total', () => {
    const first = machineCpuMs();
    expect(first).toBeDefined();
    const second = machineCpuMs();
    expect(second?.busyMs).toBeGreaterThanOrEqual(first?.busyMs ?? Number.NaN);
    expect(second?.busyMs).toBeLessThanOrEqual(second?.totalMs ?? Number.NaN);
  });
});
