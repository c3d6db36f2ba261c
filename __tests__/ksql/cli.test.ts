/**
 * ops/ksql/cli.ts as a RestObject provisioner runs it: OBJECT_ENDPOINT and OBJECT_SPEC in the
 * environment, the verb as argument. FakeKsqlDb stands in for ksqlDB, which cannot run here.
 */
import { main } from '../../ops/ksql/cli';
import { closedPortUrl } from '../support/closed-port';
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
let env: NodeJS.ProcessEnv;
let stderr: string;
let stdout: string;

beforeEach(async () => {
  fake = new FakeKsqlDb();
  env = { OBJECT_ENDPOINT: `${await fake.start()}/`, OBJECT_SPEC: JSON.stringify(spec), KSQL_APPLY_POLL_INTERVAL_MS: '10' };
  stderr = '';
  stdout = '';
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
});

afterEach(async () => {
  jest.restoreAllMocks();
  await fake.stop();
});

it('applies then deletes the object in OBJECT_SPEC and exits 0', async () => {
  expect(await main(['apply'], env)).toBe(0);
  expect(fake.sources.has('PAYMENTS_RAW')).toBe(true);
  expect(stdout).toContain('[ksql] created STREAM PAYMENTS_RAW (ksql/test.sql:7)');
  expect(await main(['delete'], env)).toBe(0);
  expect(fake.sources.has('PAYMENTS_RAW')).toBe(false);
  expect(stderr).toBe('');
});

it('exits 1 with file, line, statement and ksqlDB message on stderr when ksqlDB rejects the statement', async () => {
  const bad = { ...spec, statement: "CREATE STREAM PAYMENTS_RAW WITH (KAFKA_TOPIC='x') AS SELECT * FROM NOWHERE;" };
  expect(await main(['apply'], { ...env, OBJECT_SPEC: JSON.stringify(bad) })).toBe(1);
  expect(stderr).toContain('ksql/test.sql:7: create STREAM PAYMENTS_RAW failed');
  expect(stderr).toContain('ksqlDB says: Exception while preparing statement: NOWHERE does not exist.');
  expect(stderr).toContain("  CREATE STREAM PAYMENTS_RAW WITH (KAFKA_TOPIC='x') AS SELECT * FROM NOWHERE;");
});

it('exits 2 on an unknown verb and 1 on a spec that is not a ksql object spec', async () => {
  expect(await main(['create'], env)).toBe(2);
  expect(stderr).toContain("usage: cli.ts apply|delete (got 'create')");
  expect(await main(['apply'], { ...env, OBJECT_SPEC: '{"name":"X"}' })).toBe(1);
  expect(stderr).toContain('OBJECT_SPEC lacks file, line, kind, form, statement');
});

it('exits 1 naming the variable when a timeout setting is invalid', async () => {
  expect(await main(['apply'], { ...env, KSQL_APPLY_STARTUP_TIMEOUT_S: '-1' })).toBe(1);
  expect(stderr).toContain("KSQL_APPLY_STARTUP_TIMEOUT_S='-1' is not a positive number");
  expect(fake.requests).toHaveLength(0);
});

it('delete succeeds at once when ksqlDB is gone (destroy must not stop half way), and says so', async () => {
  const started = Date.now();
  expect(await main(['delete'], { ...env, OBJECT_ENDPOINT: await closedPortUrl() })).toBe(0);
  // Without the probe it would wait KSQL_APPLY_STARTUP_TIMEOUT_S (300 s) for ksqlDB to come up.
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(stdout).toContain('[ksql] ksql: STREAM PAYMENTS_RAW (ksql/test.sql:7): nothing answers at');
  expect(stderr).toBe('');
});

it('delete still fails, naming the object, when ksqlDB answers and refuses the drop', async () => {
  expect(await main(['apply'], env)).toBe(0);
  fake.failNextCommandWith = 'Cannot drop PAYMENTS_RAW: it is read by another query';
  expect(await main(['delete'], env)).toBe(1);
  expect(stderr).toContain('PAYMENTS_RAW');
  expect(stderr).toContain('Cannot drop PAYMENTS_RAW');
});
