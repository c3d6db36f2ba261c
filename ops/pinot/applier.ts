/**
 * Adds and deletes one Pinot table with its schema through the controller's REST API, once the
 * controller answers its health check. The schema goes first (a table needs it), and on delete
 * it goes last (Pinot refuses to delete a schema a table still uses). Every failure is an
 * ApplyError naming the table and the controller's own message.
 */
import { ApplyError, asApplyError, type AppliedObject } from '../apply-error';
import { describeOutcome, isNetworkFailure, requestJson, type HttpMethod, type HttpOutcome } from '../http-json';
import { done, pending, poll } from '../poll';
import { readTimeouts, TIMEOUTS, type Timeouts } from '../timeouts';

/** What the stack passes in OBJECT_SPEC for a table: its schema and table config, as the controller takes them. */
export interface PinotTableSpec {
  /** The schema: {schemaName, dimensionFieldSpecs, metricFieldSpecs, dateTimeFieldSpecs}. */
  readonly schema: Readonly<Record<string, unknown>> & { readonly schemaName: string };
  /** The table config: {tableName, tableType, segmentsConfig, ingestionConfig, ...}. */
  readonly tableConfig: Readonly<Record<string, unknown>> & { readonly tableName: string; readonly tableType: 'REALTIME' | 'OFFLINE' };
}

export type PinotApplierOptions = Omit<Timeouts<'pinot'>, 'probeTimeoutMs'> & {
  readonly log: (line: string) => void;
};

export const DEFAULT_PINOT_OPTIONS: PinotApplierOptions = {
  ...readTimeouts('pinot', {}),
  log: (line) => console.log(line),
};

const SERVICE = 'the Pinot controller';
const SETTINGS = TIMEOUTS.pinot;

export function pinotTableLabel(spec: PinotTableSpec): string {
  return `Pinot ${spec.tableConfig.tableType} table "${spec.tableConfig.tableName}" (schema "${spec.schema.schemaName}")`;
}

function label(spec: PinotTableSpec): AppliedObject {
  return { label: pinotTableLabel(spec) };
}

/** The controller's errors are {code, error}; a proxy may answer text. */
export function pinotErrorMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'error' in body) return String((body as { error: unknown }).error);
  return typeof body === 'string' ? body : JSON.stringify(body);
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_]*$/;

export function validatePinotTableSpec(spec: unknown): PinotTableSpec {
  if (!spec || typeof spec !== 'object') throw new Error('Pinot table spec must be an object {schema, tableConfig}');
  const { schema, tableConfig } = spec as { schema?: Record<string, unknown>; tableConfig?: Record<string, unknown> };
  const schemaName = schema?.schemaName;
  if (typeof schemaName !== 'string' || !NAME.test(schemaName)) {
    throw new Error(`Pinot table spec has a schema with an invalid schemaName ${JSON.stringify(schemaName)}: use letters, digits and '_'`);
  }
  const tableName = tableConfig?.tableName;
  if (typeof tableName !== 'string' || !NAME.test(tableName)) {
    throw new Error(`Pinot table spec for schema "${schemaName}" has an invalid tableName ${JSON.stringify(tableName)}: use letters, digits and '_'`);
  }
  const tableType = tableConfig?.tableType;
  if (tableType !== 'REALTIME' && tableType !== 'OFFLINE') throw new Error(`Pinot table "${tableName}": tableType must be REALTIME or OFFLINE, not ${JSON.stringify(tableType)}`);
  return spec as PinotTableSpec;
}

/** Adds and deletes a table and its schema once the controller is healthy. */
export class PinotApplier {
  private readonly base: string;
  private readonly options: PinotApplierOptions;

  constructor(endpoint: string, options: Partial<PinotApplierOptions> = {}) {
    this.base = endpoint.replace(/\/+$/, '');
    this.options = { ...DEFAULT_PINOT_OPTIONS, ...options };
  }

  private call(method: HttpMethod, path: string, body?: unknown): Promise<HttpOutcome> {
    return requestJson(method, `${this.base}${path}`, body, this.options.requestTimeoutMs);
  }

