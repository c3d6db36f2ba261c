import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm run bench:synth`: median wall time of synthesizing the full default stack with the
 * command cdktf.json runs, against a minimal one-container app under `npx ts-node` (which
 * type-checks, as a default cdktf project does). Prints figures; asserts nothing.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = join(__dirname, '..');

function timeRun(label: string, command: string): number[] {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
    const start = process.hrtime.bigint();
    const result = spawnSync('sh', ['-c', command], {
      cwd: root,
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    rmSync(outdir, { recursive: true, force: true });
    if (result.status !== 0) {
      console.error(`${label} failed (exit ${result.status}):\n${result.stderr}`);
      process.exit(1);
    }
    times.push(ms);
    process.stderr.write(`  ${label} run ${i + 1}/${RUNS}: ${ms.toFixed(0)} ms\n`);
  }
  return times;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const appCommand = (JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8')) as { app: string }).app;
const full = median(timeRun('full stack (cdktf.json app)', appCommand));
const minimal = median(timeRun('minimal app (npx ts-node)', 'npx ts-node bench/minimal-app.ts'));

console.log(`synth benchmark, ${RUNS} runs each, median wall time`);
console.log(`  full default stack  : ${full.toFixed(0)} ms   (${appCommand})`);
console.log(`  minimal one-container app under npx ts-node: ${minimal.toFixed(0)} ms`);
console.log(`  ratio full / minimal: ${(full / minimal).toFixed(2)} (goal: <= 1.00)`);
