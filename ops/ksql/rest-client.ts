/**
 * A small client for ksqlDB's REST API (POST /ksql, GET /status, /healthcheck, /info) that waits
 * the way a deployment must: until the server is healthy, through 50302 "not yet ready", and
 * until each command has run, passing the last commandSequenceNumber on to the next request.
 */

import { describeNetworkError, isNetworkFailure, requestJson, type HttpResult } from '../http-json';
import { done, pending, poll, timeoutFix, WaitTimeout, type Attempt, type PollOptions } from '../poll';
import { readTimeouts, TIMEOUTS, type Timeouts } from '../timeouts';

/** Error codes ksqlDB puts in `error_code` (HTTP status * 100 + n). */
export const KSQL_ERROR = {
  BAD_STATEMENT: 40001,
  COMMAND_QUEUE_CATCHUP_TIMEOUT: 50301,
  SERVER_NOT_READY: 50302,
} as const;

/** The properties every deployed statement runs with: queries read their sources from the start. */
export const STREAMS_PROPERTIES: Readonly<Record<string, string>> = {
  'ksql.streams.auto.offset.reset': 'earliest',
};

export interface CommandStatus {
  readonly status: 'QUEUED' | 'PARSING' | 'EXECUTING' | 'SUCCESS' | 'ERROR' | 'TERMINATED';
  readonly message: string;
}

/** One element of a /ksql response array; `@type` says which fields it has. */
export interface KsqlEntity {
  readonly '@type'?: string;
  readonly statementText?: string;
  readonly commandId?: string;
  readonly commandStatus?: CommandStatus;
  readonly commandSequenceNumber?: number;
  readonly streams?: readonly SourceInfo[];
  readonly tables?: readonly SourceInfo[];
  readonly queries?: readonly RunningQuery[];
  readonly queryDescriptions?: readonly QueryDescription[];
  readonly sourceDescription?: SourceDescription;
  readonly warnings?: readonly { readonly message: string }[];
}

export interface SourceInfo {
  readonly name: string;
  readonly topic: string;
  readonly type?: string;
  readonly isWindowed?: boolean;
}

export interface RunningQuery {
  readonly id: string;
  readonly queryString: string;
  readonly sinks?: readonly string[];
  readonly state?: string;
}

/** One query of SHOW QUERIES EXTENDED: with the streamsProperties its statement was sent with. */
export interface QueryDescription {
  readonly id: string;
  readonly statementText: string;
  readonly sinks: readonly string[];
  readonly sources: readonly string[];
  readonly state?: string;
  readonly overriddenProperties?: Readonly<Record<string, unknown>>;
}

export interface SourceDescription {
  readonly name: string;
  readonly type: 'STREAM' | 'TABLE';
  readonly statement?: string;
  readonly topic?: string;
  readonly readQueries: readonly RunningQuery[];
  readonly writeQueries: readonly RunningQuery[];
}

/** ksqlDB's error body (KsqlErrorMessage / KsqlStatementErrorMessage). */
interface KsqlErrorBody {
  readonly '@type'?: string;
  readonly error_code?: number;
  readonly message?: string;
  readonly statementText?: string;
  readonly entities?: readonly KsqlEntity[];
}

/** ksqlDB answered a statement with an error: its own code and message are kept verbatim. */
export class KsqlServerError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorCode: number | undefined,
    readonly serverMessage: string,
    readonly statementText: string | undefined,
  ) {
    super(`ksqlDB error ${errorCode ?? httpStatus}: ${serverMessage}`);
    this.name = 'KsqlServerError';
  }
}

/**
 * Runs one request that writes ksqlDB's command topic when it is this client's turn: statements sent
 * at once fence each other (ops/endpoint-lock.ts). Without one, requests go at once.
 */
export type CommandTurn = <T>(send: () => Promise<T>) => Promise<T>;

export type KsqlClientOptions = Omit<Timeouts<'ksql'>, 'probeTimeoutMs' | 'turnTimeoutMs'> & {
  readonly endpoint: string;
  readonly log?: (line: string) => void;
  readonly inTurn?: CommandTurn;
};

const SETTINGS = TIMEOUTS.ksql;

