/** The real CLI entry, spawned as a user runs it (through ts-node, as `npm run generate` does). */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetModule } from '../../generators/datasets';
import { DATASET_NAMES } from '../../pipelines/datasets';
import { burstAndStop, CLI, jsonLines, ROOT } from './cli-process';
import { schemaProblems } from './drive';

function cli(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, ...env } });
}

jest.setTimeout(120_000);

describe('lab-generate CLI', () => {
  it('npm run generate -- ratings --stdout --count 3 prints three ratings as JSON lines', () => {
    const result = spawnSync('npm', ['run', '--silent', 'generate', '--', 'ratings', '--stdout', '--count', '3'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    const records = jsonLines(result.stdout);
    expect(records).toHaveLength(3);
    for (const record of records) expect(schemaProblems(datasetModule('ratings').schema, record)).toEqual([]);
  });

  it.each(DATASET_NAMES.map((name) => [name]))('%s --stdout prints records of its schema', (name) => {
    // Reference sets pause --refresh-ms (default 5 minutes) after each full pass.
    const refresh = name === 'clickstream_codes' || name === 'clickstream_users' ? ['--refresh-ms', '10'] : [];
    const result = cli([name, '--stdout', '--count', '25', '--seed', '3', ...refresh]);
    expect(result.stderr).toMatch(/done: sent 25, not delivered 0/);
    expect(result.status).toBe(0);
    const records = jsonLines(result.stdout);
    expect(records).toHaveLength(25);
    expect(records.flatMap((record) => schemaProblems(datasetModule(name).schema, record))).toEqual([]);
  });

  it('--seed with --start-time reproduces the output byte for byte; event time starts there, 1000/rate ms apart', () => {
    const args = ['clickstream', '--stdout', '--count', '50', '--seed', '77', '--start-time', '2024-03-01T12:00:00Z', '--rate', '1000'];
    const first = cli(args);
    const second = cli(args);
    expect(first.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const times = jsonLines(first.stdout).map((record) => record.ts);
    expect(times[0]).toBe(Date.UTC(2024, 2, 1, 12));
    expect(times[49]).toBe(Date.UTC(2024, 2, 1, 12) + 49);
    expect(cli([...args.slice(0, 5), '78', ...args.slice(6)]).stdout).not.toBe(first.stdout);
  });

  it('--help prints the usage with every dataset and exits 0', () => {
    const result = cli(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: lab-generate <dataset> \[options\]/);
    for (const name of DATASET_NAMES) expect(result.stdout).toContain(name);
  });

  it.each([
    [['nope'], `lab-generate: unknown dataset 'nope'; allowed: ${[...DATASET_NAMES].sort().join(', ')}`],
    [['ratings', '--rate', 'x'], "lab-generate: --rate 'x' is not valid: expected a number above 0 and at most 10000000, or 'unlimited'"],
    [['ratings', '--stdout', '--rate', '0'], "lab-generate: --rate '0' is not valid: expected a number above 0 and at most 10000000, or 'unlimited' (0 no longer means unlimited: write --rate unlimited)"],
    [['moodle_logs'], 'lab-generate: moodle_logs writes rows into MariaDB: set MOODLE_DB_URL='],
    [['moodle_logs', '--db-url', 'mysql://nobody@db'], 'lab-generate: database URL names no database'],
    [['ratings', '--brokers', 'kafka'], "lab-generate: --brokers 'kafka' is not valid: broker 'kafka' is not host:port"],
    [['bank_transactions', '--stdout', '--users', '3', '--suspicious-users', '5'], 'lab-generate: --suspicious-users (5) must be below --users (3)'],
  ])('%j exits 2 and says why', (args, message) => {
    const result = cli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Run 'lab-generate --help' for the options.");
    expect(result.stdout).toBe('');
  });

  it('SIGUSR1 triggers the on-demand anomaly of a running generator (a server_logs error burst)', async () => {
    const { code, stderr } = await burstAndStop(['server_logs', '--stdout', '--rate', '100', '--error-probability', '0', '--burst-size', '40'], 40);
    expect(code).toBe(0);
    expect(stderr).toContain('SIGUSR1: anomaly triggered');
  });

  it('SIGTERM finishes what is in flight and exits 0; the health file is touched while running', async () => {
    const healthFile = join(mkdtempSync(join(tmpdir(), 'lab-cli-')), 'healthy');
    const child = spawn(process.execPath, [...CLI, 'shop_transactions', '--stdout', '--rate', '200', '--health-file', healthFile], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolveFirst) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolveFirst();
      }),
    );
    // Written beside and renamed into place, so it may land just after the first record.
    for (let i = 0; i < 100 && !existsSync(healthFile); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(healthFile)).toBe(true);
    const exit = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).toMatch(/SIGTERM: finishing \d+ messages in flight \(at most 8000 ms\), then exiting/);
    const printed = jsonLines(stdout).length;
    expect(stderr).toContain(`done: sent ${printed}, not delivered 0`);
  });
});
