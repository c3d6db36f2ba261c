/**
 * The project's ksqlDB applier against the real ksqlDB 7.9.9 (../shared/ksqldb), a real Kafka
 * 3.9.1 broker and Confluent's Schema Registry 7.9.9 (the payments statements' JSON_SR, AVRO and
 * PROTOBUF need one), with the statements, topics and ksqlDB settings the synthesized stack holds.
 * What only the real engine shows: it stores every statement rewritten, refuses CREATE OR REPLACE
 * for windowed aggregates, joins and sinks with several writers, and refuses to drop what is read.
 */
import { configWith } from '../../__tests__/support/synth';
import type { LabConfigOverrides } from '../../config/types';
import type { KsqlObjectSpec } from '../../ops/ksql/applier';
import { STATEMENT_FINGERPRINT_PROPERTY, statementFingerprint } from '../../ops/ksql/deployed-match';
import { parseScript } from '../../ksql-language/parser';
import { startSchemaRegistry, type LocalSchemaRegistry } from '../support/registry';
import { startKafka, type LocalKafka } from '../support/kafka';
import { startKsqlDb, type LocalKsqlDb } from '../support/ksqldb';
import { createDeclaredTopics, describeTopics, labDeployment, listTopics, type LabDeployment } from './lab-deployment';
import { ApplierRun, changed } from './support';

jest.setTimeout(900_000);

