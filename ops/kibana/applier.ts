/**
 * Writes and deletes one Kibana saved object (a data view, a saved search, a dashboard) through
 * the saved objects API once Kibana reports its overall status available. Every failure is an
 * ApplyError naming the object and Kibana's own message.
 */
import { ApplyError, asApplyError, type AppliedObject } from '../apply-error';
import { describeOutcome, isNetworkFailure, requestJson, type HttpMethod, type HttpOutcome } from '../http-json';
import { done, pending, poll } from '../poll';
import { readTimeouts, TIMEOUTS, type Timeouts } from '../timeouts';

/** The saved object types the stack writes. */
export const SAVED_OBJECT_TYPES = ['index-pattern', 'search', 'dashboard'] as const;
export type SavedObjectType = (typeof SAVED_OBJECT_TYPES)[number];

export interface SavedObjectReference {
  readonly name: string;
  readonly type: SavedObjectType;
  readonly id: string;
}

/** What the stack passes in OBJECT_SPEC for a saved object: what POST /api/saved_objects/{type}/{id} takes. */
export interface SavedObjectSpec {
  readonly type: SavedObjectType;
  readonly id: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly references: readonly SavedObjectReference[];
}

export type KibanaApplierOptions = Omit<Timeouts<'kibana'>, 'probeTimeoutMs'> & {
  readonly log: (line: string) => void;
};

export const DEFAULT_KIBANA_OPTIONS: KibanaApplierOptions = {
  ...readTimeouts('kibana', {}),
  log: (line) => console.log(line),
};

const SERVICE = 'Kibana';
const SETTINGS = TIMEOUTS.kibana;
/** Kibana refuses every write without this header (its CSRF protection); any value will do. */
const XSRF = { 'kbn-xsrf': 'streaming-analytics-lab' };

export function savedObjectLabel(spec: Pick<SavedObjectSpec, 'type' | 'id'>): string {
  return `Kibana ${spec.type} "${spec.id}"`;
}

function label(spec: Pick<SavedObjectSpec, 'type' | 'id'>): AppliedObject {
  return { label: savedObjectLabel(spec) };
}

/** Kibana's (hapi's) error body is {statusCode, error, message}; a proxy may answer text. */
export function kibanaErrorMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function isSavedObjectType(value: unknown): value is SavedObjectType {
  return (SAVED_OBJECT_TYPES as readonly unknown[]).includes(value);
}

export function validateSavedObjectSpec(spec: unknown): SavedObjectSpec {
  if (!spec || typeof spec !== 'object') throw new Error('Kibana saved object spec must be an object {type, id, attributes, references}');
  const { type, id, attributes, references } = spec as Partial<Record<keyof SavedObjectSpec, unknown>>;
  if (!isSavedObjectType(type)) throw new Error(`Kibana saved object spec has type ${JSON.stringify(type)}: use one of ${SAVED_OBJECT_TYPES.join(', ')}`);
  if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9_-]*$/.test(id)) {
    throw new Error(`Kibana ${type} spec has an invalid id ${JSON.stringify(id)}: use lower-case letters, digits, '_' and '-'`);
  }
  if (!attributes || typeof attributes !== 'object') throw new Error(`Kibana ${type} "${id}": attributes must be an object`);
  const refs = references ?? [];
  if (!Array.isArray(refs) || !refs.every((r: unknown) => typeof r === 'object' && r !== null && isSavedObjectType((r as { type?: unknown }).type))) {
    throw new Error(`Kibana ${type} "${id}": references must be an array of {name, type, id} with type one of ${SAVED_OBJECT_TYPES.join(', ')}`);
  }
  return { type, id, attributes: attributes as Record<string, unknown>, references: refs as SavedObjectReference[] };
}

/** Writes and deletes saved objects once Kibana is available. */
export class KibanaApplier {
  private readonly base: string;
  private readonly options: KibanaApplierOptions;

  constructor(endpoint: string, options: Partial<KibanaApplierOptions> = {}) {
    this.base = endpoint.replace(/\/+$/, '');
    this.options = { ...DEFAULT_KIBANA_OPTIONS, ...options };
  }

  private call(method: HttpMethod, path: string, body?: unknown): Promise<HttpOutcome> {
    return requestJson(method, `${this.base}${path}`, body, this.options.requestTimeoutMs, 'application/json', method === 'GET' ? {} : XSRF);
  }

  private describe(outcome: HttpOutcome): string {
    return describeOutcome(outcome, kibanaErrorMessage, { setting: SETTINGS.requestTimeoutMs, ms: this.options.requestTimeoutMs });
  }

  /**
   * Waits for overall level "available": before that, Kibana may answer 503 while it migrates its
   * saved objects index, and a write could race the migration.
   */
  async waitForAvailable(): Promise<void> {
    await poll(
      async () => {
        const outcome = await this.call('GET', '/api/status');
        const level = isNetworkFailure(outcome) ? undefined : (outcome.body as { status?: { overall?: { level?: unknown } } } | undefined)?.status?.overall?.level;
        return level === 'available' ? done(undefined) : pending(level === undefined ? this.describe(outcome) : `overall level ${String(level)}`);
      },
      {
        timeoutMs: this.options.statusTimeoutMs,
        setting: SETTINGS.statusTimeoutMs,
        intervalMs: this.options.pollMs,
        timedOut: (last, seconds) => `Kibana at ${this.base} did not report status available within ${seconds} s (last: ${last})`,
        fix: "check that the Kibana container is running and that Kibana reaches Elasticsearch (Kibana's log says which service is not available)",
      },
    );
  }

  /** POST with overwrite=true replaces an object of the same type and id, so re-applying is idempotent. */
  async put(spec: SavedObjectSpec): Promise<void> {
    try {
      await this.waitForAvailable();
      const path = `/api/saved_objects/${spec.type}/${encodeURIComponent(spec.id)}?overwrite=true`;
      const outcome = await this.call('POST', path, { attributes: spec.attributes, references: spec.references });
      if (isNetworkFailure(outcome) || outcome.status !== 200) {
        throw new ApplyError(label(spec), 'write', SERVICE, this.describe(outcome), "correct the object's declaration (Kibana's message says what it rejected), then deploy again");
      }
      this.options.log(`${savedObjectLabel(spec)} written`);
    } catch (e) {
      throw asApplyError(e, label(spec), 'write', SERVICE, "read Kibana's log");
    }
  }

  /** Deletes the object; one that does not exist is already what destroy wants. */
  async delete(spec: Pick<SavedObjectSpec, 'type' | 'id'>): Promise<'deleted' | 'absent'> {
    try {
      await this.waitForAvailable();
      const path = `/api/saved_objects/${spec.type}/${encodeURIComponent(spec.id)}`;
      const outcome = await this.call('DELETE', path);
      if (!isNetworkFailure(outcome) && outcome.status === 404) {
        this.options.log(`${savedObjectLabel(spec)} does not exist; nothing to delete`);
        return 'absent';
      }
      if (isNetworkFailure(outcome) || outcome.status !== 200) {
        throw new ApplyError(label(spec), 'delete', SERVICE, this.describe(outcome), `read Kibana's log, or delete it by hand: curl -X DELETE -H 'kbn-xsrf: true' ${this.base}${path}`);
      }
      this.options.log(`${savedObjectLabel(spec)} deleted`);
      return 'deleted';
    } catch (e) {
      throw asApplyError(e, label(spec), 'delete', SERVICE, "read Kibana's log");
    }
  }
}
