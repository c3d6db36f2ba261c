/**
 * ops/ksql/cli.ts as a RestObject provisioner runs it: OBJECT_ENDPOINT and OBJECT_SPEC in the
 * environment, the verb as argument. FakeKsqlDb stands in for ksqlDB, which cannot run here.
 */
import { main } from '../../ops/ksql/cli';
import { closedPortUrl } from '../support/closed-port';
import { callMain, spawnOps } from '../support/ops-cli';
import { FakeKsqlDb } from './fake-ksqldb';

const spec = {
  file: 'ksql/test.sql',
  line: 7,
  name: 'PAYMENTS_RAW',
  kind: 'STREAM',
  form: 'CREATE',
  statement: "CREATE STREAM PAYMENTS_RAW (ID VARCHAR) WITH (KAFKA_TOPIC='payments_raw', VALUE_FORMAT='JSON');",
};

let fake: FakeKsqlDb;
let env: Record<string, string>;

beforeEach(async () => {
  fake = new FakeKsqlDb();
  env = { OBJECT_ENDPOINT: `${await fake.start()}/`, OBJECT_SPEC: JSON.stringify(spec), KSQL_APPLY_POLL_INTERVAL_MS: '10' };
});

afterEach(async () => {
  await fake.stop();
});

it('applies then deletes the object in OBJECT_SPEC and exits 0', async () => {
  const applied = await callMain(main, ['apply'], env);
  expect(applied.code).toBe(0);
  expect(fake.sources.has('PAYMENTS_RAW')).toBe(true);
  expect(applied.stdout).toContain('[ksql] created STREAM PAYMENTS_RAW (ksql/test.sql:7)');
  const deleted = await callMain(main, ['delete'], env);
  expect(deleted.code).toBe(0);
  expect(fake.sources.has('PAYMENTS_RAW')).toBe(false);
  expect(applied.stderr + deleted.stderr).toBe('');
});

it('runs as the exact command of the stack\'s provisioners', async () => {
  const applied = await spawnOps('ksql', 'apply', env);
  expect(applied.stderr).toBe('');
  expect(applied.code).toBe(0);
  expect(applied.stdout).toContain('[ksql] created STREAM PAYMENTS_RAW (ksql/test.sql:7)');
  expect(fake.sources.has('PAYMENTS_RAW')).toBe(true);
}, 30_000);

it('exits 1 with file, line, statement and ksqlDB message on stderr when ksqlDB rejects the statement', async () => {
  const bad = { ...spec, statement: "CREATE STREAM PAYMENTS_RAW WITH (KAFKA_TOPIC='x') AS SELECT * FROM NOWHERE;" };
  const { code, stderr } = await callMain(main, ['apply'], { ...env, OBJECT_SPEC: JSON.stringify(bad) });
  expect(code).toBe(1);
  expect(stderr).toContain('ksql/test.sql:7: create STREAM PAYMENTS_RAW failed');
  expect(stderr).toContain('ksqlDB says: Exception while preparing statement: NOWHERE does not exist.');
  expect(stderr).toContain("  CREATE STREAM PAYMENTS_RAW WITH (KAFKA_TOPIC='x') AS SELECT * FROM NOWHERE;");
});

it('exits 2 on an unknown verb and 1 on a spec that is not a ksql object spec', async () => {
  const usage = await callMain(main, ['create'], env);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain("usage: ops/ksql/cli.ts apply|delete|--help (got 'create')");
  const badSpec = await callMain(main, ['apply'], { ...env, OBJECT_SPEC: '{"name":"X"}' });
  expect(badSpec.code).toBe(1);
  expect(badSpec.stderr).toContain('OBJECT_SPEC lacks file, line, kind, form, statement');
});

it('exits 1 naming the variable when a timeout setting is invalid', async () => {
  const { code, stderr } = await callMain(main, ['apply'], { ...env, KSQL_APPLY_STARTUP_TIMEOUT_S: '-1' });
  expect(code).toBe(1);
  expect(stderr).toContain("KSQL_APPLY_STARTUP_TIMEOUT_S='-1' is not a positive number");
  expect(fake.requests).toHaveLength(0);
});

it('delete succeeds at once when ksqlDB is gone (destroy must not stop half way), and says so', async () => {
  const started = Date.now();
  const { code, stdout, stderr } = await callMain(main, ['delete'], { ...env, OBJECT_ENDPOINT: await closedPortUrl() });
  expect(code).toBe(0);
  // Without the probe it would wait KSQL_APPLY_STARTUP_TIMEOUT_S (300 s) for ksqlDB to come up.
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(stdout).toContain('[ksql] ksql: STREAM PAYMENTS_RAW (ksql/test.sql:7): nothing answers at');
  expect(stderr).toBe('');
});

it('delete still fails, naming the object, when ksqlDB answers and refuses the drop', async () => {
  expect((await callMain(main, ['apply'], env)).code).toBe(0);
  fake.failNextCommandWith = 'Cannot drop PAYMENTS_RAW: it is read by another query';
  const { code, stderr } = await callMain(main, ['delete'], env);
  expect(code).toBe(1);
  expect(stderr).toContain('PAYMENTS_RAW');
  expect(stderr).toContain('Cannot drop PAYMENTS_RAW');
});
