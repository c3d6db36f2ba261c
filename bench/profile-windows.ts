/**
 * Where the time of a window of a V8 CPU profile (node --cpu-prof; read by cpu-profile.ts) went: self time
 * per function and per source file. bench:payments uses it to split one profile of the API
 * process into its runs (max rate per format, fixed rate), since the profile covers the whole life
 * of the process. Timestamps are the profile's own (microseconds of the monotonic clock, the one
 * process.hrtime reads), so a window taken by another process on the same machine lines up.
 */
import { relative } from 'node:path';
import type { CpuProfile } from './cpu-profile';

export interface Share {
  readonly name: string;
  /** Milliseconds of samples in the window. */
  readonly ms: number;
  /** Fraction of the window's busy time (idle samples left out). */
  readonly share: number;
}

export interface WindowSummary {
  /** Sampled time in the window, idle included, ms. */
  readonly totalMs: number;
  /** Sampled time the process was not idle, ms. */
  readonly busyMs: number;
  readonly functions: readonly Share[];
  readonly files: readonly Share[];
}

/** node_modules/<package> for dependencies, the path from `root` for the project's files, node's own as they are. */
function fileOf(url: string, root: string): string {
  if (url === '') return '(native, GC, idle)';
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules !== null) return `node_modules/${inModules[1]}`;
  return path.startsWith('/') ? relative(root, path) : path;
}

const IDLE = '(idle)';

function ranked(times: ReadonlyMap<string, number>, busyMs: number, top: number): Share[] {
  return [...times]
    .filter(([name]) => name !== IDLE)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => ({ name, ms, share: busyMs > 0 ? ms / busyMs : 0 }));
}

/** Self time per function and file of the samples taken from `fromUs` to `toUs` (profile clock). */
export function summarizeWindow(profile: CpuProfile, fromUs: number, toUs: number, options: { root: string; top?: number }): WindowSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    if (at < fromUs || at >= toUs) continue;
    // A sample stands for the time until the next one.
    const ms = (i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0) / 1000;
    const frame = byId.get(profile.samples[i])?.callFrame;
    if (frame === undefined) continue;
    totalMs += ms;
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    if (name === IDLE) {
      idleMs += ms;
      continue;
    }
    const file = fileOf(frame.url, options.root);
    const where = frame.url === '' ? name : `${name} ${file}:${frame.lineNumber + 1}`;
    functions.set(where, (functions.get(where) ?? 0) + ms);
    files.set(file, (files.get(file) ?? 0) + ms);
  }
  const busyMs = totalMs - idleMs;
  const top = options.top ?? 15;
  return { totalMs, busyMs, functions: ranked(functions, busyMs, top), files: ranked(files, busyMs, top) };
}

export function formatWindowSummary(label: string, summary: WindowSummary): string {
  const row = (share: Share): string => `    ${(share.share * 100).toFixed(1).padStart(5)}%  ${share.ms.toFixed(0).padStart(6)} ms  ${share.name}`;
  return [
    `${label}: ${summary.busyMs.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms sampled`,
    '  self time by file:',
    ...summary.files.map(row),
    '  self time by function:',
    ...summary.functions.map(row),
  ].join('\n');
}
