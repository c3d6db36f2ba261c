/**
 * `npm run bench:app-healthchecks`: CPU time of one health check of the lab's own containers (the
 * generators and the payments API), the Node.js checks the stack used until commit "Health checks
 * of the lab's own containers in bash" (then in each of ten generator containers) against the bash
 * ones it synthesizes now (one generators container, whose check reads every dataset's health
 * file). Docker runs each every 10 s.
 *
 * Each check runs BENCH_RUNS times (default 100) in a row under one bash, whose `times` builtin
 * gives the user and system CPU of its children; the checks run on this machine (its bash 5.2 and
 * its Node.js, as the app image has) against a fresh health file and a local HTTP server that
 * answers /healthz on 127.0.0.1:8000, where the synthesized payments check looks. Prints figures;
 * asserts nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { healthFileLine } from '../generators/runtime/health';
import { PAYMENTS_API_PORT } from '../platform/app';
import { synthesizedContainers } from './synthesized';

const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const CHECKS_PER_SECOND = 1 / 10;
/** Generator containers, each with its own Node.js check, before one container ran every dataset. */
const GENERATORS_BEFORE = 10;

/** The generators' check before: the compiled generators/healthcheck.ts (stat the file, compare its age). */
const OLD_GENERATOR_CHECK = `
const { statSync } = require('node:fs');
const [path, maxAge] = process.argv.slice(2);
let modified;
try { modified = statSync(path).mtimeMs; } catch { process.stderr.write(path + ' does not exist\\n'); process.exit(1); }
const age = (Date.now() - modified) / 1000;
process.stdout.write(path + ' is ' + age.toFixed(1) + ' s old\\n');
process.exit(age <= Number(maxAge) ? 0 : 1);
`;

/** Children's CPU seconds (user + system) of RUNS runs of `check`, and whether every run passed. */
function cpuOf(check: readonly string[]): Promise<{ seconds: number; failures: number }> {
  const loop = `fail=0; for ((i=0;i<${RUNS};i++)); do "$@" >/dev/null 2>&1 || fail=$((fail+1)); done; echo "failures $fail"; times`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', loop, 'bench', ...check], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const lines = out.trim().split('\n');
      const failures = Number(/failures (\d+)/.exec(lines[0] ?? '')?.[1] ?? NaN);
      // `times`: the shell's own user/system, then its children's ("0m0.123s 0m0.045s").
      const children = [...(lines[2] ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      if (children.length !== 2) reject(new Error(`cannot read bash's times output: ${out}`));
      else resolve({ seconds: children[0] + children[1], failures });
    });
  });
}

function testOf(hostnamePrefix: string): string[] {
  const container = Object.values(synthesizedContainers()).find((c) => c.hostname.startsWith(hostnamePrefix));
  if (!container) throw new Error(`the default stack has no container whose hostname starts with ${hostnamePrefix}`);
  return [...container.healthcheck.test];
}

async function main(): Promise<void> {
  if (spawnSync('bash', ['-c', 'echo $EPOCHSECONDS']).stdout.toString().trim() === '') throw new Error('this bash has no EPOCHSECONDS (bash 5 or later is needed, as in the app image)');
  const dir = mkdtempSync(join(tmpdir(), 'bench-app-health-'));
  const server = createServer((_req, res) => res.writeHead(200).end('{"status":"ok"}'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`cannot listen on 127.0.0.1:${PAYMENTS_API_PORT}, where the payments check looks (${e.message}): stop the lab's payments API first`)));
    server.listen(PAYMENTS_API_PORT, '127.0.0.1', resolve);
  });
  try {
    const healthFile = join(dir, 'generator-healthy');
    writeFileSync(healthFile, healthFileLine());
    const oldScript = join(dir, 'old-healthcheck.js');
    writeFileSync(oldScript, OLD_GENERATOR_CHECK);
    // Every dataset's health file of the synthesized check, fresh, in this run's directory.
    const generators = testOf('generators')
      .slice(1)
      .map((a) => a.replace(/\/tmp\/(healthy-\w+)/g, (_, name: string) => join(dir, name)));
    for (const file of generators.join(' ').match(new RegExp(`${dir}/healthy-\\w+`, 'g')) ?? []) writeFileSync(file, healthFileLine());
    const variants: Array<[string, string[]]> = [
      ['one generator, node (before)', [process.execPath, oldScript, healthFile, '30']],
      ['every generator, bash (now)', generators],
      ['payments API, node fetch (before)', [process.execPath, '-e', `fetch('http://127.0.0.1:${PAYMENTS_API_PORT}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`]],
      ['payments API, bash /dev/tcp (now)', testOf('payments-api').slice(1)],
    ];
    process.stdout.write(`health checks of the lab's own containers: ${RUNS} runs each; ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    process.stdout.write(`${'check'.padEnd(36)} ${'CPU ms/check'.padStart(12)} ${'% of a core, every 10 s'.padStart(40)}  failures\n`);
    const perCheck: number[] = [];
    for (const [name, check] of variants) {
      const { seconds, failures } = await cpuOf(check);
      const perCheckMs = (seconds / RUNS) * 1000;
      perCheck.push(perCheckMs);
      process.stdout.write(`${name.padEnd(36)} ${perCheckMs.toFixed(2).padStart(12)} ${((perCheckMs / 1000) * CHECKS_PER_SECOND * 100).toFixed(2).padStart(40)}  ${failures}\n`);
    }
    // The stack's mix, every check every 10 s: before ten generator containers and the API, now one generators container and the API.
    const together = (generatorsMs: number, apiMs: number): string => `${(((generatorsMs + apiMs) / 1000 / 10) * 100).toFixed(2)}% of a core`;
    process.stdout.write(`the stack's generators and the API together: before ${together(GENERATORS_BEFORE * perCheck[0], perCheck[2])}, now ${together(perCheck[1], perCheck[3])}\n`);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
