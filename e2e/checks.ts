/**
 * One round of the rehearsal's checks over a deployed lab: every container healthy, every topic as
 * declared, producers and CDC writing, the payments API answering, every persistent query RUNNING
 * on ksqlDB and every object they write holding rows, ksqlDB's processing log holding the bad
 * record the rehearsal sent on purpose, every connector and task RUNNING, every sink index
 * receiving documents and created from its declared index template (index-checks.ts), every
 * Grafana panel's and Kibana saved search's query answered with data by the search engine
 * (panel-checks.ts), every provisioned Grafana dashboard and data source served, every Kibana saved
 * object and Pinot table present, the Kafka UI listing
 * the cluster with Schema Registry, ksqlDB and Connect. The runner repeats rounds until all pass or
 * its time is up.
 *
 * After destroy, leftovers.ts looks for Docker objects only: Kibana's saved objects and Pinot's
 * tables live inside their containers (Kibana's in the Elasticsearch container's data volume, Pinot's
 * in its own container), so they are gone with the containers and volumes it checks.
 */
import type { ExpectedDeployment, ExpectedKafkaUi, ExpectedPipeline, ExpectedProcessingLog } from './expectations';
import { grafanaChecks, type GrafanaAccess } from './grafana-checks';
import { indexTemplateChecks } from './index-checks';
import { msearchAt, panelChecks, panelTimeFields, type Planner } from './panel-checks';
import { panelQueryPlan } from './panel-query-plan';
import { processingLogFindings } from './processing-log';
import { brief, containerHealth, containerLogTail, http, type HttpAccess, type KafkaProbe } from './probes';
import { topicDifferences, type CheckResult, type PipelineFigures } from './summary';

export interface Endpoints {
  readonly ksqldb: string;
  readonly connect: string;
  readonly elasticsearch: string;
  readonly paymentsApi: string;
  readonly kibana: string;
  readonly pinotController: string;
  readonly kafkaUi: string;
}

export interface ChecksInput {
  readonly expected: ExpectedDeployment;
  readonly kafka: KafkaProbe;
  readonly urls: Endpoints;
  /** How every call to those URLs is made (plain, or TLS with the CA and the deployer's login); Grafana has its own. */
  readonly access: HttpAccess;
  /** Record counts per topic at the first observation, to see producers grow. */
  readonly baseline: ReadonlyMap<string, number>;
  /** When the rehearsal sent its bad record to the processing log's probe topic (epoch ms); unset: not sent. */
  readonly badRecordSentAt?: number;
  /** Seconds since the deploy started, for "time to first data". */
  readonly elapsedSeconds: () => number;
  /** First time each producer topic was seen non-empty (kept across rounds). */
  readonly firstData: Map<string, number>;
  readonly grafana: GrafanaAccess;
}

export interface RoundResult {
  readonly results: CheckResult[];
  readonly figures: PipelineFigures[];
  /** What the run should say without failing for it: processing errors the lab's own records caused. */
  readonly notes: string[];
}

/** The value the rehearsal sends to the processing log's probe topic: not JSON, so no query can read it. */
export const BAD_RECORD = 'lab e2e: a value that is not JSON, sent on purpose to reach the ksqlDB processing log';

const TOPIC_CONFIG_KEYS = ['cleanup.policy', 'retention.ms'];

function result(pipeline: string, check: string, ok: boolean, detail: string): CheckResult {
  return { pipeline, check, verdict: ok ? 'pass' : 'fail', detail };
}

async function platformChecks(input: ChecksInput): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [name, state] of containerHealth(input.expected.containers)) {
    const ok = state === 'healthy';
    results.push(result('platform', `container ${name} healthy`, ok, ok ? state : `${state}; last log lines:\n${containerLogTail(name)}`));
  }
  try {
    const names = input.expected.topics.map((t) => t.name);
    const observed = await input.kafka.describe(names, TOPIC_CONFIG_KEYS);
    for (const topic of input.expected.topics) {
      const seen = observed.get(topic.name);
      const diffs = seen ? topicDifferences(topic, seen) : ['missing on the brokers'];
      results.push(result('platform', `topic ${topic.name} as declared`, diffs.length === 0, diffs.join('; ') || 'partitions, replication, cleanup and retention as declared'));
    }
  } catch (e) {
    results.push(result('platform', 'topics as declared', false, `Kafka admin API: ${(e as Error).message}`));
  }
  return results;
}

interface ShownQuery {
  readonly id: string;
  readonly sinks?: string[];
  readonly state?: string;
}

