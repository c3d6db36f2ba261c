/**
 * The deployed lab's idle resource use per container: `docker stats` sampled over a window, as
 * the rehearsal's figures (BENCHMARKS.md, "Deploy rehearsal"). A figure, not a check.
 */
import { execFileSync } from 'node:child_process';
import { table } from './summary';

interface Sample {
  readonly cpu: number;
  readonly memMiB: number;
}

/** "12.5MiB / 128MiB" -> 12.5; docker prints B, KiB, MiB, GiB. */
export function parseMemory(usage: string): number {
  const m = /^([\d.]+)\s*([KMG]?i?B)/.exec(usage.trim());
  if (!m) return NaN;
  const factor: Record<string, number> = { B: 1 / 1048576, KiB: 1 / 1024, kB: 1 / 1024, MiB: 1, MB: 1, GiB: 1024, GB: 1024 };
  return Number(m[1]) * (factor[m[2]] ?? NaN);
}

function sampleOnce(prefix: string): Map<string, Sample> {
  const out = execFileSync('docker', ['stats', '--no-stream', '--format', '{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}'], { encoding: 'utf8' });
  const samples = new Map<string, Sample>();
  for (const line of out.split('\n')) {
    const [name, cpu, mem] = line.split('\t');
    if (!name?.startsWith(prefix)) continue;
    samples.set(name, { cpu: Number(cpu.replace('%', '')), memMiB: parseMemory(mem ?? '') });
  }
  return samples;
}

/** Mean CPU (% of one core) and mean memory per container of `project`, over `seconds`. */
export async function idleStats(project: string, seconds: number): Promise<string> {
  const all = new Map<string, Sample[]>();
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    for (const [name, s] of sampleOnce(`${project}-`)) all.set(name, [...(all.get(name) ?? []), s]);
    await new Promise((r) => setTimeout(r, 5_000));
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const rows = [...all]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => [name, mean(s.map((x) => x.cpu)).toFixed(1), mean(s.map((x) => x.memMiB)).toFixed(0), String(s.length)]);
  const totalCpu = [...all.values()].reduce((sum, s) => sum + mean(s.map((x) => x.cpu)), 0);
  const totalMem = [...all.values()].reduce((sum, s) => sum + mean(s.map((x) => x.memMiB)), 0);
  rows.push(['total', totalCpu.toFixed(1), totalMem.toFixed(0), '']);
  return table(['container', 'CPU % (mean)', 'memory MiB (mean)', 'samples'], rows);
}
