/**
 * A small client for ksqlDB's REST API (POST /ksql, GET /status, /healthcheck, /info) that waits
 * the way a deployment must: until the server is healthy, through 50302 "not yet ready", and
 * until each command has run, passing the last commandSequenceNumber on to the next request.
 */

import { describeNetworkError, isNetworkFailure, requestJson, sleep, type HttpResult } from '../http-json';

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

/** Waiting ran out: the message says what was awaited, for how long, and what to do. */
export class KsqlTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KsqlTimeoutError';
  }
}

export interface KsqlClientOptions {
  readonly endpoint: string;
  /** How long to wait for /healthcheck and /info, and for 50302 to go away. */
  readonly startupTimeoutMs: number;
  /** How long to wait for one command to finish (QUEUED/EXECUTING -> SUCCESS, or 50301 catch-up). */
  readonly commandTimeoutMs: number;
  readonly pollIntervalMs: number;
  /** Upper bound for one HTTP request. */
  readonly requestTimeoutMs: number;
  readonly log?: (line: string) => void;
}

/** Settings from the environment, so a slow machine can wait longer without a code change. */
export const TIMEOUT_ENV = {
  startup: 'KSQL_APPLY_STARTUP_TIMEOUT_S',
  command: 'KSQL_APPLY_COMMAND_TIMEOUT_S',
  request: 'KSQL_APPLY_REQUEST_TIMEOUT_S',
  poll: 'KSQL_APPLY_POLL_INTERVAL_MS',
} as const;

export const DEFAULT_TIMEOUTS = { startupS: 300, commandS: 120, requestS: 60, pollMs: 1000 } as const;

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new Error(`${name}='${raw}' is not a positive number — set it to a number (for example ${fallback}) or unset it for the default ${fallback}`);
  }
  return n;
}