/** Every persistent query of the pipeline (CREATE ... AS SELECT, INSERT INTO) listed by SHOW QUERIES and RUNNING. */
function queryChecks(p: ExpectedPipeline, queries: readonly ShownQuery[], answer: string): CheckResult[] {
  const persistent = p.statements.filter((s) => s.form !== 'CREATE');
  return persistent.map((s) => {
    // An INSERT INTO is found by its QUERY_ID; a CREATE ... AS SELECT by the object it writes.
    const q = queries.find((x) => x.id === s.name) ?? (s.form === 'CREATE_AS_SELECT' ? queries.find((x) => (x.sinks ?? []).includes(s.name)) : undefined);
    return result(p.name, `query of ${s.name} RUNNING (${s.file}:${s.line})`, q?.state === 'RUNNING', q ? `${q.id}: state ${q.state ?? '?'}` : `not listed; ksqlDB: ${answer}`);
  });
}

/** Each object the pipeline's queries write holds rows in its topic; returns the checks and the rows. */
async function outputChecks(p: ExpectedPipeline, kafka: KafkaProbe): Promise<{ results: CheckResult[]; rows: number | undefined }> {
  if (p.outputs.length === 0) return { results: [], rows: 0 };
  let counts: Map<string, number>;
  try {
    counts = await kafka.recordCounts(p.outputs.map((o) => o.topic));
  } catch (e) {
    return { results: [result(p.name, 'read the ksqlDB output topics', false, (e as Error).message)], rows: undefined };
  }
  const results = p.outputs.map((o) => {
    const rows = counts.get(o.topic) ?? 0;
    // EMIT FINAL writes a window once a later record closes it: its first rows lag the others (allowed, not waited out).
    const finalNote = o.emitFinal ? ' (EMIT FINAL: a window is written once a later record closes it)' : '';
    return result(p.name, `ksqlDB output ${o.object} holds rows (topic ${o.topic})`, rows > 0, `${rows} records${finalNote}`);
  });
  return { results, rows: [...counts.values()].reduce((a, b) => a + b, 0) };
}

/**
 * The processing log holds the rehearsal's bad record (ksqlDB's deserialization error for the probe
 * topic); any other record is a processing error the lab's own records caused, noted, not failed.
 */
async function processingLogChecks(log: ExpectedProcessingLog, input: ChecksInput): Promise<{ results: CheckResult[]; notes: string[] }> {
  const check = `ksqlDB processing log ${log.topic} holds the bad record sent to ${log.probe.topic} (stream ${log.probe.stream})`;
  if (input.badRecordSentAt === undefined) return { results: [result('platform', check, false, 'the bad record could not be sent (see above)')], notes: [] };
  let values: string[];
  try {
    values = await input.kafka.readAll(log.topic);
  } catch (e) {
    return { results: [result('platform', check, false, `could not read ${log.topic}: ${(e as Error).message}`)], notes: [] };
  }
  const found = processingLogFindings(values, log.probe.topic, input.badRecordSentAt);
  const first = found.probe[0];
  const results = [
    result('platform', check, first !== undefined, first ? `${found.probe.length} record(s), e.g. ${first.logger}: ${first.errorMessage.split('\n')[0]}` : `${values.length} record(s) in the topic, none about ${log.probe.topic} since the bad record was sent`),
  ];
  const notes = first ? [`ksqlDB processing log: the bad record sent to ${log.probe.topic} was logged by ${first.logger}: ${first.errorMessage.split('\n')[0]}`] : [];
  notes.push(
    found.others.length
      ? `ksqlDB processing log: ${values.length - found.probe.length - found.unreadable} record(s) the lab's own data caused:`
      : "ksqlDB processing log: no record caused by the lab's own data",
    ...found.others.map((o) => `  ${o}`),
  );
  if (found.unreadable) notes.push(`ksqlDB processing log: ${found.unreadable} record(s) that are not the structured JSON layout`);
  return { results, notes };
}

async function connectorChecks(p: ExpectedPipeline, input: ChecksInput): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const name of p.connectors) {
    const answer = await http(input.access, 'GET', `${input.urls.connect}/connectors/${encodeURIComponent(name)}/status`);
    const status = answer.body as { connector?: { state?: string; trace?: string }; tasks?: Array<{ id: number; state: string; trace?: string }> } | undefined;
    const tasks = status?.tasks ?? [];
    const running = answer.status === 200 && status?.connector?.state === 'RUNNING' && tasks.length > 0 && tasks.every((t) => t.state === 'RUNNING');
    const failed = tasks.find((t) => t.state === 'FAILED');
    const detail = running
      ? `RUNNING with ${tasks.length} task(s)`
      : failed
        ? `task ${failed.id} FAILED: ${(failed.trace ?? '').split('\n')[0]}`
        : answer.status === 200
          ? `connector ${status?.connector?.state ?? '?'}, tasks ${tasks.map((t) => t.state).join(',') || 'none'}`
          : brief(answer);
    results.push(result(p.name, `connector ${name} RUNNING`, running, detail));
  }
  return results;
}