  private describe(outcome: HttpOutcome): string {
    return describeOutcome(outcome, pinotErrorMessage, { setting: SETTINGS.requestTimeoutMs, ms: this.options.requestTimeoutMs });
  }

  /** Waits until GET /health answers 200: the controller then has its cluster (ZooKeeper, Helix) up. */
  async waitForHealth(): Promise<void> {
    await poll(
      async () => {
        const outcome = await this.call('GET', '/health');
        return !isNetworkFailure(outcome) && outcome.status === 200 ? done(undefined) : pending(this.describe(outcome));
      },
      {
        timeoutMs: this.options.healthTimeoutMs,
        setting: SETTINGS.healthTimeoutMs,
        intervalMs: this.options.pollMs,
        timedOut: (last, seconds) => `the Pinot controller at ${this.base} did not answer its health check within ${seconds} s (last: ${last})`,
        fix: 'check that the Pinot container is running (its log says which of ZooKeeper, controller, broker and server did not start)',
      },
    );
  }

  private failed(spec: PinotTableSpec, action: string, outcome: HttpOutcome, fix: string): ApplyError {
    return new ApplyError(label(spec), action, SERVICE, this.describe(outcome), fix);
  }

  /**
   * Schema, then table. POST /schemas overrides a schema of the same name; POST /tables answers
   * 409 for an existing table, which is then updated with PUT: re-applying gives the same result.
   */
  async apply(spec: PinotTableSpec): Promise<void> {
    const fix = "correct the declaration (the controller's message says what it rejected), then deploy again";
    try {
      await this.waitForHealth();
      const schema = await this.call('POST', '/schemas?override=true', spec.schema);
      if (isNetworkFailure(schema) || schema.status !== 200) throw this.failed(spec, 'add the schema of', schema, fix);
      const name = spec.tableConfig.tableName;
      const added = await this.call('POST', '/tables', spec.tableConfig);
      if (!isNetworkFailure(added) && added.status === 409) {
        const updated = await this.call('PUT', `/tables/${encodeURIComponent(name)}`, spec.tableConfig);
        if (isNetworkFailure(updated) || updated.status !== 200) throw this.failed(spec, 'update', updated, fix);
        this.options.log(`${pinotTableLabel(spec)} updated`);
        return;
      }
      if (isNetworkFailure(added) || added.status !== 200) throw this.failed(spec, 'add', added, fix);
      this.options.log(`${pinotTableLabel(spec)} added`);
    } catch (e) {
      throw asApplyError(e, label(spec), 'apply', SERVICE, "read the Pinot container's log");
    }
  }

  /** Table, then schema; either one already missing (404) is what destroy wants. */
  async delete(spec: PinotTableSpec): Promise<void> {
    const { tableName, tableType } = spec.tableConfig;
    try {
      await this.waitForHealth();
      const tablePath = `/tables/${encodeURIComponent(tableName)}?type=${tableType.toLowerCase()}`;
      const table = await this.call('DELETE', tablePath);
      if (isNetworkFailure(table) || (table.status !== 200 && table.status !== 404)) {
        throw this.failed(spec, 'delete', table, `read the Pinot container's log, or delete it by hand: curl -X DELETE '${this.base}${tablePath}'`);
      }
      const schemaPath = `/schemas/${encodeURIComponent(spec.schema.schemaName)}`;
      const schema = await this.call('DELETE', schemaPath);
      if (isNetworkFailure(schema) || (schema.status !== 200 && schema.status !== 404)) {
        throw this.failed(spec, 'delete the schema of', schema, `read the Pinot container's log, or delete it by hand: curl -X DELETE ${this.base}${schemaPath}`);
      }
      this.options.log(`${pinotTableLabel(spec)}: table ${table.status === 404 ? 'was absent' : 'deleted'}, schema ${schema.status === 404 ? 'was absent' : 'deleted'}`);
    } catch (e) {
      throw asApplyError(e, label(spec), 'delete', SERVICE, "read the Pinot container's log");
    }
  }
}
