/**
 * ksqlDB stand-in, following the documented REST shapes: GET /healthcheck ({isHealthy, details}),
 * GET /info ({KsqlServerInfo}), POST /ksql (an array of entities: currentStatus with
 * commandId/commandStatus/commandSequenceNumber, streams, tables, queries, sourceDescription),
 * GET /status/<commandId>, errors as {"@type":"statement_error", error_code 40001, message,
 * statementText, entities} and 503 {"@type":"generic_error", error_code 50302} while initializing.
 * It keeps a small metastore so that ordering, idempotence, replacement and drop constraints behave
 * as ksqlDB's do, and reports every persistent query RUNNING. What it mirrors of the real ksqlDB
 * 7.9.9 (observed, integration/ksql/): statements are stored rewritten (STRING for VARCHAR, the
 * WITH list completed), a query keeps the streamsProperties it was started with (SHOW QUERIES
 * EXTENDED's overriddenProperties), and CREATE OR REPLACE is refused for windowed aggregates and
 * for sinks with several writers, with ksqlDB's messages. It runs no query: it reads and writes
 * no Kafka topic. The unit tests' fake (__tests__/ksql/fake-ksqldb.ts) is this class, with the
 * knobs below set to make it misbehave.
 *
 * Kept only as the unit tests' fake: the applier's unit tests need a ksqlDB that answers without a
 * JVM and a broker. No image is built from it any more: the rehearsal and the integration tests run
 * the real ksqlDB 7.9.9 (lab-local/cp-ksqldb-server).
 */
import { json, type StandinAnswer, type StandinHandler, type StandinRequest } from './http';
import { tokenize } from '../ksql-language/lexer';
import { parseScript, type KsqlStatement } from '../ksql-language/parser';

interface StoredSource {
  name: string;
  type: 'STREAM' | 'TABLE';
  topic: string;
  statement: string;
  sources: string[];
  windowed: boolean;
}

interface StoredQuery {
  id: string;
  queryString: string;
  sink: string;
  sources: string[];
  overriddenProperties: Record<string, string>;
}

interface PendingCommand {
  polls: number;
  final: 'SUCCESS' | 'ERROR';
  message: string;
}

export interface KsqlRequest {
  readonly ksql: string;
  readonly commandSequenceNumber?: number;
  readonly streamsProperties?: Record<string, string>;
}

class StatementError extends Error {}

export class KsqlDbStandin implements StandinHandler {
  readonly service = 'ksqldb';

  readonly sources = new Map<string, StoredSource>();
  readonly queries = new Map<string, StoredQuery>();
  /** Every POST /ksql body, in order. */
  readonly requests: KsqlRequest[] = [];
  /** Every statement executed as a command (CREATE, DROP, TERMINATE, INSERT), in order. */
  readonly commands: string[] = [];
  readonly statusPolls: string[] = [];
  /** Requests answered "not ready" (healthcheck unhealthy, /ksql 50302) before the server is up. */
  initializingRequests = 0;
  /** When true the server never becomes healthy. */
  neverHealthy = false;
  /** POST /ksql requests answered 50302 although /healthcheck is healthy (Infinity: always). */
  ksqlNotReadyRequests = 0;
  /**
   * Command requests (CREATE, DROP, TERMINATE, INSERT) answered 500 ProducerFencedException without
   * running, as the real ksqlDB answers a statement whose command-topic transaction another request
   * fenced (Infinity: always). The answers alternate between the two messages the real one gives: a
   * fenced send's, then a fenced commit's.
   */
  fencedCommandRequests = 0;
  private fencedAnswers = 0;
  /** Status polls a new command stays QUEUED for before it finishes; Infinity never finishes. */
  pendingPolls = 0;
  /** CREATE OR REPLACE of these names fails as an incompatible upgrade. */
  readonly rejectReplace = new Set<string>();
  /** When set, the next command is accepted but finishes in ERROR with this message. */
  failNextCommandWith: string | undefined;

  private sequence = 0;

  /** @param version what /info reports: the version of the image it stands in for. */
  constructor(private readonly version = '7.9.11') {}
  private queryCounter = 0;
  private readonly statuses = new Map<string, PendingCommand>();

  /** Commands whose text starts with the given words (case-insensitive). */
  commandsStartingWith(prefix: string): string[] {
    return this.commands.filter((c) => c.toUpperCase().startsWith(prefix.toUpperCase()));
  }

  private initializing(): boolean {
    if (this.neverHealthy) return true;
    if (this.initializingRequests > 0) {
      this.initializingRequests--;
      return true;
    }
    return false;
  }