/** Each Kibana saved object of the pipeline answers GET /api/saved_objects/{type}/{id}. */
export async function kibanaChecks(p: ExpectedPipeline, urls: Pick<Endpoints, 'kibana'>, access: HttpAccess): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const o of p.kibanaObjects) {
    const answer = await http(access, 'GET', `${urls.kibana}/api/saved_objects/${o.type}/${encodeURIComponent(o.id)}`);
    const title = (answer.body as { attributes?: { title?: unknown } } | undefined)?.attributes?.title;
    results.push(result(p.name, `Kibana ${o.type} ${o.id} exists`, answer.status === 200, answer.status === 200 ? `title "${String(title)}"` : brief(answer)));
  }
  return results;
}

/** Each Pinot table of the pipeline and its schema are known to the controller. */
export async function pinotChecks(p: ExpectedPipeline, urls: Pick<Endpoints, 'pinotController'>, access: HttpAccess): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const t of p.pinotTables) {
    const schema = await http(access, 'GET', `${urls.pinotController}/schemas/${encodeURIComponent(t.schema)}`);
    results.push(result(p.name, `Pinot schema ${t.schema} exists`, schema.status === 200, schema.status === 200 ? 'present' : brief(schema)));
    // GET /tables/{name}?type= answers {} when the table does not exist, {"REALTIME": {...}} when it does.
    const table = await http(access, 'GET', `${urls.pinotController}/tables/${encodeURIComponent(t.table)}?type=${t.tableType.toLowerCase()}`);
    const present = table.status === 200 && typeof table.body === 'object' && table.body !== null && t.tableType in table.body;
    results.push(result(p.name, `Pinot ${t.tableType} table ${t.table} exists`, present, present ? 'present' : brief(table)));
  }
  return results;
}

/**
 * The Kafka UI lists the cluster with Schema Registry, ksqlDB and Connect among its features
 * (kafbat's GET /api/clusters) and names the Connect clusters (GET /api/clusters/{name}/connects).
 * The real UI must also see the cluster online; the stand-in connects to nothing and says offline.
 */
export async function kafkaUiChecks(expected: ExpectedKafkaUi, urls: Pick<Endpoints, 'kafkaUi'>, access: HttpAccess): Promise<CheckResult[]> {
  const answer = await http(access, 'GET', `${urls.kafkaUi}/api/clusters`);
  const clusters = Array.isArray(answer.body) ? (answer.body as Array<{ name?: string; status?: string; features?: string[] }>) : [];
  const cluster = clusters.find((c) => c.name === expected.cluster);
  const wanted = [...(expected.schemaRegistry ? ['SCHEMA_REGISTRY'] : []), ...(expected.ksqldb ? ['KSQL_DB'] : []), ...(expected.connects.length ? ['KAFKA_CONNECT'] : [])];
  const missing = wanted.filter((f) => !(cluster?.features ?? []).includes(f));
  const online = answer.standin !== undefined || cluster?.status === 'online';
  const results = [
    result(
      'platform',
      `Kafka UI shows cluster ${expected.cluster} with ${wanted.join(', ')}`,
      cluster !== undefined && missing.length === 0 && online,
      !cluster
        ? `not listed; Kafka UI: ${brief(answer)}`
        : missing.length
          ? `features ${JSON.stringify(cluster.features ?? [])} lack ${missing.join(', ')}`
          : `status ${cluster.status ?? '?'}${answer.standin ? ' (stand-in: connects to nothing)' : ''}, features ${(cluster.features ?? []).join(', ')}`,
    ),
  ];
  if (expected.connects.length) {
    const connects = await http(access, 'GET', `${urls.kafkaUi}/api/clusters/${encodeURIComponent(expected.cluster)}/connects`);
    const names = Array.isArray(connects.body) ? (connects.body as Array<{ name?: string }>).map((c) => c.name) : [];
    const absent = expected.connects.filter((n) => !names.includes(n));
    results.push(result('platform', `Kafka UI lists Connect ${expected.connects.join(', ')}`, connects.status === 200 && absent.length === 0, absent.length ? `missing ${absent.join(', ')}; ${brief(connects)}` : `listed: ${names.join(', ')}`));
  }
  return results;
}