export function clientOptionsFromEnv(endpoint: string, env: NodeJS.ProcessEnv = process.env): KsqlClientOptions {
  return {
    endpoint,
    startupTimeoutMs: positiveNumber(env, TIMEOUT_ENV.startup, DEFAULT_TIMEOUTS.startupS) * 1000,
    commandTimeoutMs: positiveNumber(env, TIMEOUT_ENV.command, DEFAULT_TIMEOUTS.commandS) * 1000,
    requestTimeoutMs: positiveNumber(env, TIMEOUT_ENV.request, DEFAULT_TIMEOUTS.requestS) * 1000,
    pollIntervalMs: positiveNumber(env, TIMEOUT_ENV.poll, DEFAULT_TIMEOUTS.pollMs),
  };
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

  /** One request; a network failure (refused, timed out) is thrown with its cause, for the callers' retry loops. */
  private async http(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpResult> {
    const outcome = await requestJson(method, `${this.options.endpoint}${path}`, body, this.options.requestTimeoutMs, KSQL_MEDIA_TYPE);
    if (isNetworkFailure(outcome)) throw new Error(outcome.networkError);
    return outcome;
  }

  /** Waits until /healthcheck says healthy and /info answers; every failure is retried until the startup deadline. */
  async waitUntilReady(): Promise<void> {
    if (this.ready) return;
    const deadline = Date.now() + this.options.startupTimeoutMs;
    let last = 'no answer yet';
    for (;;) {
      try {
        const health = await this.http('GET', '/healthcheck');
        const healthy = (health.body as { isHealthy?: boolean } | undefined)?.isHealthy === true;
        if (!healthy) {
          last = `/healthcheck answered ${health.status} ${JSON.stringify(health.body)}`;
        } else {
          const info = await this.http('GET', '/info');
          const server = (info.body as { KsqlServerInfo?: { version?: string; serverStatus?: string } } | undefined)?.KsqlServerInfo;
          if (info.status === 200 && server && (server.serverStatus === undefined || server.serverStatus === 'RUNNING')) {
            this.log(`ksqlDB ${server.version ?? '(unknown version)'} at ${this.options.endpoint} is healthy`);
            this.ready = true;
            return;
          }
          last = `/info answered ${info.status} ${JSON.stringify(info.body)}`;
        }
      } catch (e) {
        last = describeNetworkError(e);
      }
      if (Date.now() + this.options.pollIntervalMs > deadline) {
        throw new KsqlTimeoutError(
          `ksqlDB at ${this.options.endpoint} did not become healthy within ${this.options.startupTimeoutMs / 1000}s (last: ${last}) — ` +
            `check that the ksqldb container is running and read its log; on a slow machine raise ${TIMEOUT_ENV.startup}`,
        );
      }
      await sleep(this.options.pollIntervalMs);
    }
  }

  /**
   * Runs statements through POST /ksql. 50302 (initializing) is retried until the startup deadline and
   * 50301 (command queue catch-up) until the command deadline; other errors throw KsqlServerError.
   */
  async ksql(statements: string): Promise<KsqlEntity[]> {
    const started = Date.now();
    for (;;) {
      const request: Record<string, unknown> = { ksql: statements, streamsProperties: STREAMS_PROPERTIES };
      if (this.lastSequenceNumber !== undefined) request.commandSequenceNumber = this.lastSequenceNumber;
      let res: HttpResult;
      try {
        res = await this.http('POST', '/ksql', request);
      } catch (e) {
        throw new Error(`POST ${this.options.endpoint}/ksql failed: ${describeNetworkError(e)} — check that ksqlDB is reachable from this machine`);
      }
      if (res.status === 200 && Array.isArray(res.body)) {
        const entities = res.body as KsqlEntity[];
        for (const e of entities) this.noteSequenceNumber(e.commandSequenceNumber);
        return entities;
      }
      const err = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as KsqlErrorBody;
      const code = err.error_code;
      const retryFor =
        code === KSQL_ERROR.SERVER_NOT_READY ? this.options.startupTimeoutMs : code === KSQL_ERROR.COMMAND_QUEUE_CATCHUP_TIMEOUT ? this.options.commandTimeoutMs : 0;
      if (retryFor > 0) {
        if (Date.now() - started + this.options.pollIntervalMs > retryFor) {
          throw new KsqlTimeoutError(
            `ksqlDB kept answering ${code} (${err.message ?? 'no message'}) for ${retryFor / 1000}s — ` +
              (code === KSQL_ERROR.SERVER_NOT_READY
                ? `the server did not finish initializing; read its log, or raise ${TIMEOUT_ENV.startup}`
                : `it did not catch up with its command queue; raise ${TIMEOUT_ENV.command}`),
          );
        }
        this.log(`ksqlDB answered ${code} (${err.message ?? ''}); retrying`);
        await sleep(this.options.pollIntervalMs);
        continue;
      }
      for (const e of err.entities ?? []) this.noteSequenceNumber(e.commandSequenceNumber);
      const message = err.message ?? (typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
      throw new KsqlServerError(res.status, code, message, err.statementText);
    }
  }

  private noteSequenceNumber(n: number | undefined): void {
    if (typeof n === 'number' && n >= 0 && (this.lastSequenceNumber === undefined || n > this.lastSequenceNumber)) {
      this.lastSequenceNumber = n;
    }
  }

  /** Runs one CREATE / DROP / TERMINATE / INSERT and waits until its command has finished. */
  async command(statement: string): Promise<KsqlEntity> {
    const entities = await this.ksql(statement);
    const entity = entities.find((e) => e.commandStatus !== undefined);
    if (!entity) return entities[0] ?? {};
    await this.waitForCommand(entity);
    return entity;
  }

  /** Polls GET /status/<commandId> while the command is QUEUED, PARSING or EXECUTING. */
  async waitForCommand(entity: KsqlEntity): Promise<void> {
    let status = entity.commandStatus!;
    const deadline = Date.now() + this.options.commandTimeoutMs;
    while (PENDING.has(status.status)) {
      if (Date.now() + this.options.pollIntervalMs > deadline) {
        throw new KsqlTimeoutError(
          `ksqlDB command ${entity.commandId} is still ${status.status} after ${this.options.commandTimeoutMs / 1000}s (${status.message}) — ` +
            `the server may be overloaded; read its log, or raise ${TIMEOUT_ENV.command}`,
        );
      }
      await sleep(this.options.pollIntervalMs);
      const path = `/status/${(entity.commandId ?? '').split('/').map(encodeURIComponent).join('/')}`;
      const res = await this.http('GET', path);
      if (res.status === 200 && typeof res.body === 'object' && res.body !== null) status = res.body as CommandStatus;
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

  async describe(name: string): Promise<SourceDescription> {
    const entities = await this.ksql(`DESCRIBE ${quoteIdentifier(name)};`);
    const description = entities.find((e) => e.sourceDescription)?.sourceDescription;
    if (!description) throw new Error(`DESCRIBE ${name} returned no sourceDescription: ${JSON.stringify(entities)}`);
    return description;
  }
}

/** Backtick-quotes a name so that ksqlDB takes it exactly as stored. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

