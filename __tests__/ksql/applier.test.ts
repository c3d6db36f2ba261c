/**
 * The ksqlDB applier against FakeKsqlDb, an in-process HTTP server that follows ksqlDB's documented
 * REST shapes. The fake stands in for ksqlDB itself, which cannot run here (Confluent's image is on
 * no reachable registry and there is no Docker).
 */
import { asCreateOrReplace, KsqlApplier, specFromStatement, type KsqlObjectSpec } from '../../ops/ksql/applier';
import { normalizeStatement, sourceDifference, STATEMENT_FINGERPRINT_PROPERTY, statementFingerprint } from '../../ops/ksql/deployed-match';
import { parseScript } from '../../ksql-language/parser';
import { validateEnabledPipelineScripts } from '../../pipelines/scripts';
import { PIPELINE_NAMES, PIPELINES } from '../../pipelines/catalog';
import { clientOptionsFromEnv, KsqlRestClient, type KsqlClientOptions } from '../../ops/ksql/rest-client';
import { applyFailure } from '../support/ops-cli';
import { FakeKsqlDb } from './fake-ksqldb';

const SCRIPT = `-- a small pipeline: a source, a filter, an aggregate over the filter, an extra writer
CREATE STREAM PAYMENTS_RAW (ID VARCHAR, AMOUNT DOUBLE)
  WITH (KAFKA_TOPIC='payments_raw', VALUE_FORMAT='JSON');
CREATE STREAM BIG_PAYMENTS WITH (KAFKA_TOPIC='big_payments') AS
  SELECT * FROM PAYMENTS_RAW WHERE AMOUNT > 10000;
CREATE TABLE PAYMENTS_PER_ID WITH (KAFKA_TOPIC='payments_per_id') AS
  SELECT ID, COUNT(*) AS N FROM BIG_PAYMENTS GROUP BY ID;
INSERT INTO BIG_PAYMENTS WITH (QUERY_ID='BIG_PAYMENTS_REPLAY')
  SELECT * FROM PAYMENTS_RAW WHERE AMOUNT > 20000;
`;

const specs: KsqlObjectSpec[] = parseScript('ksql/test.sql', SCRIPT).statements.map(specFromStatement);
const [raw, big, perId, replay] = specs;

let fake: FakeKsqlDb;
let endpoint: string;
let logLines: string[];

function options(overrides: Partial<KsqlClientOptions> = {}): KsqlClientOptions {
  return { endpoint, startupTimeoutMs: 2000, commandTimeoutMs: 2000, pollIntervalMs: 10, requestTimeoutMs: 2000, ...overrides };
}

/** A fresh client and applier per object, as each provisioner runs the CLI in its own process. */
function applier(overrides: Partial<KsqlClientOptions> = {}): KsqlApplier {
  return new KsqlApplier(new KsqlRestClient(options(overrides)), (l) => logLines.push(l));
}

async function applyAll(list: readonly KsqlObjectSpec[] = specs): Promise<string[]> {
  const outcomes: string[] = [];
  for (const s of list) outcomes.push(await applier().apply(s));
  return outcomes;
}

beforeEach(async () => {
  fake = new FakeKsqlDb();
  endpoint = await fake.start();
  logLines = [];
});

afterEach(async () => {
  await fake.stop();
});

