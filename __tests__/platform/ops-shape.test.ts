/**
 * What the ops CLIs share: the timeout table (and the README's copy of it), the poll
 * helper, ApplyError's layout, the exit codes and the --help text generated from the table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplyError, asApplyError } from '../../ops/apply-error';
import { main as connectMain } from '../../ops/connect/cli';
import { main as elasticsearchMain } from '../../ops/elasticsearch/cli';
import { main as kibanaMain } from '../../ops/kibana/cli';
import { main as pinotMain } from '../../ops/pinot/cli';
import { describeOutcome } from '../../ops/http-json';
import { main as ksqlMain } from '../../ops/ksql/cli';
import { done, pending, poll, WaitTimeout, type PollOptions } from '../../ops/poll';
import { allTimeoutSettings, formatSetting, readSetting, readTimeouts, TIMEOUTS } from '../../ops/timeouts';
import { callMain } from '../support/ops-cli';

const ROOT = join(__dirname, '..', '..');

describe('the timeout table', () => {
  it('names each variable after its tool and unit, once', () => {
    for (const [tool, table] of Object.entries(TIMEOUTS)) {
      for (const setting of Object.values(table)) {
        expect(setting.env).toMatch(new RegExp(`^${tool.toUpperCase()}_APPLY_[A-Z_]+_${setting.unit.toUpperCase()}$`));
      }
    }
    const names = allTimeoutSettings().map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives defaults in milliseconds, and takes overrides in the unit of the name', () => {
    expect(readTimeouts('connect', {})).toEqual({
      workerTimeoutMs: 300_000,
      runningTimeoutMs: 180_000,
      settleMs: 3_000,
      requestTimeoutMs: 60_000,
      pollMs: 1_000,
      probeTimeoutMs: 5_000,
    });
    expect(readTimeouts('elasticsearch', { ELASTICSEARCH_APPLY_HEALTH_TIMEOUT_S: '600', ELASTICSEARCH_APPLY_POLL_INTERVAL_MS: '250' })).toMatchObject({
      healthTimeoutMs: 600_000,
      pollMs: 250,
    });
    expect(readTimeouts('ksql', { KSQL_APPLY_PROBE_TIMEOUT_S: '0.5', KSQL_APPLY_COMMAND_TIMEOUT_S: ' ' })).toMatchObject({ probeTimeoutMs: 500, commandTimeoutMs: 120_000 });
  });

  it.each(['0', '-5', 'soon', '3m', 'Infinity', '86401'])('rejects %j, naming the variable, the value and what is allowed', (value) => {
    expect(() => readSetting(TIMEOUTS.connect.runningTimeoutMs, { CONNECT_APPLY_RUNNING_TIMEOUT_S: value })).toThrow(
      `CONNECT_APPLY_RUNNING_TIMEOUT_S='${value}' is not a positive number of seconds up to 86400 (one day) — set it to, for example, 180, or unset it for the default 180 s`,
    );
  });

  it('is the README table under "Deploy timeouts", row for row', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('### Deploy timeouts')[1].split(/\n##/)[0];
    const rows = [...section.matchAll(/^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [m[1], m[2].trim(), m[3].trim()]);
    expect(rows).toEqual(allTimeoutSettings().map((s) => [s.env, formatSetting(s), s.meaning]));
  });
});

describe('poll', () => {
  const options: PollOptions = {
    timeoutMs: 100,
    setting: TIMEOUTS.ksql.commandTimeoutMs,
    intervalMs: 10,
    timedOut: (last, seconds) => `the thing did not happen within ${seconds}s (last: ${last})`,
    fix: 'look at the thing',
  };

  it('asks until the answer is the awaited one', async () => {
    let asked = 0;
    await expect(poll(async () => (++asked < 3 ? pending(`answer ${asked}`) : done('ready')), options)).resolves.toBe('ready');
    expect(asked).toBe(3);
  });

  it('gives up at the deadline with what did not happen, the last answer, and the setting to raise', async () => {
    let asked = 0;
    const error = await poll(async () => pending(`answer ${++asked}`), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeout);
    const timeout = error as WaitTimeout;
    expect(timeout.description).toBe(`the thing did not happen within 0.1s (last: answer ${asked})`);
    expect(timeout.fix).toBe('look at the thing; on a slow machine, raise KSQL_APPLY_COMMAND_TIMEOUT_S (now 0.1 s)');
    // Never sleeps past its bound: at most one look per interval within it.
    expect(asked).toBeLessThanOrEqual(11);
  });

  it('counts from `since`, so that waits of one step share a deadline', async () => {
    let asked = 0;
    await expect(poll(async () => pending(`answer ${++asked}`), { ...options, since: Date.now() - 100 })).rejects.toThrow(WaitTimeout);
    expect(asked).toBe(1);
  });
});

describe('ApplyError', () => {
  it('names the object, the service\'s message and the fix; a ksqlDB statement with its file, line and text', () => {
    expect(new ApplyError({ label: 'connector "x"' }, 'delete', 'Kafka Connect', 'HTTP 500: boom', 'read the log').message).toBe(
      'delete connector "x" failed\nKafka Connect says: HTTP 500: boom\nfix: read the log',
    );
    expect(new ApplyError({ label: 'STREAM S', location: 'ksql/a.sql:3', statement: 'CREATE STREAM S\n  AS SELECT 1;' }, 'create', 'ksqlDB', 'no', 'yes').message).toBe(
      'ksql/a.sql:3: create STREAM S failed\nksqlDB says: no\nstatement:\n  CREATE STREAM S\n    AS SELECT 1;\nfix: yes',
    );
  });

  it('keeps a timeout\'s own fix (the setting to raise) and a server error\'s verbatim message', () => {
    const object = { label: 'index template "t"' };
    const timeout = asApplyError(new WaitTimeout('no yellow health', 'raise X'), object, 'put', 'Elasticsearch', 'other fix');
    expect([timeout.serverMessage, timeout.fix]).toEqual(['no yellow health', 'raise X']);
    const server = asApplyError(Object.assign(new Error('wrapped'), { serverMessage: 'verbatim' }), object, 'put', 'Elasticsearch', 'other fix');
    expect([server.serverMessage, server.fix]).toEqual(['verbatim', 'other fix']);
    expect(asApplyError(server, { label: 'other' }, 'delete', 'x', 'y')).toBe(server);
  });

  it('says which setting bounds a request that ran out of time', () => {
    const requestTimeout = { setting: TIMEOUTS.connect.requestTimeoutMs, ms: 60_000 };
    expect(describeOutcome({ networkError: 'the request timed out', timedOut: true }, String, requestTimeout)).toBe(
      'the request timed out (raise CONNECT_APPLY_REQUEST_TIMEOUT_S (now 60 s))',
    );
    expect(describeOutcome({ networkError: 'fetch failed (ECONNREFUSED)', timedOut: false }, String, requestTimeout)).toBe('fetch failed (ECONNREFUSED)');
  });
});

describe.each([
  ['ksql', ksqlMain],
  ['connect', connectMain],
  ['elasticsearch', elasticsearchMain],
  ['kibana', kibanaMain],
  ['pinot', pinotMain],
] as const)('ops/%s/cli.ts', (tool, main) => {
  it('--help describes the verbs, the environment and every timeout of the tool with its default, and exits 0', async () => {
    const { code, stdout, stderr } = await callMain(main, ['--help'], {});
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain(`usage: node --require ./scripts/ts-cache.js ops/${tool}/cli.ts apply|delete|--help`);
    expect(stdout).toMatch(/^ {2}apply +\S/m);
    expect(stdout).toMatch(/^ {2}delete +\S.*the delete succeeds at once/m);
    expect(stdout).toMatch(/^ {2}OBJECT_ENDPOINT +\S/m);
    expect(stdout).toMatch(/^ {2}OBJECT_SPEC +\S/m);
    for (const setting of Object.values(TIMEOUTS[tool])) {
      expect(stdout).toMatch(new RegExp(`^  ${setting.env} +${formatSetting(setting)}; `, 'm'));
    }
  });

  it('exits 2 with the usage on an unknown verb, no verb or extra arguments', async () => {
    for (const argv of [['create'], [], ['apply', 'now']]) {
      const { code, stderr } = await callMain(main, argv, {});
      expect(code).toBe(2);
      expect(stderr).toContain(`usage: ops/${tool}/cli.ts apply|delete|--help (got '${argv.join(' ')}')`);
    }
  });

  it('exits 1 naming the missing variable when it is not run by the stack', async () => {
    const { code, stderr } = await callMain(main, ['apply'], {});
    expect(code).toBe(1);
    expect(stderr).toContain('OBJECT_ENDPOINT is not set');
  });
});
