import { isNetworkFailure, requestJson, sleep, type HttpMethod, type HttpOutcome, type HttpResult } from '../http-json';
import {
  connectErrorMessage,
  isConnectorStatus,
  type ConnectorSpec,
  type ConnectorStatus,
} from './rest';

export interface ConnectApplierOptions {
  /** How long the worker may take to answer GET / (it starts after Kafka and loads plugins). */
  readonly workerTimeoutMs: number;
  /** How long a connector and its tasks may take to reach RUNNING after a change. */
  readonly runningTimeoutMs: number;
  /** How long RUNNING must hold before it counts: right after a config update, status can still show the previous tasks. */
  readonly settleMs: number;
  readonly pollMs: number;
  readonly requestTimeoutMs: number;
  readonly log: (line: string) => void;
}

export const DEFAULT_CONNECT_OPTIONS: ConnectApplierOptions = {
  workerTimeoutMs: 300_000,
  runningTimeoutMs: 180_000,
  settleMs: 3_000,
  pollMs: 1_000,
  requestTimeoutMs: 60_000,
  log: (line) => console.log(line),
};

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';
export type DeleteOutcome = 'deleted' | 'absent';

/** Connect answers 409 while the worker group rebalances; these calls are safe to repeat. */
function isRetryable(outcome: HttpOutcome): boolean {
  if (isNetworkFailure(outcome)) return true;
  if (outcome.status === 409 || outcome.status === 503) return true;
  return outcome.status === 500 && /timed out/i.test(connectErrorMessage(outcome.body));
}