describe('apply', () => {
  it('creates each object in dependency order, with auto.offset.reset=earliest', async () => {
    expect(await applyAll()).toEqual(['created', 'created', 'created', 'created']);
    expect(fake.commands).toEqual(specs.map((s) => s.statement.replace(/;$/, '')));
    expect([...fake.sources.keys()]).toEqual(['PAYMENTS_RAW', 'BIG_PAYMENTS', 'PAYMENTS_PER_ID']);
    expect(fake.queries.has('BIG_PAYMENTS_REPLAY')).toBe(true);
    for (const r of fake.requests) expect(r.streamsProperties).toMatchObject({ 'ksql.streams.auto.offset.reset': 'earliest' });
    const creates = fake.requests.filter((r) => /^(CREATE|INSERT)/.test(r.ksql));
    expect(creates.map((r) => r.streamsProperties?.[STATEMENT_FINGERPRINT_PROPERTY])).toEqual(specs.map((s) => statementFingerprint(s.statement)));
  });

  it('passes the commandSequenceNumber of a command back on the next request', async () => {
    await applier().apply(raw);
    const create = fake.requests.findIndex((r) => r.ksql.startsWith('CREATE STREAM PAYMENTS_RAW'));
    expect(fake.requests[create].commandSequenceNumber).toBeUndefined();
    // The DESCRIBE that confirms the object waits for the CREATE's command (sequence number 1).
    expect(fake.requests[create + 1]).toMatchObject({ ksql: 'DESCRIBE `PAYMENTS_RAW`;', commandSequenceNumber: 1 });
  });

  it('fails on a statement whose source does not exist yet, naming file, line, statement and ksqlDB message', async () => {
    const err = await applyFailure(applier().apply(big));
    expect(err.message).toContain('ksql/test.sql:4: create STREAM BIG_PAYMENTS failed');
    expect(err.message).toContain('ksqlDB says: Exception while preparing statement: PAYMENTS_RAW does not exist.');
    expect(err.message).toContain("  CREATE STREAM BIG_PAYMENTS WITH (KAFKA_TOPIC='big_payments') AS\n    SELECT * FROM PAYMENTS_RAW WHERE AMOUNT > 10000;");
    expect(err.message).toMatch(/fix: /);
    expect(fake.sources.size).toBe(0);
  });

  it('does nothing when the object exists with the same statement', async () => {
    await applyAll();
    const commandsBefore = fake.commands.length;
    expect(await applyAll()).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(fake.commands.length).toBe(commandsBefore);
  });

  it('finds the declared objects in what ksqlDB stored rewritten, and sends each query its statement fingerprint', async () => {
    await applyAll();
    expect(fake.sources.get('PAYMENTS_RAW')!.statement).toContain('ID STRING');
    expect(fake.queries.get('BIG_PAYMENTS_REPLAY')!.overriddenProperties[STATEMENT_FINGERPRINT_PROPERTY]).toBe(statementFingerprint(replay.statement));
    expect(await applyAll()).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });

  it('replaces a query started without the fingerprint (by hand, or by an older deploy)', async () => {
    await applyAll();
    fake.queries.get('BIG_PAYMENTS_REPLAY')!.overriddenProperties = {};
    expect(await applier().apply(replay)).toBe('replaced');
    expect(logLines.join('\n')).toContain('query BIG_PAYMENTS_REPLAY was started without the applier\'s statement fingerprint');
  });

  it('recreates, with its dependents, a sink whose query is gone (a half-applied deploy)', async () => {
    await applyAll(specs.slice(0, 3));
    const query = [...fake.queries.keys()].find((id) => id.startsWith('CSAS_BIG_PAYMENTS'))!;
    fake.queries.delete(query);
    fake.rejectReplace.add('BIG_PAYMENTS');
    expect(await applier().apply({ ...big, dependents: [perId] })).toBe('recreated');
    expect(fake.commands.slice(3)).toEqual([
      expect.stringMatching(/^TERMINATE CTAS_PAYMENTS_PER_ID_\d+$/),
      'DROP TABLE `PAYMENTS_PER_ID`',
      'DROP STREAM `BIG_PAYMENTS`',
      big.statement.replace(/;$/, ''),
      perId.statement.replace(/;$/, ''),
    ]);
  });

  it('replaces a changed statement with CREATE OR REPLACE', async () => {
    await applyAll(specs.slice(0, 3));
    const changed = { ...big, statement: big.statement.replace('10000', '15000') };
    expect(await applier().apply(changed)).toBe('replaced');
    expect(fake.commands[fake.commands.length - 1]).toMatch(/^CREATE OR REPLACE STREAM BIG_PAYMENTS .*AMOUNT > 15000$/s);
    expect(fake.sources.get('BIG_PAYMENTS')!.statement).toContain('15000');
  });

  it('drops and recreates an object ksqlDB cannot replace in place when nothing reads it', async () => {
    await applyAll();
    fake.rejectReplace.add('PAYMENTS_PER_ID');
    const changed = { ...perId, statement: perId.statement.replace('COUNT(*) AS N', 'COUNT(*) AS PAYMENTS') };
    expect(await applier().apply(changed)).toBe('recreated');
    const tail = fake.commands.slice(-3);
    expect(tail[0]).toMatch(/^TERMINATE CTAS_PAYMENTS_PER_ID_\d+$/);
    expect(tail[1]).toBe('DROP TABLE `PAYMENTS_PER_ID`');
    expect(tail[2]).toContain('COUNT(*) AS PAYMENTS');
    expect(logLines.join('\n')).toContain('cannot replace PAYMENTS_PER_ID in place (Cannot upgrade data source');
  });

  it('replaces an object ksqlDB cannot replace in place together with its dependents: drops newest first, creates in graph order', async () => {
    await applyAll();
    const changed = { ...big, statement: big.statement.replace('10000', '15000'), dependents: [perId, replay] };
    fake.rejectReplace.add('BIG_PAYMENTS');
    expect(await applier().apply(changed)).toBe('recreated');
    expect(fake.commands.slice(4)).toEqual([
      'TERMINATE BIG_PAYMENTS_REPLAY',
      expect.stringMatching(/^TERMINATE CTAS_PAYMENTS_PER_ID_\d+$/),
      'DROP TABLE `PAYMENTS_PER_ID`',
      expect.stringMatching(/^TERMINATE CSAS_BIG_PAYMENTS_\d+$/),
      'DROP STREAM `BIG_PAYMENTS`',
      changed.statement.replace(/;$/, ''),
      perId.statement.replace(/;$/, ''),
      replay.statement.replace(/;$/, ''),
    ]);
    expect(await applyAll([raw, changed, perId, replay])).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  });

  it('replaces a sink with two writers with its dependents, as ksqlDB refuses CREATE OR REPLACE for it', async () => {
    await applyAll();
    const changed = { ...big, statement: big.statement.replace('10000', '15000'), dependents: [perId, replay] };
    expect(await applier().apply(changed)).toBe('recreated');
    expect(logLines.join('\n')).toContain('REPLACE for sink BIG_PAYMENTS is not supported because there are multiple queries writing into it');
    expect(fake.sources.get('BIG_PAYMENTS')!.statement).toContain('15000');
    expect([...fake.queries.keys()].sort()).toEqual([expect.stringMatching(/^CSAS_BIG_PAYMENTS_/), expect.stringMatching(/^CTAS_PAYMENTS_PER_ID_/), 'BIG_PAYMENTS_REPLAY'].sort());
  });

  it('fails with ksqlDB\'s message when objects it was not told about read the one to replace', async () => {
    await applyAll(specs.slice(0, 3));
    fake.rejectReplace.add('BIG_PAYMENTS');
    const changed = { ...big, statement: big.statement.replace('10000', '15000') };
    const err = await applyFailure(applier().apply(changed));
    expect(err.message).toContain('ksql/test.sql:4: drop STREAM BIG_PAYMENTS failed');
    expect(err.message).toContain('The following streams and/or tables read from this source: [PAYMENTS_PER_ID]');
  });

  it('restarts an INSERT INTO query whose statement changed, under the same query id', async () => {
    await applyAll();
    const changed = { ...replay, statement: replay.statement.replace('20000', '30000') };
    expect(await applier().apply(changed)).toBe('replaced');
    expect(fake.commands.slice(-2)).toEqual(['TERMINATE BIG_PAYMENTS_REPLAY', changed.statement.replace(/;$/, '')]);
    expect(fake.queries.get('BIG_PAYMENTS_REPLAY')!.queryString).toContain('30000');
  });

  it('waits for a queued command through GET /status/<commandId>', async () => {
    fake.pendingPolls = 3;
    expect(await applier().apply(raw)).toBe('created');
    expect(fake.statusPolls).toEqual(['stream/PAYMENTS_RAW/create', 'stream/PAYMENTS_RAW/create', 'stream/PAYMENTS_RAW/create']);
  });

  it('reports a command that finishes in ERROR with ksqlDB\'s message', async () => {
    fake.failNextCommandWith = 'Could not write the statement into the command topic.';
    const err = await applyFailure(applier().apply(raw));
    expect(err.message).toContain('ksql/test.sql:2: create STREAM PAYMENTS_RAW failed\nksqlDB says: Could not write the statement into the command topic.');
  });
});

