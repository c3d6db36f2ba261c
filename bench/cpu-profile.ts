/**
 * Where a synth's CPU time goes, from a V8 CPU profile (`node --cpu-prof`): each sample is given
 * to one part of the work by its call stack, so the parts add up to the samples' total and a
 * regression (the transpiler back in every synth, a heavy import) shows as one part growing.
 */

import { readFileSync } from 'node:fs';

/** The parts of a `.cpuprofile` the benches read (bench:synth here, bench:payments in profile-windows.ts). */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }[];
  /** Microseconds of the monotonic clock, the one process.hrtime reads. */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export function readCpuProfile(file: string): CpuProfile {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CpuProfile>;
  if (!Array.isArray(parsed.nodes) || !Array.isArray(parsed.samples) || !Array.isArray(parsed.timeDeltas) || typeof parsed.startTime !== 'number') {
    throw new Error(`${file} is not a V8 CPU profile (no nodes, samples, timeDeltas or startTime); pass the .cpuprofile node --cpu-prof wrote`);
  }
  return parsed as CpuProfile;
}

export const PARTS = [
  'transpile (TypeScript compiler, ts-node)',
  'stack traces (formatting, source maps)',
  'transpile cache (hook lookups)',
  'module loading (resolve, read, compile)',
  'module top-level code (imports being evaluated)',
  'construct tree (buildApp)',
  'synth: resolve, validate, write JSON (app.synth)',
  'garbage collection',
  'V8 and native, outside JavaScript',
] as const;
export type Part = (typeof PARTS)[number];

type Frame = { functionName: string; url: string };

const isLoader = (f: Frame): boolean => f.url.startsWith('node:internal/modules/');
/** Native frames and Node's own non-loader modules (fs, path) work for whichever frame called them. */
const isNeutral = (f: Frame): boolean => f.url === '' || (f.url.startsWith('node:') && !isLoader(f));

/**
 * The part one sample belongs to; `stack` runs from the root to the sampled frame. Stack
 * formatting counts wherever it is called from (it calls nothing of ours). Otherwise the innermost
 * frame that is not neutral says who is working: the compiler, the loader, the hook, or code. Not
 * any frame: a require hook (ts-node's, ours) is below every module's top-level code and everything
 * that code runs, the whole synth included.
 */
export function partOf(stack: readonly Frame[]): Part | undefined {
  const leaf = stack[stack.length - 1];
  if (leaf.functionName === '(idle)') return undefined;
  if (leaf.functionName === '(garbage collector)') return 'garbage collection';
  if (leaf.functionName === '(program)') return 'V8 and native, outside JavaScript';
  if (stack.some((f) => /prepareStackTrace/i.test(f.functionName) || f.url.startsWith('node:internal/source_map/'))) return 'stack traces (formatting, source maps)';
  for (let i = stack.length - 1; i >= 0; i--) {
    const frame = stack[i];
    if (isNeutral(frame)) continue;
    if (/[\\/]node_modules[\\/](typescript|ts-node)[\\/]/.test(frame.url)) return 'transpile (TypeScript compiler, ts-node)';
    if (/[\\/]source-map-support[\\/]/.test(frame.url)) return 'stack traces (formatting, source maps)';
    if (isLoader(frame)) return 'module loading (resolve, read, compile)';
    if (/[\\/]scripts[\\/]ts-cache\.js$/.test(frame.url)) return 'transpile cache (hook lookups)';
    break;
  }
  if (stack.some((f) => f.functionName === 'synth' && /[\\/]cdktf[\\/]lib[\\/]app\.js$/.test(f.url))) return 'synth: resolve, validate, write JSON (app.synth)';
  if (stack.some((f) => f.functionName === 'buildApp')) return 'construct tree (buildApp)';
  return 'module top-level code (imports being evaluated)';
}

/** Milliseconds of samples per part, and per package (or project file) of the sampled frame. */
export function breakdown(profile: CpuProfile): { totalMs: number; parts: Map<Part, number>; selfByPackage: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number): Frame[] => {
    const stack: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!.callFrame);
    return stack.reverse();
  };
  const parts = new Map<Part, number>();
  const selfByPackage = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const stack = stackOf(id);
    const part = partOf(stack);
    if (!part) return;
    totalMs += ms;
    parts.set(part, (parts.get(part) ?? 0) + ms);
    const where = packageOf(stack[stack.length - 1].url);
    selfByPackage.set(where, (selfByPackage.get(where) ?? 0) + ms);
  });
  return { totalMs, parts, selfByPackage };
}

/** `cdktf`, `@faker-js/faker`, `node:internal/modules`, `(project)`, or `(native)`. */
export function packageOf(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 3).join('/');
  const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(url);
  return m ? m[1].replace('\\', '/') : '(project)';
}
