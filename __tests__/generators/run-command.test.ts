/** `lab-generate run`: several datasets in one process, as the stack's generators container runs them. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { UsageError } from '../../generators/cli-args';
import { datasetModule } from '../../generators/datasets';
import { parseRunArgs, RUN_COMMAND as RUN } from '../../generators/run-args';
import { closedPortUrl } from '../support/closed-port';
import { burstAndStop, CLI, jsonLines, ROOT } from './cli-process';
import { schemaProblems } from './drive';

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...CLI, RUN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH } });
}

jest.setTimeout(120_000);

describe('parseRunArgs', () => {
  it('gives each group between -- its own dataset, rate, flags and health file', () => {
    const parsed = parseRunArgs(['server_logs', '--rate', '5', '--burst', '--health-file', '/tmp/a', '--', 'ratings', '--rate', '2', '--health-file', '/tmp/b'], { KAFKA_BROKERS: 'k:9092' });
    if (parsed.kind !== 'run') throw new Error('expected a run');
    expect(parsed.runs.map((r) => [r.dataset, r.rate, r.flags.burst, r.healthFile])).toEqual([
      ['server_logs', 5, true, '/tmp/a'],
      ['ratings', 2, undefined, '/tmp/b'],
    ]);
  });

  it('prints the run usage for --help, alone or after a dataset', () => {
    for (const args of [[], ['--help'], ['ratings', '--stdout', '--', 'server_logs', '--help']]) {
      const parsed = parseRunArgs(args, {});
      expect(parsed.kind === 'help' ? parsed.text : '').toMatch(/^Usage: lab-generate run <dataset> \[options\] \[-- <dataset> \[options\]\]\.\.\./);
    }
  });

  it.each([
    [['ratings', '--stdout', '--'], "dataset group 2 is empty: give '<dataset> [options]' between two '--'"],
    [['ratings', '--stdout', '--', 'ratings', '--stdout'], 'dataset group 2 (ratings): ratings is given twice; give each dataset once, with --workers for more producers'],
    [['ratings', '--stdout', '--health-file', '/tmp/h', '--', 'payments', '--stdout', '--health-file', '/tmp/h'], "dataset group 2 (payments): --health-file /tmp/h is also another dataset's"],
    [['ratings', '--stdout', '--', 'payments', '--stdout', '--rate', '0'], "dataset group 2 (payments): --rate '0' is not valid"],
  ])('%j is refused, naming the group', (args, message) => {
    expect(() => parseRunArgs(args, {})).toThrow(UsageError);
    expect(() => parseRunArgs(args, {})).toThrow(message);
  });
});

describe('lab-generate run', () => {
  it('produces every dataset with its own options, and each summary line names its dataset', () => {
    const result = run(['ratings', '--stdout', '--count', '3', '--', 'shop_transactions', '--stdout', '--count', '2', '--rate', '20']);
    expect(result.status).toBe(0);
    const records = jsonLines(result.stdout);
    const ratings = records.filter((r) => 'rating_id' in r);
    const shop = records.filter((r) => 'transaction_id' in r);
    expect([ratings.length, shop.length, records.length]).toEqual([3, 2, 5]);
    expect([...ratings.flatMap((r) => schemaProblems(datasetModule('ratings').schema, r)), ...shop.flatMap((r) => schemaProblems(datasetModule('shop_transactions').schema, r))]).toEqual([]);
    expect(result.stderr).toMatch(/^\[lab-generate ratings\] done: sent 3, not delivered 0/m);
    expect(result.stderr).toMatch(/^\[lab-generate shop_transactions\] done: sent 2, not delivered 0/m);
  });

  it('SIGUSR1 bursts the datasets that have a burst and leaves the others alone', async () => {
    const { code, stderr } = await burstAndStop([RUN, 'server_logs', '--stdout', '--rate', '100', '--error-probability', '0', '--burst-size', '40', '--', 'ratings', '--stdout', '--rate', '20'], 40);
    expect(code).toBe(0);
    expect(stderr).toContain('[lab-generate server_logs] SIGUSR1: anomaly triggered');
    expect(stderr).not.toContain('[lab-generate ratings] SIGUSR1');
    expect(stderr).toMatch(/^\[lab-generate\] SIGTERM: finishing \d+ messages in flight/m);
  });

  it('a dataset that cannot deliver stops the others and the process exits 1, saying which', async () => {
    const api = await closedPortUrl();
    const result = run(['ratings', '--stdout', '--rate', '50', '--', 'payments', '--via-api', api, '--rate', '5', '--delivery-timeout-ms', '1000']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^\[lab-generate payments\] NOT DELIVERED: /m);
    expect(result.stderr).toContain('[lab-generate] payments stopped with exit code 1, stopping the other datasets');
    expect(result.stderr).toMatch(/^\[lab-generate ratings\] done: sent \d+, not delivered 0/m);
  });
});
