import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { breakdown, PARTS, readCpuProfile } from './cpu-profile';

/**
 * `npm run bench:synth`: wall time of synthesizing the full default stack with the command
 * cdktf.json runs, against a minimal one-container app under `npx ts-node` (which type-checks, as
 * a default cdktf project does), the two run in turn so that a machine getting busier slows both.
 * Then one profiled synth, split into parts (transpile, module loading, construct tree, JSON
 * writing...), so that a regression says where it is. Prints figures; asserts nothing.
 *
 * BENCH_RUNS: runs of each (default 5). BENCH_APP: another command in cdktf.json's place (the
 * command before a change, to compare).
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = join(__dirname, '..');
const appCommand = process.env.BENCH_APP ?? (JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8')) as { app: string }).app;
const minimalCommand = 'npx ts-node bench/minimal-app.ts';

/** Wall milliseconds of one run of `command` in the project root, synthesizing into a temporary folder. */
function timeRun(label: string, command: string, env: NodeJS.ProcessEnv = {}): number {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const start = process.hrtime.bigint();
  const result = spawnSync('sh', ['-c', command], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1', ...env },
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0) {
    console.error(`${label} failed (exit ${result.status}):\n${result.stderr}`);
    process.exit(1);
  }
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const ms = (x: number): string => `${x.toFixed(0).padStart(6)} ms`;

const loadBefore = load();

// The first synth after a change to the sources transpiles them (the require hook's cache is empty
// for them): measured once with an empty cache of its own, reported apart.
const coldCache = mkdtempSync(join(tmpdir(), 'bench-synth-cache-'));
const cold = timeRun('full stack, empty transpile cache', appCommand, { LAB_TS_CACHE_DIR: coldCache });
rmSync(coldCache, { recursive: true, force: true });
process.stderr.write(`  full stack, empty transpile cache: ${cold.toFixed(0)} ms\n`);

// One run of each not counted: fills the project's cache, and the file system cache for both.
timeRun('full stack (warm-up)', appCommand);
timeRun('minimal app (warm-up)', minimalCommand);

const full: number[] = [];
const minimal: number[] = [];
for (let i = 0; i < RUNS; i++) {
  full.push(timeRun('full stack', appCommand));
  minimal.push(timeRun('minimal app', minimalCommand));
  process.stderr.write(`  run ${i + 1}/${RUNS}: full ${full[i].toFixed(0)} ms, minimal ${minimal[i].toFixed(0)} ms\n`);
}
const pairRatios = full.map((f, i) => f / minimal[i]);

// One profiled synth (Node refuses --cpu-prof in NODE_OPTIONS, so it goes after the command's `node`).
if (!/^node\s/.test(appCommand)) {
  console.error(`cannot profile: the app command does not start with "node ": ${appCommand}`);
  process.exit(1);
}
const profileDir = mkdtempSync(join(tmpdir(), 'bench-synth-profile-'));
timeRun('full stack (profiled)', appCommand.replace(/^node/, `node --cpu-prof --cpu-prof-dir=${profileDir}`));
const profileFile = join(profileDir, readdirSync(profileDir)[0]);
const profile = breakdown(readCpuProfile(profileFile));
rmSync(profileDir, { recursive: true, force: true });

const loadAfter = load();

console.log(`synth benchmark, ${new Date().toISOString().slice(0, 10)}, ${RUNS} runs each in turn after one warm-up each, median wall time`);
console.log(`  load average before: ${loadBefore}; after: ${loadAfter}`);
console.log(`  full default stack  : ${ms(median(full))}   (${appCommand})`);
console.log(`  minimal one-container app under npx ts-node: ${ms(median(minimal))}`);
console.log(`  ratio full / minimal: ${(median(full) / median(minimal)).toFixed(2)} (goal: <= 1.00); per pair: ${pairRatios.map((r) => r.toFixed(2)).join(' ')}`);
console.log(`  full default stack, empty transpile cache (first synth after a change): ${ms(cold)}`);
console.log(`profile of one full synth: ${profile.totalMs.toFixed(0)} ms of samples`);
for (const part of PARTS) {
  const t = profile.parts.get(part) ?? 0;
  console.log(`  ${ms(t)} ${((100 * t) / profile.totalMs).toFixed(0).padStart(3)}%  ${part}`);
}
console.log('  self time by package (top 6):');
for (const [where, t] of [...profile.selfByPackage].sort((a, b) => b[1] - a[1]).slice(0, 6)) {
  console.log(`    ${ms(t)}  ${where}`);
}
