/**
 * Puts and deletes one composable index template once the Elasticsearch cluster is at least
 * yellow. Every failure is an ApplyError naming the template and Elasticsearch's own reason.
 */
import { ApplyError, asApplyError, type AppliedObject } from '../apply-error';
import { describeOutcome, isNetworkFailure, requestJson, type HttpOutcome } from '../http-json';
import { done, pending, poll } from '../poll';
import { readTimeouts, TIMEOUTS, type Timeouts } from '../timeouts';

/** What the stack passes in OBJECT_SPEC for an index template: its name and the PUT body. */
export interface IndexTemplateSpec {
  readonly name: string;
  /** The body of PUT /_index_template/{name}: index_patterns, priority, template, _meta. */
  readonly body: Readonly<Record<string, unknown>>;
}

export type ElasticsearchApplierOptions = Omit<Timeouts<'elasticsearch'>, 'probeTimeoutMs'> & {
  readonly log: (line: string) => void;
};

export const DEFAULT_ELASTICSEARCH_OPTIONS: ElasticsearchApplierOptions = {
  ...readTimeouts('elasticsearch', {}),
  log: (line) => console.log(line),
};

const SERVICE = 'Elasticsearch';
const SETTINGS = TIMEOUTS.elasticsearch;

function template(name: string): AppliedObject {
  return { label: `index template "${name}"` };
}

/**
 * Elasticsearch errors are {error: {type, reason, root_cause, caused_by}, status}; older or proxy
 * answers may be text. The causes are kept: a refused template's top reason is often only
 * "template after composition is invalid", and the mapping parameter refused is in `caused_by`.
 */
export function elasticsearchErrorMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (error && typeof error === 'object') {
      const parts: string[] = [];
      for (let cause: unknown = error; cause && typeof cause === 'object' && parts.length < 5; cause = (cause as { caused_by?: unknown }).caused_by) {
        const { type, reason } = cause as { type?: unknown; reason?: unknown };
        const text = String(reason ?? JSON.stringify(cause));
        // Elasticsearch repeats a cause inside its wrapper's reason ("Failed to parse mapping: <cause>").
        if (!parts.some((p) => p.includes(text))) parts.push(`${String(type ?? 'error')}: ${text}`);
      }
      return parts.join('; caused by ');
    }
    return String(error);
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export function validateIndexTemplateSpec(spec: unknown): IndexTemplateSpec {
  if (!spec || typeof spec !== 'object') throw new Error('index template spec must be an object {name, body}');
  const { name, body } = spec as Partial<IndexTemplateSpec>;
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    throw new Error(`index template spec has an invalid name ${JSON.stringify(name)}: use lower-case letters, digits, '.', '_' and '-'`);
  }
  if (!body || typeof body !== 'object' || !Array.isArray((body as { index_patterns?: unknown }).index_patterns)) {
    throw new Error(`index template "${name}": body must have an index_patterns array`);
  }
  return { name, body };
}

/** Puts and deletes composable index templates once the cluster is at least yellow. */
export class ElasticsearchApplier {
  private readonly base: string;
  private readonly options: ElasticsearchApplierOptions;

  constructor(endpoint: string, options: Partial<ElasticsearchApplierOptions> = {}) {
    this.base = endpoint.replace(/\/+$/, '');
    this.options = { ...DEFAULT_ELASTICSEARCH_OPTIONS, ...options };
  }

  private call(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<HttpOutcome> {
    return requestJson(method, `${this.base}${path}`, body, this.options.requestTimeoutMs);
  }

  private describe(outcome: HttpOutcome): string {
    return describeOutcome(outcome, elasticsearchErrorMessage, { setting: SETTINGS.requestTimeoutMs, ms: this.options.requestTimeoutMs });
  }

  /** Waits for yellow or green: templates put into a red cluster may not be persisted. */
  async waitForHealth(): Promise<string> {
    const pollSeconds = Math.max(1, Math.round(this.options.pollMs / 1000));
    return poll(
      async () => {
        // Elasticsearch answers 408 when wait_for_status times out, with the current status in the body.
        const outcome = await this.call('GET', `/_cluster/health?wait_for_status=yellow&timeout=${pollSeconds}s`);
        const status = isNetworkFailure(outcome) || outcome.status !== 200 ? undefined : (outcome.body as { status?: unknown } | undefined)?.status;
        return status === 'yellow' || status === 'green' ? done(status) : pending(this.describe(outcome));
      },
      {
        timeoutMs: this.options.healthTimeoutMs,
        setting: SETTINGS.healthTimeoutMs,
        intervalMs: this.options.pollMs,
        timedOut: (last, seconds) => `Elasticsearch at ${this.base} did not reach yellow health within ${seconds} s (last: ${last})`,
        fix: 'check that the Elasticsearch container is running and healthy (its log says why a cluster stays red)',
      },
    );
  }

  /** PUT replaces a template with the same name, so re-applying is idempotent. */
  async putTemplate(spec: IndexTemplateSpec): Promise<void> {
    try {
      const health = await this.waitForHealth();
      this.options.log(`cluster ${this.base} is ${health}`);
      const outcome = await this.call('PUT', `/_index_template/${encodeURIComponent(spec.name)}`, spec.body);
      if (isNetworkFailure(outcome) || outcome.status !== 200) {
        throw new ApplyError(template(spec.name), 'put', SERVICE, this.describe(outcome), "correct the template (Elasticsearch's reason says what it rejected), then deploy again");
      }
      this.options.log(`index template "${spec.name}" applied`);
    } catch (e) {
      throw asApplyError(e, template(spec.name), 'put', SERVICE, 'read the Elasticsearch log');
    }
  }

  /** Deletes the template; a missing one is already what destroy wants. */
  async deleteTemplate(name: string): Promise<'deleted' | 'absent'> {
    try {
      await this.waitForHealth();
      const path = `/_index_template/${encodeURIComponent(name)}`;
      const outcome = await this.call('DELETE', path);
      if (!isNetworkFailure(outcome) && outcome.status === 404) {
        this.options.log(`index template "${name}" does not exist; nothing to delete`);
        return 'absent';
      }
      if (isNetworkFailure(outcome) || outcome.status !== 200) {
        throw new ApplyError(template(name), 'delete', SERVICE, this.describe(outcome), `read the Elasticsearch log, or delete it by hand: curl -X DELETE ${this.base}${path}`);
      }
      this.options.log(`index template "${name}" deleted`);
      return 'deleted';
    } catch (e) {
      throw asApplyError(e, template(name), 'delete', SERVICE, 'read the Elasticsearch log');
    }
  }
}
