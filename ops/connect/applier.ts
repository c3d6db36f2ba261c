/**
 * Creates, updates and deletes one Kafka Connect connector, and waits until it really runs.
 * Every failure is an ApplyError naming the connector and Connect's own message.
 */
import { ApplyError, asApplyError, type AppliedObject } from '../apply-error';
import { describeOutcome, isNetworkFailure, requestJson, type HttpMethod, type HttpOutcome, type HttpResult } from '../http-json';
import { done, pending, poll, type Attempt } from '../poll';
import { readTimeouts, TIMEOUTS, type Timeouts } from '../timeouts';
import {
  connectErrorMessage,
  isConnectorStatus,
  type ConnectorSpec,
  type ConnectorStatus,
} from './rest';

export type ConnectApplierOptions = Omit<Timeouts<'connect'>, 'probeTimeoutMs'> & {
  readonly log: (line: string) => void;
};

export const DEFAULT_CONNECT_OPTIONS: ConnectApplierOptions = {
  ...readTimeouts('connect', {}),
  log: (line) => console.log(line),
};

const SERVICE = 'Kafka Connect';
const SETTINGS = TIMEOUTS.connect;
const LOG_FIX = 'read the Kafka Connect worker log for this connector';

function connector(name: string): AppliedObject {
  return { label: `connector "${name}"` };
}

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';
export type DeleteOutcome = 'deleted' | 'absent';

/**
 * Connect answers 409 while the worker group rebalances, and 500 "a rebalance is expected" just
 * before one (many connectors created at once, a slow or secured cluster); these calls are safe to
 * repeat.
 */
function isRetryable(outcome: HttpOutcome): boolean {
  if (isNetworkFailure(outcome)) return true;
  if (outcome.status === 409 || outcome.status === 503) return true;
  return outcome.status === 500 && /timed out|rebalance is expected/i.test(connectErrorMessage(outcome.body));
}

function sameConfig(stored: unknown, wanted: Readonly<Record<string, string>>): boolean {
  if (!stored || typeof stored !== 'object') return false;
  const a = stored as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(wanted)]);
  for (const key of keys) if (a[key] !== wanted[key]) return false;
  return true;
}

export function summarizeStatus(status: ConnectorStatus): string {
  const tasks = status.tasks.length ? status.tasks.map((t) => `task ${t.id} ${t.state}`).join(', ') : 'no tasks yet';
  return `connector ${status.connector.state}, ${tasks}`;
}

/**
 * Creates, updates and deletes one connector through the Kafka Connect REST API, and waits until it
 * really runs: a PUT that Connect accepts says nothing about whether the tasks can start.
 */
export class ConnectApplier {
  private readonly base: string;
  private readonly options: ConnectApplierOptions;

  constructor(endpoint: string, options: Partial<ConnectApplierOptions> = {}) {
    this.base = endpoint.replace(/\/+$/, '');
    this.options = { ...DEFAULT_CONNECT_OPTIONS, ...options };
  }

  private connectorPath(name: string, suffix = ''): string {
    return `/connectors/${encodeURIComponent(name)}${suffix}`;
  }

  private call(method: HttpMethod, path: string, body?: unknown): Promise<HttpOutcome> {
    return requestJson(method, `${this.base}${path}`, body, this.options.requestTimeoutMs);
  }

  private describe(outcome: HttpOutcome): string {
    return describeOutcome(outcome, connectErrorMessage, { setting: SETTINGS.requestTimeoutMs, ms: this.options.requestTimeoutMs });
  }

  /** Waits of one connector change share the running timeout, counted from `since`. */
  private poll<T>(since: number, attempt: () => Promise<Attempt<T>>, timedOut: (last: string, seconds: number) => string, fix: string): Promise<T> {
    return poll(attempt, { timeoutMs: this.options.runningTimeoutMs, setting: SETTINGS.runningTimeoutMs, intervalMs: this.options.pollMs, since, timedOut, fix });
  }

  /** Repeats a call while Connect is rebalancing or unreachable, up to the deadline. */
  private callUntilAnswered(method: HttpMethod, path: string, body: unknown, since: number): Promise<HttpResult> {
    return this.poll(
      since,
      async () => {
        const outcome = await this.call(method, path, body);
        return isRetryable(outcome) ? pending(this.describe(outcome)) : done(outcome as HttpResult);
      },
      (last, seconds) => `Kafka Connect at ${this.base} kept failing ${method} ${path} for ${seconds} s (last: ${last})`,
      'Connect answers 409 while its workers rebalance and 503 while it starts; read the worker log',
    );
  }

  /** Waits until GET / answers with the worker's version. */
  async waitForWorker(): Promise<string> {
    return poll(
      async () => {
        const outcome = await this.call('GET', '/');
        if (isNetworkFailure(outcome) || outcome.status !== 200) return pending(this.describe(outcome));
        const version = (outcome.body as { version?: unknown } | undefined)?.version;
        return done(typeof version === 'string' ? version : 'unknown');
      },
      {
        timeoutMs: this.options.workerTimeoutMs,
        setting: SETTINGS.workerTimeoutMs,
        intervalMs: this.options.pollMs,
        timedOut: (last, seconds) => `Kafka Connect at ${this.base} did not answer GET / within ${seconds} s (last: ${last})`,
        fix: 'check that the Connect container is running and healthy and that the URL is right',
      },
    );
  }