  /** For GET /__standin/state: every command in the order it ran, and the metastore it left. */
  state(): unknown {
    return {
      commands: this.commands,
      sources: [...this.sources.values()].map(({ name, type, topic, sources }) => ({ name, type, topic, sources })),
      queries: [...this.queries.values()].map((q) => ({ id: q.id, sink: q.sink, sources: q.sources, state: 'RUNNING' })),
    };
  }

  handle(req: StandinRequest): StandinAnswer {
    const path = req.path;
    const send = (status: number, payload: unknown): StandinAnswer => ({ ...json(status, payload), contentType: 'application/vnd.ksql.v1+json' });
    if (req.method === 'GET' && path === '/healthcheck') {
      const up = !this.initializing();
      return send(up ? 200 : 503, {
        isHealthy: up,
        details: { metastore: { isHealthy: up }, kafka: { isHealthy: true } },
      });
    }
    if (req.method === 'GET' && path === '/info') {
      return send(200, { KsqlServerInfo: { version: this.version, kafkaClusterId: 'standin-cluster', ksqlServiceId: 'lab_', serverStatus: 'RUNNING' } });
    }
    if (req.method === 'GET' && path.startsWith('/status/')) {
      const id = path.slice('/status/'.length);
      this.statusPolls.push(id);
      const cmd = this.statuses.get(id);
      if (!cmd) return send(404, { '@type': 'generic_error', error_code: 40400, message: `Command not found: ${id}` });
      cmd.polls--;
      return send(200, cmd.polls > 0 ? { status: 'QUEUED', message: 'Statement written to command topic' } : { status: cmd.final, message: cmd.message });
    }
    if (req.method === 'POST' && path === '/ksql') {
      const body = parseRequest(req.body);
      if (typeof body === 'string') return send(400, { '@type': 'generic_error', error_code: 40000, message: body });
      this.requests.push(body);
      const notReady = this.ksqlNotReadyRequests > 0;
      if (notReady) this.ksqlNotReadyRequests--;
      if (notReady || this.initializing()) {
        return send(503, { '@type': 'generic_error', error_code: 50302, message: 'KSQL is not yet ready to serve requests.' });
      }
      const isCommand = splitStatements(body.ksql).some((st) => /^\s*(CREATE|DROP|TERMINATE|INSERT)\b/i.test(st));
      if (isCommand && this.fencedCommandRequests > 0) {
        this.fencedCommandRequests--;
        const message =
          this.fencedAnswers++ % 2 === 0
            ? "Producer with transactionalId 'default_' and (producerId=1, epoch=1) has been fenced by another producer with the same transactionalId"
            : 'There is a newer producer with the same transactionalId which fences the current one.';
        return send(500, { '@type': 'generic_error', error_code: 50000, message });
      }
      if (body.commandSequenceNumber !== undefined && body.commandSequenceNumber > this.sequence) {
        return send(503, { '@type': 'generic_error', error_code: 50301, message: `Timed out waiting for command ${body.commandSequenceNumber}` });
      }
      const entities: unknown[] = [];
      for (const statement of splitStatements(body.ksql)) {
        try {
          entities.push(this.execute(statement, body.streamsProperties ?? {}));
        } catch (e) {
          if (!(e instanceof StatementError)) throw e;
          return send(400, { '@type': 'statement_error', error_code: 40001, message: e.message, statementText: statement, entities });
        }
      }
      return send(200, entities);
    }
    return send(404, { '@type': 'generic_error', error_code: 40400, message: `no route ${req.method} ${path}` });
  }

  private execute(statement: string, properties: Record<string, string>): unknown {
    const raw = statement.trim().split(/\s+/);
    const words = raw.map((w) => w.toUpperCase());
    const head = `${words[0]} ${words[1] ?? ''}`;
    if (head === 'SHOW STREAMS' || head === 'LIST STREAMS') return this.list('STREAM', statement);
    if (head === 'SHOW TABLES' || head === 'LIST TABLES') return this.list('TABLE', statement);
    if ((head === 'SHOW QUERIES' || head === 'LIST QUERIES') && words[2] === 'EXTENDED') {
      return { '@type': 'query_descriptions', statementText: statement, queryDescriptions: [...this.queries.values()].map((q) => this.queryDescription(q)), warnings: [] };
    }
    if (head === 'SHOW QUERIES' || head === 'LIST QUERIES') {
      return {
        '@type': 'queries',
        statementText: statement,
        queries: [...this.queries.values()].map((q) => this.runningQuery(q)),
        warnings: [],
      };
    }
    if (words[0] === 'DESCRIBE') return this.describe(statement, unquote(raw.slice(1).join(' ')));
    if (words[0] === 'DROP') return this.drop(statement, words[1] as 'STREAM' | 'TABLE', unquote(raw[2]));
    if (words[0] === 'TERMINATE') return this.terminate(statement, words[1]);
    if (words[0] === 'CREATE' || words[0] === 'INSERT') return this.create(statement, properties);
    throw new StatementError(`line 1:1: mismatched input '${words[0]}'`);
  }