describe('delete', () => {
  it('terminates the writing queries and drops, dependents first, and then finds nothing to do', async () => {
    await applyAll();
    const reversed = [...specs].reverse();
    const outcomes: string[] = [];
    for (const s of reversed) outcomes.push(await applier().delete(s));
    expect(outcomes).toEqual(['terminated', 'dropped', 'dropped', 'dropped']);
    const cmds = fake.commands.slice(specs.length);
    expect(cmds[0]).toBe('TERMINATE BIG_PAYMENTS_REPLAY');
    expect(cmds[1]).toMatch(/^TERMINATE CTAS_PAYMENTS_PER_ID_\d+$/);
    expect(cmds[2]).toBe('DROP TABLE `PAYMENTS_PER_ID`');
    expect(cmds[3]).toMatch(/^TERMINATE CSAS_BIG_PAYMENTS_\d+$/);
    expect(cmds[4]).toBe('DROP STREAM `BIG_PAYMENTS`');
    expect(cmds[5]).toBe('DROP STREAM `PAYMENTS_RAW`');
    expect(fake.sources.size).toBe(0);
    expect(fake.queries.size).toBe(0);
    const again: string[] = [];
    for (const s of reversed) again.push(await applier().delete(s));
    expect(again).toEqual(['absent', 'absent', 'absent', 'absent']);
  });

  it('passes the TERMINATE command sequence number to the DROP', async () => {
    await applyAll(specs.slice(0, 2));
    await applier().delete(big);
    const drop = fake.requests.find((r) => r.ksql.startsWith('DROP STREAM'))!;
    const terminate = fake.requests.find((r) => r.ksql.startsWith('TERMINATE'))!;
    // A fresh process knows no sequence number until its first command, the TERMINATE (number 3).
    expect(terminate.commandSequenceNumber).toBeUndefined();
    expect(drop.commandSequenceNumber).toBe(3);
  });

  it('fails, with ksqlDB\'s message, when other objects still read the one to drop', async () => {
    await applyAll(specs.slice(0, 3));
    const err = await applyFailure(applier().delete(raw));
    expect(err.message).toContain('ksql/test.sql:2: drop STREAM PAYMENTS_RAW failed');
    expect(err.message).toContain('The following streams and/or tables read from this source: [BIG_PAYMENTS].\nYou need to drop them before dropping PAYMENTS_RAW.');
    expect(fake.sources.has('PAYMENTS_RAW')).toBe(true);
  });
});

