/**
 * Synth-time validation of ksqlDB scripts: each failure case with its message, the way all
 * problems are reported together, and the dependency graph of a valid script.
 */
import { paymentsSchema } from '../../generators/datasets/payments.schema';
import type { DatasetSchema } from '../../generators/schema';
import { parseScript } from '../../ksql-language/parser';
import { KsqlScriptError } from '../../ksql-language/problem';
import { validateScripts, type ScriptGraph } from '../../ksql-language/validator';

/** A second dataset, keyed and with an int key field, to test key columns and tables. */
const usersSchema: DatasetSchema = {
  name: 'clickstream_users',
  description: 'test users',
  sink: { kind: 'kafka', topic: 'test_users' },
  fields: [
    { name: 'user_id', type: 'int', doc: 'id, also the message key' },
    { name: 'username', type: 'string', doc: 'name' },
    { name: 'registered_at', type: 'timestamp_ms', doc: 'event time' },
  ],
  keyField: 'user_id',
  timestampField: 'registered_at',
  formats: ['JSON'],
};

const PAYMENTS_COLUMNS = `ID VARCHAR, PAYEE_BANK VARCHAR, PAYEE_ACCOUNT_NO BIGINT, PAYMENT_AMOUNT DOUBLE,
  PAYMENT_METHOD VARCHAR, PAYOR_ACCOUNT_NO INTEGER, CREATED_AT BIGINT`;
const PAYMENTS_SOURCE = `CREATE STREAM PAYMENTS_JSON (${PAYMENTS_COLUMNS})
  WITH (KAFKA_TOPIC='payment_json', VALUE_FORMAT='JSON_SR', TIMESTAMP='created_at');`;

function validate(files: Record<string, string>, datasets: DatasetSchema[] = [paymentsSchema, usersSchema]): ScriptGraph {
  return validateScripts({ scripts: Object.entries(files).map(([f, text]) => parseScript(f, text)), datasets });
}

