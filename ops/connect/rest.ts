/**
 * The shapes of the Kafka Connect REST API that the applier uses (Apache Kafka 3.9,
 * "Kafka Connect REST Interface"): worker info at GET /, connector config at
 * /connectors/{name}/config, status at /connectors/{name}/status, errors as {error_code, message}.
 */

/** GET / */
export interface WorkerInfo {
  readonly version: string;
  readonly commit?: string;
  readonly kafka_cluster_id?: string;
}

/** Connector and task states reported by GET /connectors/{name}/status. */
export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

export interface StateWithTrace {
  readonly state: ConnectorState;
  readonly worker_id?: string;
  /** Java stack trace of the failure, present when state is FAILED. */
  readonly trace?: string;
}

export interface TaskStatus extends StateWithTrace {
  readonly id: number;
}

/** GET /connectors/{name}/status */
export interface ConnectorStatus {
  readonly name: string;
  readonly connector: StateWithTrace;
  readonly tasks: readonly TaskStatus[];
  readonly type?: 'source' | 'sink';
}

/** The body of every 4xx/5xx answer. */
export interface ConnectError {
  readonly error_code: number;
  readonly message: string;
}

/** What the stack passes in OBJECT_SPEC for a connector: its name and its full configuration. */
export interface ConnectorSpec {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
}

export function connectErrorMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body && typeof (body as ConnectError).message === 'string') {
    return (body as ConnectError).message;
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export function isConnectorStatus(body: unknown): body is ConnectorStatus {
  if (!body || typeof body !== 'object') return false;
  const status = body as Partial<ConnectorStatus>;
  return typeof status.connector?.state === 'string' && Array.isArray(status.tasks);
}

/** Checks OBJECT_SPEC before anything is sent, so a malformed spec names what is wrong. */
export function validateConnectorSpec(spec: unknown): ConnectorSpec {
  if (!spec || typeof spec !== 'object') throw new Error('connector spec must be an object {name, config}');
  const { name, config } = spec as Partial<ConnectorSpec>;
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(name)) {
    throw new Error(`connector spec has an invalid name ${JSON.stringify(name)}: use letters, digits, '.', '_' and '-'`);
  }
  if (!config || typeof config !== 'object') throw new Error(`connector "${name}": spec has no config object`);
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string') {
      throw new Error(`connector "${name}": config "${key}" is ${typeof value}, but Connect configs are strings`);
    }
  }
  if (typeof config['connector.class'] !== 'string') throw new Error(`connector "${name}": config has no "connector.class"`);
  return { name, config };
}