describe('the real scripts of every pipeline', () => {
  it('apply in graph order and delete in reverse order without an error from the server', async () => {
    const graph = validateEnabledPipelineScripts(PIPELINE_NAMES.map((n) => PIPELINES[n]));
    const all = graph.statements.map(specFromStatement);
    expect(await applyAll(all)).toEqual(all.map(() => 'created'));
    expect(await applyAll(all)).toEqual(all.map(() => 'unchanged'));
    const outcomes: string[] = [];
    for (const s of [...all].reverse()) outcomes.push(await applier().delete(s));
    expect(outcomes.every((o) => o === 'dropped' || o === 'terminated')).toBe(true);
    expect(fake.sources.size).toBe(0);
    expect(fake.queries.size).toBe(0);
    // A few hundred requests over loopback: over 8 s on the shared 2-core machine under load
    // (measured with the fake before and after it became the stand-in), far beyond jest's 5 s default.
  }, 60_000);
});

describe('waiting for ksqlDB', () => {
  it('waits while /healthcheck is unhealthy and /ksql answers 50302, then applies', async () => {
    fake.initializingRequests = 3;
    fake.ksqlNotReadyRequests = 2;
    expect(await applier().apply(raw)).toBe('created');
    expect(fake.initializingRequests).toBe(0);
    expect(fake.ksqlNotReadyRequests).toBe(0);
    expect(fake.sources.has('PAYMENTS_RAW')).toBe(true);
  });

  it('gives up when ksqlDB never becomes healthy, naming the timeout setting', async () => {
    fake.neverHealthy = true;
    const err = await applyFailure(applier({ startupTimeoutMs: 200, pollIntervalMs: 20 }).apply(raw));
    expect(err.message).toContain('ksql/test.sql:2: apply STREAM PAYMENTS_RAW failed');
    expect(err.message).toMatch(/did not become healthy within 0.2s \(last: \/healthcheck answered 503 .*"isHealthy":false/);
    expect(err.message).toContain('raise KSQL_APPLY_STARTUP_TIMEOUT_S');
  });

  it('gives up when ksqlDB is unreachable, saying so', async () => {
    await fake.stop();
    const err = await applyFailure(applier({ startupTimeoutMs: 100, pollIntervalMs: 20 }).apply(raw));
    expect(err.message).toMatch(/did not become healthy within 0.1s \(last: fetch failed \(ECONNREFUSED\)\)/);
  });

  it('gives up when /ksql keeps answering 50302', async () => {
    fake.ksqlNotReadyRequests = Infinity;
    const err = await applyFailure(applier({ startupTimeoutMs: 200, pollIntervalMs: 20 }).apply(raw));
    expect(err.message).toContain('ksqlDB kept answering 50302 (KSQL is not yet ready to serve requests.) for 0.2s');
  });

  it('sends a statement again when a concurrent request fenced its command-topic transaction (it was not written), whichever call was fenced', async () => {
    // The stand-in answers a fenced send's message, then a fenced commit's: both are retried.
    fake.fencedCommandRequests = 2;
    expect(await applier().apply(raw)).toBe('created');
    expect(fake.fencedCommandRequests).toBe(0);
    expect(fake.commandsStartingWith('CREATE STREAM PAYMENTS_RAW')).toHaveLength(1);
  });

  it('retries fenced statements at growing intervals, logging how long each refused request took', async () => {
    // Jittered 0.5-1.5 intervals, doubling from 50 ms: at least 25 + 50 + 100 + 200 ms over four
    // retries; at a fixed interval they would take at most 4 x 75 ms.
    fake.fencedCommandRequests = 4;
    const clientLog: string[] = [];
    const started = Date.now();
    expect(await applier({ pollIntervalMs: 50, log: (l) => clientLog.push(l) }).apply(raw)).toBe('created');
    expect(Date.now() - started).toBeGreaterThanOrEqual(370);
    const retries = clientLog.filter((l) => l.includes('retrying'));
    expect(retries).toHaveLength(4);
    for (const line of retries) expect(line).toMatch(/^ksqlDB answered 50000 after \d+\.\ds \(/);
  });

  it('sends each command-topic write in its turn, and nothing else: reads and the wait for the command run outside it', async () => {
    const inTurn: string[] = [];
    let turnsHeld = 0;
    const turn = async <T>(send: () => Promise<T>): Promise<T> => {
      turnsHeld++;
      const before = fake.requests.length;
      try {
        return await send();
      } finally {
        inTurn.push(...fake.requests.slice(before).map((r) => r.ksql));
      }
    };
    await applier().apply(raw);
    fake.requests.length = 0;
    expect(await applier({ inTurn: turn }).apply(big)).toBe('created');
    expect(inTurn).toEqual([expect.stringMatching(/^CREATE STREAM BIG_PAYMENTS/)]);
    expect(turnsHeld).toBe(1);
    expect(fake.requests.some((r) => r.ksql.startsWith('SHOW') || r.ksql.startsWith('DESCRIBE'))).toBe(true);
  });

  it('gives up when every attempt is fenced, saying that another client keeps writing', async () => {
    fake.fencedCommandRequests = Infinity;
    const err = await applyFailure(applier({ commandTimeoutMs: 200, pollIntervalMs: 20 }).apply(raw));
    expect(err.message).toMatch(
      /ksqlDB kept answering 50000 \((Producer with transactionalId 'default_' .* has been fenced by another producer with the same transactionalId|There is a newer producer with the same transactionalId which fences the current one\.)\) for 0.2s/,
    );
    expect(err.message).toContain("this stack's applies take turns, so it was another one");
  });

  it('gives up on a command that stays QUEUED, naming the command and the timeout setting', async () => {
    fake.pendingPolls = Infinity;
    const err = await applyFailure(applier({ commandTimeoutMs: 200, pollIntervalMs: 20 }).apply(raw));
    expect(err.message).toContain('ksqlDB command stream/PAYMENTS_RAW/create is still QUEUED after 0.2s');
    expect(err.message).toContain('raise KSQL_APPLY_COMMAND_TIMEOUT_S');
  });
});

describe('timeouts from the environment', () => {
  it('uses defaults and accepts overrides', () => {
    expect(clientOptionsFromEnv('http://k:8088', {})).toEqual({
      endpoint: 'http://k:8088',
      startupTimeoutMs: 300_000,
      commandTimeoutMs: 120_000,
      requestTimeoutMs: 60_000,
      pollIntervalMs: 1000,
    });
    expect(clientOptionsFromEnv('http://k:8088', { KSQL_APPLY_STARTUP_TIMEOUT_S: '600', KSQL_APPLY_POLL_INTERVAL_MS: '250' })).toMatchObject({
      startupTimeoutMs: 600_000,
      pollIntervalMs: 250,
    });
  });

  it('rejects a value that is not a positive number, naming the variable', () => {
    expect(() => clientOptionsFromEnv('http://k:8088', { KSQL_APPLY_COMMAND_TIMEOUT_S: 'soon' })).toThrow(
      "KSQL_APPLY_COMMAND_TIMEOUT_S='soon' is not a positive number",
    );
  });
});

describe('statement comparison', () => {
  // As the real ksqlDB 7.9.9 stored `CREATE STREAM RATINGS (PRODUCT VARCHAR KEY, STARS INTEGER, TS BIGINT)
  // WITH (KAFKA_TOPIC='ratings', VALUE_FORMAT='JSON', TIMESTAMP='ts', PARTITIONS=1);`
  const declared = "CREATE STREAM RATINGS (PRODUCT VARCHAR KEY, STARS INTEGER, TS BIGINT) WITH (KAFKA_TOPIC='ratings', VALUE_FORMAT='json', TIMESTAMP='ts');";
  const stored =
    "CREATE STREAM RATINGS (PRODUCT STRING KEY, STARS INTEGER, TS BIGINT) WITH (CLEANUP_POLICY='delete', KAFKA_TOPIC='ratings', KEY_FORMAT='KAFKA', PARTITIONS=1, TIMESTAMP='ts', VALUE_FORMAT='JSON');";

  it('finds a plain CREATE in the text ksqlDB stored, and names what differs', () => {
    expect(sourceDifference(declared, stored)).toBeUndefined();
    expect(sourceDifference(declared.replace('STARS INTEGER', 'STARS DOUBLE'), stored)).toBe(
      'its columns are (PRODUCT VARCHAR KEY, STARS INTEGER, TS BIGINT), declared (PRODUCT VARCHAR KEY, STARS DOUBLE, TS BIGINT)',
    );
    expect(sourceDifference(declared.replace("'ratings'", "'ratings2'"), stored)).toBe('its KAFKA_TOPIC is ratings, declared ratings2');
    expect(sourceDifference(declared.replace("TIMESTAMP='ts'", "TIMESTAMP='ts', VALUE_DELIMITER='|'"), stored)).toBe('its VALUE_DELIMITER is not set, declared |');
    expect(sourceDifference(declared.replace('CREATE STREAM', 'CREATE TABLE').replace('VARCHAR KEY', 'VARCHAR PRIMARY KEY'), stored)).toBe('it is a STREAM');
  });

  it('ignores case, whitespace and the semicolon outside literals, but not inside them', () => {
    expect(normalizeStatement("create stream A\n  with (kafka_topic='t') as select * from B;")).toBe(
      normalizeStatement("CREATE STREAM A WITH (KAFKA_TOPIC='t') AS SELECT * FROM B"),
    );
    expect(normalizeStatement("SELECT 'a  b'")).not.toBe(normalizeStatement("SELECT 'a b'"));
    expect(normalizeStatement("WHERE X = 'abc'")).not.toBe(normalizeStatement("WHERE X = 'ABC'"));
  });

  it('rewrites CREATE as CREATE OR REPLACE, dropping IF NOT EXISTS', () => {
    expect(asCreateOrReplace('CREATE TABLE T AS SELECT 1;')).toBe('CREATE OR REPLACE TABLE T AS SELECT 1;');
    expect(asCreateOrReplace('create stream if not exists S (A INT) WITH (X=1);')).toBe('CREATE OR REPLACE stream S (A INT) WITH (X=1);');
    expect(asCreateOrReplace('CREATE OR REPLACE STREAM S AS SELECT 1;')).toBe('CREATE OR REPLACE STREAM S AS SELECT 1;');
  });
});