  /** Idempotent: an identical stored config is left alone; otherwise PUT creates or replaces it. */
  async apply(spec: ConnectorSpec): Promise<ApplyOutcome> {
    try {
      return await this.applyConnector(spec);
    } catch (e) {
      throw asApplyError(e, connector(spec.name), 'apply', SERVICE, LOG_FIX);
    }
  }

  private async applyConnector(spec: ConnectorSpec): Promise<ApplyOutcome> {
    const version = await this.waitForWorker();
    this.options.log(`worker ${this.base} is up (Kafka ${version})`);
    const since = Date.now();
    const wanted = { ...spec.config, name: spec.name };
    const configPath = this.connectorPath(spec.name, '/config');

    const current = await this.callUntilAnswered('GET', configPath, undefined, since);
    let outcome: ApplyOutcome;
    if (current.status === 200 && sameConfig(current.body, wanted)) {
      outcome = 'unchanged';
    } else if (current.status === 200 || current.status === 404) {
      const put = await this.callUntilAnswered('PUT', configPath, wanted, since);
      if (put.status !== 200 && put.status !== 201) {
        throw new ApplyError(
          connector(spec.name),
          'configure',
          SERVICE,
          this.describe(put),
          "correct the connector's configuration (Connect's message names what it rejected), then deploy again",
        );
      }
      outcome = put.status === 201 ? 'created' : 'updated';
    } else {
      throw new ApplyError(connector(spec.name), 'read the config of', SERVICE, this.describe(current), LOG_FIX);
    }
    this.options.log(`connector "${spec.name}" ${outcome}; waiting until it and its tasks are RUNNING`);
    const status = await this.waitUntilRunning(spec.name, since);
    this.options.log(`connector "${spec.name}" is running (${summarizeStatus(status)})`);
    return outcome;
  }

  /**
   * Polls the status until the connector and every task have been RUNNING for `settleMs`.
   * A FAILED connector or task ends the wait with its trace.
   */
  async waitUntilRunning(name: string, since = Date.now()): Promise<ConnectorStatus> {
    let runningSince: number | undefined;
    return this.poll(
      since,
      async () => {
        const outcome = await this.call('GET', this.connectorPath(name, '/status'));
        if (isNetworkFailure(outcome) || outcome.status !== 200 || !isConnectorStatus(outcome.body)) {
          // 404 right after a PUT: the status topic has not caught up yet.
          runningSince = undefined;
          return pending(this.describe(outcome));
        }
        const status = outcome.body;
        throwIfFailed(status);
        const running = status.connector.state === 'RUNNING' && status.tasks.length > 0 && status.tasks.every((t) => t.state === 'RUNNING');
        if (!running) runningSince = undefined;
        else if (Date.now() - (runningSince ??= Date.now()) >= this.options.settleMs) return done(status);
        return pending(summarizeStatus(status));
      },
      (last, seconds) => `connector "${name}" was not RUNNING within ${seconds} s (last status: ${last})`,
      LOG_FIX,
    );
  }

  /** Deletes the connector; one that does not exist is already what destroy wants. */
  async delete(name: string): Promise<DeleteOutcome> {
    try {
      return await this.deleteConnector(name);
    } catch (e) {
      throw asApplyError(e, connector(name), 'delete', SERVICE, LOG_FIX);
    }
  }

  private async deleteConnector(name: string): Promise<DeleteOutcome> {
    await this.waitForWorker();
    const since = Date.now();
    const path = this.connectorPath(name);
    const answer = await this.callUntilAnswered('DELETE', path, undefined, since);
    if (answer.status === 404) {
      this.options.log(`connector "${name}" does not exist; nothing to delete`);
      return 'absent';
    }
    if (answer.status !== 204 && answer.status !== 200) {
      throw new ApplyError(connector(name), 'delete', SERVICE, this.describe(answer), `${LOG_FIX}, or delete it by hand: curl -X DELETE ${this.base}${path}`);
    }
    // The DELETE is accepted before every worker has stopped the tasks; wait until it is gone.
    await this.poll(
      since,
      async () => {
        const check = await this.call('GET', path);
        return !isNetworkFailure(check) && check.status === 404 ? done(undefined) : pending(this.describe(check));
      },
      (last, seconds) => `connector "${name}" was still listed ${seconds} s after DELETE (${last})`,
      LOG_FIX,
    );
    this.options.log(`connector "${name}" deleted`);
    return 'deleted';
  }
}

/** A FAILED connector or task will not recover by waiting: stop with its trace. */
function throwIfFailed(status: ConnectorStatus): void {
  const fix = 'the trace says why; fix the cause (credentials, addresses, the target system), then deploy again';
  if (status.connector.state === 'FAILED') {
    const message = `connector FAILED on worker ${status.connector.worker_id ?? '?'}:\n${status.connector.trace ?? '(no trace reported)'}`;
    throw new ApplyError(connector(status.name), 'start', SERVICE, message, fix);
  }
  const failed = status.tasks.filter((t) => t.state === 'FAILED');
  if (failed.length) {
    const traces = failed.map((t) => `task ${t.id} on worker ${t.worker_id ?? '?'}:\n${t.trace ?? '(no trace reported)'}`).join('\n');
    throw new ApplyError(connector(status.name), 'start', SERVICE, `${failed.length} FAILED task(s):\n${traces}`, fix);
  }
}