function describe(outcome: HttpOutcome): string {
  return isNetworkFailure(outcome) ? outcome.networkError : `HTTP ${outcome.status}: ${connectErrorMessage(outcome.body)}`;
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

  private url(path: string): string {
    return `${this.base}${path}`;
  }

  private connectorPath(name: string, suffix = ''): string {
    return `/connectors/${encodeURIComponent(name)}${suffix}`;
  }

  private call(method: HttpMethod, path: string, body?: unknown): Promise<HttpOutcome> {
    return requestJson(method, this.url(path), body, this.options.requestTimeoutMs);
  }

  /** Repeats a call while Connect is rebalancing or unreachable, up to the deadline. */
  private async callUntilAnswered(what: string, method: HttpMethod, path: string, body: unknown, deadline: number): Promise<HttpResult> {
    for (;;) {
      const outcome = await this.call(method, path, body);
      if (!isRetryable(outcome)) return outcome as HttpResult;
      if (Date.now() >= deadline) {
        throw new Error(`${what}: Kafka Connect at ${this.base} kept failing (${describe(outcome)}) until the timeout`);
      }
      await sleep(this.options.pollMs);
    }
  }

  /** Waits until GET / answers with the worker's version. */
  async waitForWorker(): Promise<string> {
    const deadline = Date.now() + this.options.workerTimeoutMs;
    let last = 'no answer yet';
    for (;;) {
      const outcome = await this.call('GET', '/');
      if (!isNetworkFailure(outcome) && outcome.status === 200) {
        const version = (outcome.body as { version?: unknown } | undefined)?.version;
        return typeof version === 'string' ? version : 'unknown';
      }
      last = describe(outcome);
      if (Date.now() >= deadline) {
        throw new Error(
          `Kafka Connect at ${this.base} did not answer GET / within ${this.options.workerTimeoutMs / 1000} s ` +
            `(last: ${last}). Check that the Connect container is running and healthy and that the URL is right.`,
        );
      }
      await sleep(this.options.pollMs);
    }
  }

  /** Idempotent: an identical stored config is left alone; otherwise PUT creates or replaces it. */
  async apply(spec: ConnectorSpec): Promise<ApplyOutcome> {
    const version = await this.waitForWorker();
    this.options.log(`connect: worker ${this.base} is up (Kafka ${version})`);
    const deadline = Date.now() + this.options.runningTimeoutMs;
    const wanted = { ...spec.config, name: spec.name };

    const current = await this.callUntilAnswered(`connector "${spec.name}"`, 'GET', this.connectorPath(spec.name, '/config'), undefined, deadline);
    let outcome: ApplyOutcome;
    if (current.status === 200 && sameConfig(current.body, wanted)) {
      outcome = 'unchanged';
    } else if (current.status === 200 || current.status === 404) {
      const put = await this.callUntilAnswered(`connector "${spec.name}"`, 'PUT', this.connectorPath(spec.name, '/config'), wanted, deadline);
      if (put.status !== 200 && put.status !== 201) {
        throw new Error(`connector "${spec.name}": Kafka Connect rejected the config (HTTP ${put.status}): ${connectErrorMessage(put.body)}`);
      }
      outcome = put.status === 201 ? 'created' : 'updated';
    } else {
      throw new Error(`connector "${spec.name}": reading its config failed (HTTP ${current.status}): ${connectErrorMessage(current.body)}`);
    }
    this.options.log(`connect: connector "${spec.name}" ${outcome}; waiting until it and its tasks are RUNNING`);
    const status = await this.waitUntilRunning(spec.name, deadline);
    this.options.log(`connect: connector "${spec.name}" is running (${summarizeStatus(status)})`);
    return outcome;
  }

  /**
   * Polls the status until the connector and every task have been RUNNING for `settleMs`.
   * A FAILED connector or task ends the wait with its trace.
   */
  async waitUntilRunning(name: string, deadline = Date.now() + this.options.runningTimeoutMs): Promise<ConnectorStatus> {
    let runningSince: number | undefined;
    let last = 'no status yet';
    for (;;) {
      const outcome = await this.call('GET', this.connectorPath(name, '/status'));
      if (!isNetworkFailure(outcome) && outcome.status === 200 && isConnectorStatus(outcome.body)) {
        const status = outcome.body;
        last = summarizeStatus(status);
        throwIfFailed(status);
        const running = status.connector.state === 'RUNNING' && status.tasks.length > 0 && status.tasks.every((t) => t.state === 'RUNNING');
        if (running) {
          runningSince ??= Date.now();
          if (Date.now() - runningSince >= this.options.settleMs) return status;
        } else {
          runningSince = undefined;
        }
      } else {
        // 404 right after a PUT: the status topic has not caught up yet.
        last = describe(outcome);
        runningSince = undefined;
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `connector "${name}" was not RUNNING within ${this.options.runningTimeoutMs / 1000} s (last status: ${last}). ` +
            'Check the Connect worker log for this connector.',
        );
      }
      await sleep(this.options.pollMs);
    }
  }

  /** Deletes the connector; one that does not exist is already what destroy wants. */
  async delete(name: string): Promise<DeleteOutcome> {
    await this.waitForWorker();
    const deadline = Date.now() + this.options.runningTimeoutMs;
    const answer = await this.callUntilAnswered(`deleting connector "${name}"`, 'DELETE', this.connectorPath(name), undefined, deadline);
    if (answer.status === 404) {
      this.options.log(`connect: connector "${name}" does not exist; nothing to delete`);
      return 'absent';
    }
    if (answer.status !== 204 && answer.status !== 200) {
      throw new Error(`deleting connector "${name}" failed (HTTP ${answer.status}): ${connectErrorMessage(answer.body)}`);
    }
    // The DELETE is accepted before every worker has stopped the tasks; wait until it is gone.
    for (;;) {
      const check = await this.call('GET', this.connectorPath(name));
      if (!isNetworkFailure(check) && check.status === 404) break;
      if (Date.now() >= deadline) throw new Error(`connector "${name}" was still listed ${this.options.runningTimeoutMs / 1000} s after DELETE (${describe(check)})`);
      await sleep(this.options.pollMs);
    }
    this.options.log(`connect: connector "${name}" deleted`);
    return 'deleted';
  }
}

function throwIfFailed(status: ConnectorStatus): void {
  if (status.connector.state === 'FAILED') {
    throw new Error(
      `connector "${status.name}" FAILED on worker ${status.connector.worker_id ?? '?'}:\n${status.connector.trace ?? '(no trace reported)'}`,
    );
  }
  const failed = status.tasks.filter((t) => t.state === 'FAILED');
  if (failed.length) {
    const traces = failed.map((t) => `task ${t.id} on worker ${t.worker_id ?? '?'}:\n${t.trace ?? '(no trace reported)'}`).join('\n');
    throw new Error(`connector "${status.name}" has ${failed.length} FAILED task(s):\n${traces}`);
  }
}