  private list(type: 'STREAM' | 'TABLE', statement: string): unknown {
    const items = [...this.sources.values()]
      .filter((s) => s.type === type)
      .map((s) => ({ type: s.type, name: s.name, topic: s.topic, keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: s.windowed }));
    return type === 'STREAM'
      ? { '@type': 'streams', statementText: statement, streams: items, warnings: [] }
      : { '@type': 'tables', statementText: statement, tables: items, warnings: [] };
  }

  private runningQuery(q: StoredQuery): unknown {
    return {
      queryString: q.queryString,
      sinks: [q.sink],
      sinkKafkaTopics: [this.sources.get(q.sink)?.topic ?? ''],
      id: q.id,
      statusCount: { RUNNING: 1 },
      queryType: 'PERSISTENT',
      state: 'RUNNING',
    };
  }

  private queryDescription(q: StoredQuery): unknown {
    return {
      id: q.id,
      statementText: q.queryString,
      sources: q.sources,
      sinks: [q.sink],
      queryType: 'PERSISTENT',
      state: 'RUNNING',
      overriddenProperties: q.overriddenProperties,
    };
  }

  private readersOf(name: string): StoredSource[] {
    return [...this.sources.values()].filter((s) => s.sources.includes(name));
  }

  private describe(statement: string, name: string): unknown {
    const s = this.sources.get(name);
    if (!s) throw new StatementError(`Could not find STREAM/TABLE '${name}' in the Metastore`);
    const readQueries = [...this.queries.values()].filter((q) => q.sources.includes(name));
    const writeQueries = [...this.queries.values()].filter((q) => q.sink === name);
    return {
      '@type': 'sourceDescription',
      statementText: statement,
      sourceDescription: {
        name: s.name,
        windowType: null,
        readQueries: readQueries.map((q) => this.runningQuery(q)),
        writeQueries: writeQueries.map((q) => this.runningQuery(q)),
        fields: [],
        type: s.type,
        timestamp: '',
        statistics: '',
        errorStats: '',
        extended: false,
        keyFormat: 'KAFKA',
        valueFormat: 'JSON',
        topic: s.topic,
        partitions: 0,
        replication: 0,
        statement: s.statement,
      },
      warnings: [],
    };
  }

  private command(statement: string, commandId: string, message: string): unknown {
    this.commands.push(statement.trim());
    this.sequence++;
    const failure = this.failNextCommandWith;
    this.failNextCommandWith = undefined;
    const pending = failure !== undefined ? Math.max(this.pendingPolls, 1) : this.pendingPolls;
    if (pending > 0) this.statuses.set(commandId, { polls: pending, final: failure === undefined ? 'SUCCESS' : 'ERROR', message: failure ?? message });
    return {
      '@type': 'currentStatus',
      statementText: statement,
      commandId,
      commandStatus: pending > 0 ? { status: 'QUEUED', message: 'Statement written to command topic' } : { status: 'SUCCESS', message },
      commandSequenceNumber: this.sequence,
      warnings: [],
    };
  }