/** A command as the tests compare it: verb, kind and name (query ids without ksqlDB's counter). */
function summary(command: string): string {
  const create = /^CREATE (OR REPLACE )?(STREAM|TABLE) (\w+)/i.exec(command);
  if (create) return `${create[1] ? 'CREATE OR REPLACE' : 'CREATE'} ${create[2].toUpperCase()} ${create[3]}`;
  const insert = /^INSERT INTO \w+ WITH \(QUERY_ID='(\w+)'\)/i.exec(command);
  if (insert) return `INSERT ${insert[1]}`;
  return command.replace(/`/g, '');
}

/** What replacing `spec` with its dependents must send: drops newest first, then creates in graph order. */
function expectedReplacement(spec: KsqlObjectSpec): string[] {
  const chain = [spec, ...(spec.dependents ?? [])];
  const drops = [...chain].reverse().flatMap((s) => {
    if (s.kind === 'INSERT') return [`TERMINATE ${s.name}`];
    const terminate = s.form === 'CREATE_AS_SELECT' ? [`TERMINATE ${s.kind === 'TABLE' ? 'CTAS' : 'CSAS'}_${s.name}_<n>`] : [];
    return [...terminate, `DROP ${s.kind} ${s.name}`];
  });
  const creates = chain.map((s) => (s.kind === 'INSERT' ? `INSERT ${s.name}` : `CREATE ${s.kind} ${s.name}`));
  return [`CREATE OR REPLACE ${spec.kind} ${spec.name}`, ...drops, ...creates];
}

/** The declaration with `next` in place of the statement of the same name, also where it is a dependent. */
function withChanged(specs: readonly KsqlObjectSpec[], next: KsqlObjectSpec): KsqlObjectSpec[] {
  const swap = (s: KsqlObjectSpec): KsqlObjectSpec => (s.name === next.name ? { ...next, dependents: s.dependents } : s);
  return specs.map((s) => ({ ...swap(s), ...(s.dependents ? { dependents: s.dependents.map(swap) } : {}) }));
}

function sinkTopicOf(spec: KsqlObjectSpec): string {
  const topic = parseScript(spec.file, spec.statement).statements[0]?.properties.KAFKA_TOPIC?.value;
  if (typeof topic !== 'string') throw new Error(`${spec.file}:${spec.line} ${spec.name} names no KAFKA_TOPIC`);
  return topic;
}

const everyOutcome = (specs: readonly KsqlObjectSpec[], outcome: string): Record<string, string> => Object.fromEntries(specs.map((s) => [s.name, outcome]));

let kafka: LocalKafka;
let registry: LocalSchemaRegistry;

beforeAll(async () => {
  kafka = await startKafka({ heapMb: 384 });
  registry = await startSchemaRegistry({ kafka: { bootstrap: kafka.bootstrap } });
});

afterAll(async () => {
  await registry?.stop();
  await kafka?.stop();
});

/**
 * Topics, a ksqlDB server configured as the stack configures its container, and an applier run.
 * `sinkTopics: 'ksqlDB'` leaves the topics that CREATE ... AS SELECT statements write for ksqlDB
 * to create, as it would without the stack's topic resources.
 */
async function deploy(overrides: LabConfigOverrides, sinkTopics: 'stack' | 'ksqlDB' = 'stack'): Promise<{ lab: LabDeployment; ksqldb: LocalKsqlDb; run: ApplierRun }> {
  const lab = labDeployment(configWith(overrides));
  const sinks = new Set(lab.specs.filter((s) => s.form === 'CREATE_AS_SELECT').map(sinkTopicOf));
  await createDeclaredTopics(kafka.bootstrap, sinkTopics === 'stack' ? lab.topics : lab.topics.filter((t) => !sinks.has(t.name)));
  // The stack wires the registry whenever payments is on; without it ksqlDB refuses the payments statements.
  expect(lab.ksqlEnv.KSQL_KSQL_SCHEMA_REGISTRY_URL).toBeDefined();
  const ksqldb = await startKsqlDb(kafka, { serviceId: lab.ksqlEnv.KSQL_KSQL_SERVICE_ID, schemaRegistryUrl: registry.url });
  return { lab, ksqldb, run: new ApplierRun(ksqldb.url) };
}

/** Destroy as `cdktf destroy` runs it, then checks that nothing of the lab is left in ksqlDB or Kafka. */
async function destroyAndCheck(ksqldb: LocalKsqlDb, run: ApplierRun, specs: readonly KsqlObjectSpec[]): Promise<void> {
  const outcomes = await run.destroyAll(specs);
  expect(outcomes).toEqual(Object.fromEntries(specs.map((s) => [s.name, s.kind === 'INSERT' ? 'terminated' : 'dropped'])));
  const client = run.client();
  expect(await client.describeQueries()).toEqual([]);
  const left = (await client.listSources()).map((s) => s.name);
  // ksqlDB's own processing-log stream (auto-created, as in the stack) is the server's, not the lab's.
  expect(left.filter((name) => name !== 'KSQL_PROCESSING_LOG')).toEqual([]);
  const internalPrefix = `_confluent-ksql-${ksqldb.serviceId}`;
  const deadline = Date.now() + 60_000;
  let internal: string[] = [];
  do {
    // ksqlDB deletes a terminated query's changelog and repartition topics in the background.
    internal = (await listTopics(kafka.bootstrap)).filter((t) => t.startsWith(`${internalPrefix}query_`) || t.startsWith(`${internalPrefix}transient_`));
    if (internal.length > 0) await new Promise((r) => setTimeout(r, 2_000));
  } while (internal.length > 0 && Date.now() < deadline);
  expect(internal).toEqual([]);
  expect(await run.destroyAll(specs)).toEqual(everyOutcome(specs, 'absent'));
}

describe('the default configuration on the real ksqlDB', () => {
  let lab: LabDeployment;
  let ksqldb: LocalKsqlDb;
  let run: ApplierRun;
  /** The declaration as the tests have changed it so far. */
  let current: KsqlObjectSpec[];

  beforeAll(async () => {
    ({ lab, ksqldb, run } = await deploy({}));
    current = [...lab.specs];
  });

  afterAll(async () => {
    await ksqldb?.stop();
  });

  it('applies every enabled script, every persistent query RUNNING with its statement fingerprint', async () => {
    expect(await run.applyAll(current)).toEqual(everyOutcome(current, 'created'));
    const queries = await run.queriesRunning();
    const queryStatements = current.filter((s) => s.form !== 'CREATE');
    expect(queries).toHaveLength(queryStatements.length);
    for (const s of queryStatements) {
      const query = queries.find((q) => (s.kind === 'INSERT' ? q.id === s.name : q.sinks.includes(s.name) && /^C[ST]AS_/.test(q.id)));
      expect([s.name, query?.overriddenProperties?.[STATEMENT_FINGERPRINT_PROPERTY]]).toEqual([s.name, statementFingerprint(s.statement)]);
    }
  });

  it('applied again unchanged, changes nothing and drops nothing', async () => {
    const before = (await run.client().describeQueries()).map((q) => q.id).sort();
    const mark = run.commands.length;
    expect(await run.applyAll(current)).toEqual(everyOutcome(current, 'unchanged'));
    expect(run.commandsSince(mark)).toEqual([]);
    expect((await run.client().describeQueries()).map((q) => q.id).sort()).toEqual(before);
  });

  // Each: ksqlDB refuses CREATE OR REPLACE, so the object is replaced with its dependents; then the
  // changed declaration applied again is unchanged everywhere, and every query runs.
  it.each([
    ['a windowed aggregate', 'MOODLE_USER_SESSIONS', 'WINDOW SESSION (15 MINUTES)', 'WINDOW SESSION (20 MINUTES)'],
    ['a stream-table join', 'ENRICHED_ERROR_CODES', 'WHERE C.STATUS >= 400', 'WHERE C.STATUS >= 404'],
    ['a sink with two writers', 'PAYMENTS_ALL_FORMATS', "'JSON' AS SOURCE_FORMAT", "'JSON_SR' AS SOURCE_FORMAT"],
  ])('replaces %s (%s) together with its dependents in graph order', async (_what, name, from, to) => {
    const spec = current.find((s) => s.name === name)!;
    expect(spec.dependents?.length ?? 0).toBeGreaterThan(0);
    const next = changed(spec, from, to);
    const mark = run.commands.length;
    const logMark = run.log.length;
    expect(await run.apply(next)).toBe('recreated');
    expect(run.commandsSince(mark).map(summary)).toEqual(expectedReplacement(next));
    // ksqlDB's own refusal, kept in the log (the closing note quotes it).
    const refusal = run.log.slice(logMark).find((l) => l.includes(`cannot replace ${name} in place`));
    expect(refusal).toBeDefined();
    process.stdout.write(`${refusal}\n`);
    current = withChanged(current, next);
    const again = run.commands.length;
    expect(await run.applyAll(current)).toEqual(everyOutcome(current, 'unchanged'));
    expect(run.commandsSince(again)).toEqual([]);
    await run.queriesRunning();
  });

  it('converges when a deploy stopped half-way: missing objects, a sink without its query, a stopped INSERT', async () => {
    const client = run.client();
    const queries = await client.describeQueries();
    const queryOf = (sink: string): string => queries.find((q) => q.sinks.includes(sink) && /^C[ST]AS_/.test(q.id))!.id;
    // As a replacement interrupted after its drops: ENRICHED_ERROR_CODES and its reader are gone.
    await client.command(`TERMINATE ${queryOf('ENRICHED_ERROR_CODES_COUNT')};`);
    await client.command('DROP TABLE ENRICHED_ERROR_CODES_COUNT;');
    await client.command(`TERMINATE ${queryOf('ENRICHED_ERROR_CODES')};`);
    await client.command('DROP STREAM ENRICHED_ERROR_CODES;');
    // A sink whose query was terminated, and an INSERT INTO that no longer runs.
    await client.command(`TERMINATE ${queryOf('CLICK_USER_SESSIONS')};`);
    await client.command('TERMINATE PAYMENTS_ALL_FORMATS_FROM_AVRO;');
    const outcomes = await run.applyAll(current);
    expect(outcomes).toEqual({
      ...everyOutcome(current, 'unchanged'),
      ENRICHED_ERROR_CODES: 'created',
      ENRICHED_ERROR_CODES_COUNT: 'created',
      CLICK_USER_SESSIONS: outcomes.CLICK_USER_SESSIONS === 'replaced' ? 'replaced' : 'recreated',
      PAYMENTS_ALL_FORMATS_FROM_AVRO: 'created',
    });
    const mark = run.commands.length;
    expect(await run.applyAll(current)).toEqual(everyOutcome(current, 'unchanged'));
    expect(run.commandsSince(mark)).toEqual([]);
    expect(await run.queriesRunning()).toHaveLength(current.filter((s) => s.form !== 'CREATE').length);
  });

  it('destroy drops everything in reverse order and leaves no query, stream, table or internal topic of the lab', async () => {
    await destroyAndCheck(ksqldb, run, current);
  });
});

// Under a prefix, and with 3 partitions per topic: the sink topics are left to ksqlDB, and must come
// out as the stack declares them (the sink-topic rule, ksql-language/sink-topic.ts).
describe('the topic-prefix configuration, 3 partitions, on the real ksqlDB', () => {
  let lab: LabDeployment;
  let ksqldb: LocalKsqlDb;
  let run: ApplierRun;

  beforeAll(async () => {
    ({ lab, ksqldb, run } = await deploy({ kafka: { topicPrefix: 'team1.lab.', topicPartitions: 3 } }, 'ksqlDB'));
  });

  afterAll(async () => {
    await ksqldb?.stop();
  });

  it('applies every script under the prefix, every persistent query RUNNING', async () => {
    expect(ksqldb.serviceId).toBe('team1.lab.lab_');
    expect(await run.applyAll(lab.specs)).toEqual(everyOutcome(lab.specs, 'created'));
    expect(await run.queriesRunning()).toHaveLength(lab.specs.filter((s) => s.form !== 'CREATE').length);
    const sources = await run.client().listSources();
    expect(sources.find((s) => s.name === 'RATINGS')?.topic).toBe('team1.lab.ratings');
  });

  it('gets from ksqlDB the sink topics the stack declares: partitions, replicas, cleanup.policy, retention.ms', async () => {
    const sinks = lab.specs.filter((s) => s.form === 'CREATE_AS_SELECT').map(sinkTopicOf);
    const created = await describeTopics(kafka.bootstrap, sinks);
    const declared = lab.topics.filter((t) => sinks.includes(t.name)).map((t) => ({
      name: t.name,
      partitions: t.partitions,
      replicationFactor: t.replicationFactor,
      cleanupPolicy: t.config['cleanup.policy'],
      // Kafka applies retention.ms only to topics that delete: a compacted topic's value is moot.
      retentionMs: t.config['cleanup.policy'] === 'delete' ? t.config['retention.ms'] : undefined,
    })).sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(declared).toHaveLength(new Set(sinks).size);
    expect(created.map((t) => ({ ...t, retentionMs: t.cleanupPolicy === 'delete' ? t.retentionMs : undefined }))).toEqual(declared);
  });

  it('applied again unchanged, changes nothing', async () => {
    const mark = run.commands.length;
    expect(await run.applyAll(lab.specs)).toEqual(everyOutcome(lab.specs, 'unchanged'));
    expect(run.commandsSince(mark)).toEqual([]);
  });

  it('still finds every object the declared one after ksqlDB restarted (the fingerprints live in its command topic)', async () => {
    await ksqldb.restart();
    await run.queriesRunning();
    const mark = run.commands.length;
    expect(await run.applyAll(lab.specs)).toEqual(everyOutcome(lab.specs, 'unchanged'));
    expect(run.commandsSince(mark)).toEqual([]);
  });

  it('destroy leaves no query, stream, table or internal topic of the lab', async () => {
    await destroyAndCheck(ksqldb, run, lab.specs);
  });
});