/** The client's timeouts from the environment (see ops/timeouts.ts), so a slow machine can wait longer. */
export function clientOptionsFromEnv(endpoint: string, env: NodeJS.ProcessEnv = process.env): KsqlClientOptions {
  const { startupTimeoutMs, commandTimeoutMs, requestTimeoutMs, pollIntervalMs } = readTimeouts('ksql', env);
  return { endpoint, startupTimeoutMs, commandTimeoutMs, requestTimeoutMs, pollIntervalMs };
}

const KSQL_MEDIA_TYPE = 'application/vnd.ksql.v1+json';

const PENDING = new Set(['QUEUED', 'PARSING', 'EXECUTING']);

export class KsqlRestClient {
  /** The highest command sequence number seen; sent with each request so it runs after that command. */
  private lastSequenceNumber: number | undefined;
  private ready = false;

  constructor(private readonly options: KsqlClientOptions) {}

  get sequenceNumber(): number | undefined {
    return this.lastSequenceNumber;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /**
   * One request. A network failure is thrown for the callers' waits: a request that ran out of
   * time as a WaitTimeout naming its setting, others (refused, unknown host) with their cause.
   */
  private async http(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpResult> {
    const url = `${this.options.endpoint}${path}`;
    const outcome = await requestJson(method, url, body, this.options.requestTimeoutMs, KSQL_MEDIA_TYPE);
    if (!isNetworkFailure(outcome)) return outcome;
    if (outcome.timedOut) {
      throw new WaitTimeout(
        `${method} ${url} had no answer within ${this.options.requestTimeoutMs / 1000}s`,
        timeoutFix('ksqlDB may be overloaded; read its log', SETTINGS.requestTimeoutMs, this.options.requestTimeoutMs),
      );
    }
    throw new Error(outcome.networkError);
  }

  /** Waits until /healthcheck says healthy and /info answers; every failure is retried until the startup deadline. */
  async waitUntilReady(): Promise<void> {
    if (this.ready) return;
    const version = await poll(() => this.readiness(), {
      timeoutMs: this.options.startupTimeoutMs,
      setting: SETTINGS.startupTimeoutMs,
      intervalMs: this.options.pollIntervalMs,
      timedOut: (last, seconds) => `ksqlDB at ${this.options.endpoint} did not become healthy within ${seconds}s (last: ${last})`,
      fix: 'check that the ksqldb container is running and read its log',
    });
    this.log(`ksqlDB ${version} at ${this.options.endpoint} is healthy`);
    this.ready = true;
  }

  /** One look at /healthcheck and /info: the server's version once it serves requests. */
  private async readiness(): Promise<Attempt<string>> {
    try {
      const health = await this.http('GET', '/healthcheck');
      if ((health.body as { isHealthy?: boolean } | undefined)?.isHealthy !== true) {
        return pending(`/healthcheck answered ${health.status} ${JSON.stringify(health.body)}`);
      }
      const info = await this.http('GET', '/info');
      const server = (info.body as { KsqlServerInfo?: { version?: string; serverStatus?: string } } | undefined)?.KsqlServerInfo;
      if (info.status === 200 && server && (server.serverStatus === undefined || server.serverStatus === 'RUNNING')) {
        return done(server.version ?? '(unknown version)');
      }
      return pending(`/info answered ${info.status} ${JSON.stringify(info.body)}`);
    } catch (e) {
      return pending(e instanceof WaitTimeout ? e.description : describeNetworkError(e));
    }
  }

  /**
   * Runs statements through POST /ksql. 50302 (initializing) is retried until the startup deadline and
   * 50301 (command queue catch-up) until the command deadline, both counted from the first request;
   * other errors throw KsqlServerError.
   */
  async ksql(statements: string, properties: Readonly<Record<string, string>> = {}): Promise<KsqlEntity[]> {
    const since = Date.now();
    const post = (): Promise<HttpResult> => this.post(statements, properties);
    const initialized = (): Promise<HttpResult> =>
      this.retryWhile(KSQL_ERROR.SERVER_NOT_READY, since, 'startupTimeoutMs', 'the server did not finish initializing; read its log', post);
    const caughtUp = (): Promise<HttpResult> =>
      this.retryWhile(
        KSQL_ERROR.COMMAND_QUEUE_CATCHUP_TIMEOUT,
        since,
        'commandTimeoutMs',
        'it did not catch up with its command queue; read its log',
        initialized,
      );
    // Statements sent at once fence each other's command-topic transaction. This stack's applies take
    // turns (ops/endpoint-lock.ts), but another client, or two applies that both cleared a stale
    // turn, can still collide; the fenced one was not written, so sending it again is safe.
    const res = await this.retryWhile(
      concurrentCommandFenced,
      since,
      'commandTimeoutMs',
      "another client kept writing to its command topic at the same time (this stack's applies take turns, so it was another one); stop it, or wait until it is done and apply again",
      caughtUp,
      FENCED_RETRY,
    );
    if (res.status === 200 && Array.isArray(res.body)) {
      const entities = res.body as KsqlEntity[];
      for (const e of entities) this.noteSequenceNumber(e.commandSequenceNumber);
      return entities;
    }
    const err = errorBody(res);
    for (const e of err.entities ?? []) this.noteSequenceNumber(e.commandSequenceNumber);
    const message = err.message ?? (typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
    throw new KsqlServerError(res.status, err.error_code, message, err.statementText);
  }

  /** One POST /ksql, after the last command this client saw. */
  private async post(statements: string, properties: Readonly<Record<string, string>>): Promise<HttpResult> {
    const request: Record<string, unknown> = { ksql: statements, streamsProperties: { ...STREAMS_PROPERTIES, ...properties } };
    if (this.lastSequenceNumber !== undefined) request.commandSequenceNumber = this.lastSequenceNumber;
    try {
      return await this.http('POST', '/ksql', request);
    } catch (e) {
      if (e instanceof WaitTimeout) throw e;
      throw new Error(`POST ${this.options.endpoint}/ksql failed: ${describeNetworkError(e)} — check that ksqlDB is reachable from this machine`);
    }
  }

  /** Repeats `send` while ksqlDB answers the transient error `code` (or one `code` recognizes), up to the timeout under `limit`. */
  private retryWhile(
    code: number | TransientError,
    since: number,
    limit: 'startupTimeoutMs' | 'commandTimeoutMs',
    fix: string,
    send: () => Promise<HttpResult>,
    retry: RetryPace = {},
  ): Promise<HttpResult> {
    return poll(
      async () => {
        const started = Date.now();
        const res = await send();
        const err = errorBody(res);
        const transient = typeof code === 'number' ? err.error_code === code : code(res.status, err.message ?? '');
        if (!transient) return done(res);
        // How long the refused request took shows whether requests collide in a long window (a busy command runner).
        this.log(`ksqlDB answered ${err.error_code ?? res.status} after ${((Date.now() - started) / 1000).toFixed(1)}s (${err.message ?? ''}); retrying`);
        return pending(`${err.error_code ?? res.status} (${err.message ?? 'no message'})`);
      },
      {
        timeoutMs: this.options[limit],
        setting: SETTINGS[limit],
        intervalMs: this.options.pollIntervalMs,
        since,
        timedOut: (last, seconds) => `ksqlDB kept answering ${last} for ${seconds}s`,
        fix,
        ...retry,
      },
    );
  }

  private noteSequenceNumber(n: number | undefined): void {
    if (typeof n === 'number' && n >= 0 && (this.lastSequenceNumber === undefined || n > this.lastSequenceNumber)) {
      this.lastSequenceNumber = n;
    }
  }

  /**
   * Runs one CREATE / DROP / TERMINATE / INSERT and waits until its command has finished.
   * `properties` are sent as streamsProperties besides STREAMS_PROPERTIES; ksqlDB keeps them with the query it starts.
   */
  async command(statement: string, properties: Readonly<Record<string, string>> = {}): Promise<KsqlEntity> {
    const send = (): Promise<KsqlEntity[]> => this.ksql(statement, properties);
    // Only the write takes a turn; waiting for the command to run does not hold up the others.
    const entities = await (this.options.inTurn ? this.options.inTurn(send) : send());
    const entity = entities.find((e) => e.commandStatus !== undefined);
    if (!entity) return entities[0] ?? {};
    await this.waitForCommand(entity);
    return entity;
  }

  /** Polls GET /status/<commandId> while the command is QUEUED, PARSING or EXECUTING. */
  async waitForCommand(entity: KsqlEntity): Promise<void> {
    let status = entity.commandStatus!;
    if (PENDING.has(status.status)) {
      const path = `/status/${(entity.commandId ?? '').split('/').map(encodeURIComponent).join('/')}`;
      status = await poll(
        async () => {
          const res = await this.http('GET', path);
          if (res.status === 200 && typeof res.body === 'object' && res.body !== null) status = res.body as CommandStatus;
          return PENDING.has(status.status) ? pending(status.status) : done(status);
        },
        {
          timeoutMs: this.options.commandTimeoutMs,
          setting: SETTINGS.commandTimeoutMs,
          intervalMs: this.options.pollIntervalMs,
          timedOut: (_last, seconds) => `ksqlDB command ${entity.commandId} is still ${status.status} after ${seconds}s (${status.message})`,
          fix: 'the server may be overloaded; read its log',
        },
      );
    }
    if (status.status === 'ERROR') {
      throw new KsqlServerError(200, undefined, status.message, entity.statementText);
    }
  }

  async listSources(): Promise<SourceInfo[]> {
    const entities = await this.ksql('SHOW STREAMS; SHOW TABLES;');
    return entities.flatMap((e) => [
      ...(e.streams ?? []).map((s) => ({ ...s, type: 'STREAM' })),
      ...(e.tables ?? []).map((t) => ({ ...t, type: 'TABLE' })),
    ]);
  }

  async listQueries(): Promise<RunningQuery[]> {
    const entities = await this.ksql('SHOW QUERIES;');
    return entities.flatMap((e) => e.queries ?? []);
  }

  /** SHOW QUERIES EXTENDED: every persistent query with its sources, sinks, state and overridden properties. */
  async describeQueries(): Promise<QueryDescription[]> {
    const entities = await this.ksql('SHOW QUERIES EXTENDED;');
    return entities.flatMap((e) => e.queryDescriptions ?? []);
  }

  async describe(name: string): Promise<SourceDescription> {
    const entities = await this.ksql(`DESCRIBE ${quoteIdentifier(name)};`);
    const description = entities.find((e) => e.sourceDescription)?.sourceDescription;
    if (!description) throw new Error(`DESCRIBE ${name} returned no sourceDescription: ${JSON.stringify(entities)}`);
    return description;
  }
}

/** Recognizes a transient error by the HTTP status and ksqlDB's message, where no error code singles it out. */
type TransientError = (status: number, message: string) => boolean;

/** How often a retry comes: jittered, and for some errors at growing intervals (ops/poll.ts). */
type RetryPace = Pick<PollOptions, 'jitter' | 'maxIntervalMs'>;

/**
 * A fenced statement is retried at jittered, doubling intervals up to 8 s. Two writers fence each
 * other for as long as a request lasts between its transaction's start and its write, which is
 * longer than a second when ksqlDB's command runner is busy (the server waits for it in between).
 * In a CI rehearsal one apply was fenced at every retry, a second apart, until its two minutes ran
 * out, the producer epoch rising by two from one retry to the next (41, 43, 45, 47): one other
 * writer retried in step with it. The run did not show who; most likely another apply sharing its
 * turn (ops/endpoint-lock.ts, since fixed). A failed rehearsal now prints ksqlDB's warnings, each
 * retry says how long the refused request took, and a shared turn says so.
 */
const FENCED_RETRY: RetryPace = { jitter: true, maxIntervalMs: 8_000 };

/**
 * ksqlDB writes each statement to its command topic in a transaction whose id is the service id, so
 * two requests at once fence each other: the loser answers 500 with Kafka's ProducerFencedException
 * and its statement is not written (the transaction never committed). The message depends on the
 * call that was fenced: a send gives "Producer with transactionalId '<id>' ... has been fenced by
 * another producer with the same transactionalId", the commit "There is a newer producer with the
 * same transactionalId which fences the current one". Both seen with the real ksqlDB 7.9.9 in CI.
 */
const FENCED_MESSAGES = [/has been fenced by another producer with the same transactionalId/, /There is a newer producer with the same transactionalId which fences the current one/];

export const concurrentCommandFenced: TransientError = (status, message) => status === 500 && FENCED_MESSAGES.some((m) => m.test(message));

/** The error fields of a /ksql answer (absent from a success, whose body is an array). */
function errorBody(res: HttpResult): KsqlErrorBody {
  return (typeof res.body === 'object' && res.body !== null ? res.body : {}) as KsqlErrorBody;
}

/** Backtick-quotes a name so that ksqlDB takes it exactly as stored. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