/** The formatted problem lines of a failing validation. */
function problems(files: Record<string, string>, datasets?: DatasetSchema[]): string[] {
  try {
    validate(files, datasets);
  } catch (e) {
    expect(e).toBeInstanceOf(KsqlScriptError);
    return (e as KsqlScriptError).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected validation to fail');
}

describe('a valid script', () => {
  const graph = validate({
    'ksql/a.sql': `SET 'auto.offset.reset'='earliest';
${PAYMENTS_SOURCE}
CREATE STREAM BIG_PAYMENTS WITH (KAFKA_TOPIC='big_payments', VALUE_FORMAT='JSON') AS
  SELECT * FROM PAYMENTS_JSON WHERE PAYMENT_AMOUNT > 10000;
CREATE TABLE USERS (USER_ID VARCHAR PRIMARY KEY, USERNAME VARCHAR, REGISTERED_AT BIGINT)
  WITH (KAFKA_TOPIC='test_users', VALUE_FORMAT='JSON', TIMESTAMP='registered_at');
CREATE TABLE BIG_PAYMENTS_PER_PAYOR WITH (KAFKA_TOPIC='big_payments_per_payor') AS
  SELECT PAYOR_ACCOUNT_NO, COUNT(*) AS N FROM BIG_PAYMENTS GROUP BY PAYOR_ACCOUNT_NO;
-- a table declared over the topic the aggregate writes depends on that aggregate
CREATE TABLE BIG_PAYMENTS_PER_PAYOR_COPY (PAYOR_ACCOUNT_NO INTEGER PRIMARY KEY, N BIGINT)
  WITH (KAFKA_TOPIC='big_payments_per_payor', VALUE_FORMAT='JSON');
`,
  });

  it('orders statements after what they read, including topics other statements write', () => {
    expect(graph.statements.map((s) => s.name)).toEqual(['PAYMENTS_JSON', 'BIG_PAYMENTS', 'USERS', 'BIG_PAYMENTS_PER_PAYOR', 'BIG_PAYMENTS_PER_PAYOR_COPY']);
    expect(graph.dependencies.get('BIG_PAYMENTS_PER_PAYOR')).toEqual(['BIG_PAYMENTS']);
    expect(graph.dependencies.get('BIG_PAYMENTS_PER_PAYOR_COPY')).toEqual(['BIG_PAYMENTS_PER_PAYOR']);
    expect(graph.dependencies.get('USERS')).toEqual([]);
  });

  it('lists the topics the statements write, tables and streams apart', () => {
    expect(graph.createdTopics.map(({ topic, kind, object }) => ({ topic, kind, object }))).toEqual([
      { topic: 'big_payments', kind: 'stream', object: 'BIG_PAYMENTS' },
      { topic: 'big_payments_per_payor', kind: 'table', object: 'BIG_PAYMENTS_PER_PAYOR' },
    ]);
  });
});

describe('each failure names file, line, problem and fix', () => {
  it('a reference to an unknown stream or table, with a suggestion', () => {
    expect(
      problems({
        'ksql/a.sql': `${PAYMENTS_SOURCE}
CREATE STREAM B WITH (KAFKA_TOPIC='b') AS SELECT * FROM PAYMENT_JSON;
CREATE STREAM C WITH (KAFKA_TOPIC='c') AS SELECT * FROM NOWHERE;`,
      }),
    ).toEqual([
      'ksql/a.sql:4: B reads PAYMENT_JSON, which no script defines — did you mean PAYMENTS_JSON?',
      'ksql/a.sql:5: C reads NOWHERE, which no script defines — define it in a script of an enabled pipeline, or fix the name',
    ]);
  });

  it('a reference across scripts resolves, and a name defined in two scripts is refused', () => {
    expect(() =>
      validate({ 'ksql/a.sql': PAYMENTS_SOURCE, 'ksql/b.sql': "CREATE STREAM B WITH (KAFKA_TOPIC='b') AS SELECT * FROM PAYMENTS_JSON;" }),
    ).not.toThrow();
    expect(problems({ 'ksql/a.sql': PAYMENTS_SOURCE, 'ksql/b.sql': `\n${PAYMENTS_SOURCE}` })).toEqual([
      'ksql/b.sql:2: STREAM PAYMENTS_JSON is already defined at ksql/a.sql:1 — ksqlDB has one namespace for all pipelines: rename one of them',
    ]);
  });

  it('a reference to an object defined further down the same file', () => {
    expect(
      problems({
        'ksql/a.sql': `CREATE STREAM B WITH (KAFKA_TOPIC='b') AS SELECT * FROM PAYMENTS_JSON;
${PAYMENTS_SOURCE}`,
      }),
    ).toEqual([
      'ksql/a.sql:1: B refers to PAYMENTS_JSON, which is defined later (line 2) — move PAYMENTS_JSON above B: RUN SCRIPT runs statements in file order',
    ]);
  });

  it('a cycle, here through a topic a statement both reads and (through its dependent) writes', () => {
    expect(
      problems({
        'ksql/a.sql': `CREATE STREAM LOOP_IN (X INTEGER) WITH (KAFKA_TOPIC='loop', VALUE_FORMAT='JSON');`,
        'ksql/b.sql': `CREATE STREAM LOOP_OUT WITH (KAFKA_TOPIC='loop') AS SELECT * FROM LOOP_IN;`,
      }),
    ).toEqual([
      "ksql/a.sql:1: dependency cycle: LOOP_IN -> LOOP_OUT -> LOOP_IN — a statement cannot read, directly or through a topic, what it produces; break the loop",
    ]);
  });

  it('removed syntax: WITH (KEY=...), WindowStart(), WindowEnd(), implicit ROWKEY', () => {
    expect(
      problems({
        'ksql/a.sql': `CREATE STREAM PAYMENTS_JSON (${PAYMENTS_COLUMNS})
  WITH (KAFKA_TOPIC='payment_json', VALUE_FORMAT='JSON_SR', TIMESTAMP='created_at', KEY='id');
CREATE TABLE PER_PAYOR WITH (KAFKA_TOPIC='per_payor') AS
  SELECT PAYOR_ACCOUNT_NO, WindowStart() AS S, WINDOWEND() AS E, COUNT(*) AS N
  FROM PAYMENTS_JSON WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY PAYOR_ACCOUNT_NO;
CREATE STREAM BY_KEY WITH (KAFKA_TOPIC='by_key') AS SELECT ROWKEY AS K FROM PAYMENTS_JSON;`,
      }),
    ).toEqual([
      'ksql/a.sql:3: WITH (KEY=...) is removed syntax (ksqlDB 0.10+) — declare the key in the column list: <col> <type> KEY for a stream, <col> <type> PRIMARY KEY for a table',
      'ksql/a.sql:5: WindowStart() is removed syntax (ksqlDB 0.10+) — use the WINDOWSTART pseudo column without parentheses',
      'ksql/a.sql:5: WINDOWEND() is removed syntax (ksqlDB 0.10+) — use the WINDOWEND pseudo column without parentheses',
      'ksql/a.sql:7: ROWKEY is no longer an implicit column (removed in ksqlDB 0.10) — declare the key column in the column list (<name> <type> KEY / PRIMARY KEY) and refer to it by name',
    ]);
  });

  it('a source stream whose columns differ from its dataset: missing, extra, wrong type, duplicate', () => {
    expect(
      problems({
        'ksql/a.sql': `CREATE STREAM PAYMENTS_JSON (
  ID VARCHAR,
  PAYEE_BANK VARCHAR,
  PAYEE_ACCOUNT_NO INTEGER,
  PAYMENT_AMOUNT STRING,
  PAYMENT_METHOD VARCHAR,
  PAYMENT_METHOD VARCHAR,
  CURRENCY VARCHAR,
  CREATED_AT BIGINT
) WITH (KAFKA_TOPIC='payment_json', VALUE_FORMAT='JSON_SR', TIMESTAMP='created_at');`,
      }),
    ).toEqual([
      'ksql/a.sql:1: PAYMENTS_JSON does not declare field payor_account_no of dataset payments — add PAYOR_ACCOUNT_NO INTEGER to its column list',
      'ksql/a.sql:4: PAYMENTS_JSON declares PAYEE_ACCOUNT_NO as INTEGER, but dataset payments field payee_account_no is bigint — declare it BIGINT',
      'ksql/a.sql:5: PAYMENTS_JSON declares PAYMENT_AMOUNT as VARCHAR, but dataset payments field payment_amount is double — declare it DOUBLE',
      'ksql/a.sql:7: PAYMENTS_JSON declares column PAYMENT_METHOD twice — remove the duplicate',
      'ksql/a.sql:8: PAYMENTS_JSON declares column CURRENCY, which dataset payments does not have — declare only the dataset\'s fields: id, payee_bank, payee_account_no, payment_amount, payment_method, payor_account_no, created_at (generators/datasets/payments.schema.ts)',
    ]);
  });

  it('key columns: only the dataset key field, and only as VARCHAR', () => {
    expect(
      problems({
        'ksql/a.sql': `CREATE TABLE USERS (USER_ID INTEGER PRIMARY KEY, USERNAME VARCHAR, REGISTERED_AT BIGINT)
  WITH (KAFKA_TOPIC='test_users', VALUE_FORMAT='JSON');
CREATE TABLE USERS_BY_NAME (USER_ID INTEGER, USERNAME VARCHAR PRIMARY KEY, REGISTERED_AT BIGINT)
  WITH (KAFKA_TOPIC='test_users', VALUE_FORMAT='JSON');`,
      }),
    ).toEqual([
      'ksql/a.sql:1: USERS key column USER_ID is INTEGER — declare it VARCHAR: the generator writes the message key as the string form of user_id',
      "ksql/a.sql:3: USERS_BY_NAME reads column USERNAME from the message key, but dataset clickstream_users's key is field user_id — mark USER_ID as the key column instead",
    ]);
  });

  it('a value format or event time other than the dataset\'s', () => {
    expect(
      problems({
        'ksql/a.sql': `CREATE STREAM PAYMENTS_AVRO (${PAYMENTS_COLUMNS})
  WITH (KAFKA_TOPIC='payment_avro', VALUE_FORMAT='JSON', TIMESTAMP='created_at');
CREATE STREAM PAYMENTS_PROTOBUF (${PAYMENTS_COLUMNS})
  WITH (KAFKA_TOPIC='payment_protobuf', VALUE_FORMAT='PROTOBUF');`,
      }),
    ).toEqual([
      "ksql/a.sql:1: PAYMENTS_AVRO reads 'payment_avro' as JSON, but dataset payments writes AVRO there — set VALUE_FORMAT='AVRO'",
      "ksql/a.sql:4: PAYMENTS_PROTOBUF takes event time from the Kafka record time (no TIMESTAMP), but dataset payments's event time is 'created_at' — set TIMESTAMP='created_at'",
    ]);
  });

  it('a stream reading a topic that nothing in the stack produces', () => {
    expect(
      problems({
        'ksql/a.sql': `${PAYMENTS_SOURCE}
CREATE STREAM ORPHAN (X INTEGER) WITH (KAFKA_TOPIC='nobody_writes_this', VALUE_FORMAT='JSON');`,
      }),
    ).toEqual([
      "ksql/a.sql:4: STREAM ORPHAN reads topic 'nobody_writes_this', which nothing in the stack produces — read a dataset topic or a topic a CREATE ... AS SELECT writes (produced here: payment_avro, payment_json, payment_protobuf, test_users), or enable the pipeline whose dataset writes it",
    ]);
  });

  it('a dataset topic counts only when its pipeline is enabled', () => {
    expect(problems({ 'ksql/a.sql': PAYMENTS_SOURCE }, [usersSchema])[0]).toBe(
      "ksql/a.sql:3: STREAM PAYMENTS_JSON reads topic 'payment_json', which nothing in the stack produces — read a dataset topic or a topic a CREATE ... AS SELECT writes (produced here: test_users), or enable the pipeline whose dataset writes it",
    );
  });

  it('a persistent query over a windowed table', () => {
    expect(
      problems({
        'ksql/a.sql': `${PAYMENTS_SOURCE}
CREATE TABLE PER_MINUTE WITH (KAFKA_TOPIC='per_minute') AS
  SELECT PAYOR_ACCOUNT_NO, COUNT(*) AS N FROM PAYMENTS_JSON WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY PAYOR_ACCOUNT_NO;
CREATE TABLE PER_PAYOR WITH (KAFKA_TOPIC='per_payor') AS
  SELECT PAYOR_ACCOUNT_NO, SUM(N) AS N FROM PER_MINUTE GROUP BY PAYOR_ACCOUNT_NO;`,
      }),
    ).toEqual([
      "ksql/a.sql:7: PER_PAYOR reads the windowed table PER_MINUTE: ksqlDB does not support persistent queries on windowed tables — declare a table over PER_MINUTE's topic with a non-windowed key (see MOODLE_USER_SESSION_LOG in ksql/moodle.sql) and read that",
    ]);
  });

  it('INSERT INTO without a usable QUERY_ID, or into a table', () => {
    expect(
      problems({
        'ksql/a.sql': `${PAYMENTS_SOURCE}
CREATE STREAM COPY WITH (KAFKA_TOPIC='copy') AS SELECT * FROM PAYMENTS_JSON;
CREATE TABLE N_PER_PAYOR WITH (KAFKA_TOPIC='n_per_payor') AS SELECT PAYOR_ACCOUNT_NO, COUNT(*) AS N FROM PAYMENTS_JSON GROUP BY PAYOR_ACCOUNT_NO;
INSERT INTO COPY SELECT * FROM PAYMENTS_JSON;
INSERT INTO COPY WITH (QUERY_ID='CSAS_MINE') SELECT * FROM PAYMENTS_JSON;
INSERT INTO COPY WITH (QUERY_ID='my-copy') SELECT * FROM PAYMENTS_JSON;
INSERT INTO N_PER_PAYOR WITH (QUERY_ID='INTO_TABLE') SELECT * FROM PAYMENTS_JSON;`,
      }),
    ).toEqual([
      "ksql/a.sql:6: INSERT INTO COPY has no QUERY_ID — add WITH (QUERY_ID='<NAME>') before SELECT: the deployment finds, replaces and terminates the query by that id",
      "ksql/a.sql:7: QUERY_ID 'CSAS_MINE' starts with the reserved prefix CSAS_ — choose an id that does not start with CSAS_, CTAS_, INSERTQUERY_, CST_ or TRANSIENT_",
      "ksql/a.sql:8: QUERY_ID 'MY-COPY' has characters other than letters, digits and '_' — ksqlDB accepts only [A-Za-z0-9_] in query ids",
      'ksql/a.sql:9: INSERT INTO N_PER_PAYOR writes a TABLE — INSERT INTO ... SELECT writes only into streams',
    ]);
  });

  it('declarations without topic, format or columns; topic settings that belong to the stack', () => {
    expect(
      problems({
        'ksql/a.sql': `CREATE STREAM NO_TOPIC (X INTEGER) WITH (VALUE_FORMAT='JSON');
CREATE STREAM NO_FORMAT (${PAYMENTS_COLUMNS}) WITH (KAFKA_TOPIC='payment_json', TIMESTAMP='created_at', PARTITIONS=3);
CREATE STREAM NO_TOPIC_NAME AS SELECT * FROM NO_FORMAT;`,
      }),
    ).toEqual([
      "ksql/a.sql:1: STREAM NO_TOPIC declares no KAFKA_TOPIC — add KAFKA_TOPIC='<topic>' to its WITH clause",
      "ksql/a.sql:2: STREAM NO_FORMAT declares no VALUE_FORMAT — add VALUE_FORMAT='JSON' (or AVRO / PROTOBUF, as the topic's producer writes it): this stack sets no default format",
      'ksql/a.sql:3: NO_FORMAT sets PARTITIONS — remove it: the stack creates every topic as a Kafka resource with partitions and replication from the configuration, and ksqlDB rejects a statement whose count differs from the existing topic',
      "ksql/a.sql:4: STREAM NO_TOPIC_NAME does not name its topic — add KAFKA_TOPIC='no_topic_name' to its WITH clause: the stack creates each topic a statement writes as a Kafka resource",
    ]);
  });

  it('tables need one PRIMARY KEY, streams take none', () => {
    expect(
      problems({
        'ksql/a.sql': `CREATE TABLE USERS (USER_ID INTEGER, USERNAME VARCHAR, REGISTERED_AT BIGINT)
  WITH (KAFKA_TOPIC='test_users', VALUE_FORMAT='JSON');
CREATE STREAM USER_EVENTS (USER_ID VARCHAR PRIMARY KEY, USERNAME VARCHAR, REGISTERED_AT BIGINT)
  WITH (KAFKA_TOPIC='test_users', VALUE_FORMAT='JSON', TIMESTAMP='registered_at');`,
      }),
    ).toEqual([
      'ksql/a.sql:1: TABLE USERS must declare exactly one PRIMARY KEY column — mark the column read from the message key as <name> <type> PRIMARY KEY',
      'ksql/a.sql:3: STREAM USER_EVENTS declares a PRIMARY KEY — streams use KEY, tables PRIMARY KEY',
    ]);
  });

  it('two statements writing one topic, or a statement writing a dataset topic', () => {
    expect(
      problems({
        'ksql/a.sql': `${PAYMENTS_SOURCE}
CREATE STREAM A WITH (KAFKA_TOPIC='shared') AS SELECT * FROM PAYMENTS_JSON;
CREATE STREAM B WITH (KAFKA_TOPIC='shared') AS SELECT * FROM PAYMENTS_JSON;
CREATE STREAM C WITH (KAFKA_TOPIC='payment_avro') AS SELECT * FROM PAYMENTS_JSON;`,
      }),
    ).toEqual([
      "ksql/a.sql:5: B writes topic 'shared', which A (ksql/a.sql:4) already writes — give each CREATE ... AS SELECT its own KAFKA_TOPIC (use INSERT INTO to merge queries into one stream)",
      "ksql/a.sql:6: C writes topic 'payment_avro', the topic of dataset payments — write derived data to a topic of its own",
    ]);
  });

  it('session settings other than auto.offset.reset=earliest', () => {
    expect(
      problems({
        'ksql/a.sql': `SET 'auto.offset.reset'='earliest';
SET 'ksql.streams.cache.max.bytes.buffering'='0';
UNSET 'auto.offset.reset';
${PAYMENTS_SOURCE}`,
      }),
    ).toEqual([
      "ksql/a.sql:2: session setting 'ksql.streams.cache.max.bytes.buffering'='0' is not applied at deploy time — the deployment runs every statement with auto.offset.reset='earliest' and nothing else; keep only SET 'auto.offset.reset'='earliest'; and move other properties into the statements' WITH clauses",
      "ksql/a.sql:3: session setting 'auto.offset.reset' (UNSET) is not applied at deploy time — the deployment runs every statement with auto.offset.reset='earliest' and nothing else; keep only SET 'auto.offset.reset'='earliest'; and move other properties into the statements' WITH clauses",
    ]);
  });

  it('statements a pipeline script must not hold, and text that does not parse', () => {
    expect(
      problems({
        'ksql/a.sql': `${PAYMENTS_SOURCE}
DROP STREAM PAYMENTS_JSON;
SELECT * FROM PAYMENTS_JSON EMIT CHANGES;
CREATE TYPE ADDRESS AS STRUCT<STREET VARCHAR>;
INSERT INTO PAYMENTS_JSON (ID) VALUES ('x');
CREATE STREAM BROKEN WITH (KAFKA_TOPIC='broken') AS SELECT 'unterminated FROM PAYMENTS_JSON;`,
      }),
    ).toEqual([
      "ksql/a.sql:4: unsupported statement \"DROP STREAM ...\" in a deployed script — a pipeline script holds only CREATE STREAM/TABLE [AS SELECT], INSERT INTO ... SELECT and SET 'auto.offset.reset'; run other statements by hand in the ksql CLI",
      "ksql/a.sql:5: unsupported statement \"SELECT * ...\" in a deployed script — a pipeline script holds only CREATE STREAM/TABLE [AS SELECT], INSERT INTO ... SELECT and SET 'auto.offset.reset'; run other statements by hand in the ksql CLI",
      'ksql/a.sql:6: unsupported statement "CREATE TYPE" in a deployed script — a pipeline script creates only streams and tables; create types and connectors elsewhere (connectors are Terraform resources of the stack)',
      'ksql/a.sql:7: INSERT INTO ... VALUES in a deployed script — scripts define continuous queries; insert sample rows by hand in the ksql CLI',
      // The string runs to the end of the file, swallowing the semicolon.
      'ksql/a.sql:8: unterminated string literal — close it, or remove it',
      'ksql/a.sql:8: the last statement has no terminating semicolon — end it with ";" (RUN SCRIPT and the deployment both need it)',
    ]);
  });

  it('reports every problem of every script in one error, sorted by file and line', () => {
    let error: KsqlScriptError | undefined;
    try {
      validate({
        'ksql/b.sql': "CREATE STREAM X WITH (KAFKA_TOPIC='x') AS SELECT * FROM MISSING_B;",
        'ksql/a.sql': "\nCREATE STREAM Y WITH (KAFKA_TOPIC='y') AS SELECT * FROM MISSING_A;",
      });
    } catch (e) {
      error = e as KsqlScriptError;
    }
    expect(error?.problems.map((p) => `${p.file}:${p.line}`)).toEqual(['ksql/a.sql:2', 'ksql/b.sql:1']);
    expect(error?.message).toBe(
      'ksqlDB scripts failed validation (2 problems):\n' +
        '  ksql/a.sql:2: Y reads MISSING_A, which no script defines — define it in a script of an enabled pipeline, or fix the name\n' +
        '  ksql/b.sql:1: X reads MISSING_B, which no script defines — define it in a script of an enabled pipeline, or fix the name',
    );
  });
});

describe('the parser keeps what deployment needs', () => {
  it('strips comments from the deployed statement but not from string literals, and keeps line numbers', () => {
    const script = parseScript(
      'ksql/a.sql',
      `-- header

/* a block
   comment */ CREATE STREAM S WITH (KAFKA_TOPIC='s') AS -- why
  SELECT '--not a comment' AS T, /* inline */ ID
  FROM P;`,
    );
    expect(script.statements[0].line).toBe(4);
    expect(script.statements[0].statement).toBe("CREATE STREAM S WITH (KAFKA_TOPIC='s') AS\n  SELECT '--not a comment' AS T,   ID\n  FROM P;");
  });

  it('reads columns with nested types, key roles and the type aliases STRING and INT', () => {
    const [s] = parseScript(
      'ksql/a.sql',
      "CREATE STREAM S (K STRING KEY, N INT, M MAP<STRING, ARRAY<INT>>, D DECIMAL(10, 2), `Quoted` VARCHAR) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');",
    ).statements;
    expect(s.columns.map((c) => [c.name, c.type, c.role])).toEqual([
      ['K', 'VARCHAR', 'KEY'],
      ['N', 'INTEGER', undefined],
      ['M', 'MAP<STRING, ARRAY<INT>>', undefined],
      ['D', 'DECIMAL(10, 2)', undefined],
      ['Quoted', 'VARCHAR', undefined],
    ]);
  });

  it('reads sources from FROM and every JOIN, not from FROM inside parentheses', () => {
    const [s] = parseScript(
      'ksql/a.sql',
      "CREATE STREAM J WITH (KAFKA_TOPIC='j') AS SELECT SUBSTRING(A.X, 1) AS Y FROM A LEFT JOIN B ON A.ID = B.ID INNER JOIN `c` C ON A.ID = C.ID;",
    ).statements;
    expect(s.sources.map((x) => x.name)).toEqual(['A', 'B', 'c']);
  });
});