  private create(statement: string, properties: Record<string, string>): unknown {
    const parsed = parseScript('request', `${statement};`);
    const s: KsqlStatement | undefined = parsed.statements[0];
    if (!s || parsed.problems.length > 0) {
      throw new StatementError(`line 1:1: ${parsed.problems.map((p) => p.problem).join('; ') || 'syntax error'}`);
    }
    for (const src of s.sources) {
      if (!this.sources.has(src.name)) throw new StatementError(`Exception while preparing statement: ${src.name} does not exist.`);
      const source = this.sources.get(src.name)!;
      if (source.type === 'TABLE' && source.windowed && s.form !== 'CREATE') {
        throw new StatementError('KSQL does not support persistent queries on windowed tables.');
      }
    }
    if (s.form === 'INSERT_INTO') {
      if (!this.sources.has(s.target!)) throw new StatementError(`Exception while preparing statement: ${s.target} does not exist.`);
      if (this.queries.has(s.name)) throw new StatementError(`Query id ${s.name} is already in use.`);
      this.queries.set(s.name, { id: s.name, queryString: storedLikeKsqlDb(statement), sink: s.target!, sources: s.sources.map((x) => x.name), overriddenProperties: { ...properties } });
      return this.command(statement, `stream/${s.target}/create`, 'Created query with ID ' + s.name);
    }
    const kind = s.kind as 'STREAM' | 'TABLE';
    const existing = this.sources.get(s.name);
    if (existing && !s.orReplace) {
      throw new StatementError(`Cannot add ${kind.toLowerCase()} '${s.name}': A ${existing.type.toLowerCase()} with the same name already exists`);
    }
    if (existing && this.rejectReplace.has(s.name)) {
      throw new StatementError(`Cannot upgrade data source: DataSource '${s.name}' has key type changed`);
    }
    const writers = [...this.queries.values()].filter((q) => q.sink === s.name);
    if (existing && writers.length > 1) {
      throw new StatementError(`REPLACE for sink ${s.name} is not supported because there are multiple queries writing into it: [${writers.map((q) => q.id).join(', ')}]`);
    }
    if (existing && s.windowed && s.form === 'CREATE_AS_SELECT') {
      throw new StatementError(`Upgrades not yet supported for StreamWindowedAggregate`);
    }
    const topic = String(s.properties.KAFKA_TOPIC?.value ?? s.name);
    this.sources.set(s.name, {
      name: s.name,
      type: kind,
      topic,
      statement: storedLikeKsqlDb(statement),
      sources: s.sources.map((x) => x.name),
      windowed: s.windowed,
    });
    if (s.form === 'CREATE_AS_SELECT') {
      const prior = [...this.queries.values()].find((q) => q.sink === s.name && !q.id.startsWith('INSERT'));
      const id = prior?.id ?? `${kind === 'TABLE' ? 'CTAS' : 'CSAS'}_${s.name}_${++this.queryCounter}`;
      this.queries.set(id, { id, queryString: storedLikeKsqlDb(statement), sink: s.name, sources: s.sources.map((x) => x.name), overriddenProperties: { ...properties } });
    }
    return this.command(statement, `${kind.toLowerCase()}/${s.name}/create`, `${kind === 'TABLE' ? 'Table' : 'Stream'} created${s.form === 'CREATE_AS_SELECT' ? ' and running' : ''}`);
  }

  private drop(statement: string, type: 'STREAM' | 'TABLE', name: string): unknown {
    const s = this.sources.get(name);
    if (!s || s.type !== type) throw new StatementError(`Source ${name} does not exist.`);
    const readers = this.readersOf(name).map((r) => r.name);
    if (readers.length > 0) {
      throw new StatementError(
        `Cannot drop ${name}.\nThe following streams and/or tables read from this source: [${readers.join(', ')}].\nYou need to drop them before dropping ${name}.`,
      );
    }
    const inserts = [...this.queries.values()].filter((q) => q.id !== undefined && !/^C[ST]AS_/.test(q.id) && (q.sink === name || q.sources.includes(name)));
    if (inserts.length > 0) {
      throw new StatementError(`Cannot drop ${name}.\nThe following queries write into this source: [${inserts.map((q) => q.id).join(', ')}].\nYou need to terminate them before dropping ${name}.`);
    }
    for (const q of [...this.queries.values()]) if (q.sink === name) this.queries.delete(q.id);
    this.sources.delete(name);
    return this.command(statement, `${type.toLowerCase()}/${name}/drop`, `Source ${name} (topic: ${s.topic}) was dropped.`);
  }

  private terminate(statement: string, id: string): unknown {
    if (!this.queries.has(id)) throw new StatementError(`Unknown queryId: ${id}`);
    this.queries.delete(id);
    return this.command(statement, `terminate/${id}/execute`, 'Query terminated.');
  }
}

/** The body of POST /ksql, or what is wrong with it (ksqlDB answers 400 to a body without `ksql`). */
function parseRequest(text: string): KsqlRequest | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return `POST /ksql: the body is not JSON (${e instanceof Error ? e.message : String(e)})`;
  }
  if (typeof body !== 'object' || body === null || typeof (body as { ksql?: unknown }).ksql !== 'string') {
    return 'POST /ksql: the body must be an object with a "ksql" string';
  }
  return body as KsqlRequest;
}

/** Splits a /ksql request into statements the way ksqlDB does: on ';' outside literals. */
function splitStatements(ksql: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const t of tokenize(ksql).tokens) {
    if (t.type === 'symbol' && t.value === ';') {
      out.push(ksql.slice(start, t.start).trim());
      start = t.end;
    }
  }
  const rest = ksql.slice(start).trim();
  if (rest) out.push(rest);
  return out.filter((s) => s.length > 0);
}

/**
 * A statement as ksqlDB stores it, in part: the real engine also qualifies columns, parenthesizes
 * WHERE and completes the WITH list with every default; this much is enough to make any comparison
 * of stored and declared text fail, as it does against the real engine.
 */
function storedLikeKsqlDb(statement: string): string {
  const text = statement.trim().replace(/\s+/g, ' ').replace(/\bVARCHAR\b/gi, 'STRING');
  return /^CREATE\b/i.test(text) ? text.replace(/\bWITH \(/i, "WITH (CLEANUP_POLICY='delete', ") : text;
}

function unquote(name: string): string {
  return name.startsWith('`') && name.endsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name.toUpperCase();
}