/** One round of every check. */
export async function runChecks(input: ChecksInput): Promise<RoundResult> {
  const results = await platformChecks(input);
  if (input.expected.kafkaUi) results.push(...(await kafkaUiChecks(input.expected.kafkaUi, input.urls, input.access)));
  results.push(...(await grafanaChecks(input.expected.grafana, input.grafana)));
  const notes: string[] = [];
  if (input.expected.processingLog) {
    const log = await processingLogChecks(input.expected.processingLog, input);
    results.push(...log.results);
    notes.push(...log.notes);
  }
  const shown = await http(input.access, 'POST', `${input.urls.ksqldb}/ksql`, { ksql: 'SHOW QUERIES;', streamsProperties: {} }, 'application/vnd.ksql.v1+json');
  const queries = (Array.isArray(shown.body) ? (shown.body[0] as { queries?: ShownQuery[] }).queries : undefined) ?? [];

  // The dashboards as they are looked at now: each round asks for the newest data, as a refresh does.
  const now = Date.now();
  const plan: Planner = (variableValues) => panelQueryPlan({ now, pipelines: input.expected.pipelines.map((p) => p.name), variableValues });
  const timeFields = panelTimeFields(plan());

  const figures: PipelineFigures[] = [];
  for (const p of input.expected.pipelines) {
    const topics = [...p.producerTopics, ...(p.cdcTopic ? [p.cdcTopic] : [])];
    let counts = new Map<string, number>();
    try {
      counts = await input.kafka.recordCounts(topics);
    } catch (e) {
      results.push(result(p.name, 'read topic offsets', false, (e as Error).message));
    }
    let messagesIn = 0;
    for (const topic of topics) {
      const now = counts.get(topic) ?? 0;
      const grown = now - (input.baseline.get(topic) ?? 0);
      messagesIn += Math.max(0, grown);
      if (now > 0 && !input.firstData.has(topic)) input.firstData.set(topic, input.elapsedSeconds());
      // Reference data read as a table (users, status codes) is written once and refreshed now and then: it must hold records, not grow.
      const reference = input.expected.topics.find((t) => t.name === topic)?.config['cleanup.policy'] === 'compact';
      const what = topic === p.cdcTopic ? `CDC topic ${topic} receives the rows the generator inserts` : reference ? `reference topic ${topic} holds records` : `topic ${topic} grows`;
      // Every record of the CDC topic came from a row the generator inserted (it writes only to the database); its
      // simulated learners work in sessions and then rest longer than the session gap, so rows arrive in waves.
      const mustGrow = !reference && topic !== p.cdcTopic;
      results.push(result(p.name, what, mustGrow ? grown > 0 : now > 0, `${now} records (${grown} during the checks)`));
    }
    if (p.paymentsApi) {
      // GET produces one random payment (200, as it creates nothing the client named); its record shows in the topic counts.
      const answer = await http(input.access, 'GET', `${input.urls.paymentsApi}/payment_json`);
      results.push(result(p.name, 'payments API produces a payment (GET /payment_json)', answer.status === 200, brief(answer)));
    }
    results.push(...queryChecks(p, queries, brief(shown)));
    const outputs = await outputChecks(p, input.kafka);
    results.push(...outputs.results);
    results.push(...(await connectorChecks(p, input)));
    results.push(...(await kibanaChecks(p, input.urls, input.access)));
    results.push(...(await pinotChecks(p, input.urls, input.access)));
    let documents = 0;
    for (const index of p.indices) {
      const answer = await http(input.access, 'GET', `${input.urls.elasticsearch}/${index}/_count`);
      const count = Number((answer.body as { count?: number } | undefined)?.count ?? 0);
      documents += count;
      results.push(result(p.name, `index ${index} receives documents`, answer.status === 200 && count > 0, answer.status === 200 ? `${count} documents` : brief(answer)));
    }
    results.push(...(await indexTemplateChecks(p, input.expected.indexTemplates, input.urls.elasticsearch, timeFields, input.access)));
    const first = topics.map((t) => input.firstData.get(t)).filter((s): s is number => s !== undefined);
    figures.push({
      pipeline: p.name,
      messagesIn,
      rowsOut: outputs.rows,
      documentsIndexed: documents,
      firstDataSeconds: first.length ? Math.min(...first) : undefined,
      panels: undefined,
    });
  }
  // Last, once every index was counted: a panel of an index without documents cannot have data.
  const panels = await panelChecks(plan, msearchAt(input.urls.elasticsearch, input.access));
  results.push(...panels.results);
  return { results, figures: figures.map((f) => ({ ...f, panels: panels.figures.get(f.pipeline) })), notes };
}
