import { isNetworkFailure, requestJson, sleep, type HttpOutcome } from '../http-json';

/** What the stack passes in OBJECT_SPEC for an index template: its name and the PUT body. */
export interface IndexTemplateSpec {
  readonly name: string;
  /** The body of PUT /_index_template/{name}: index_patterns, priority, template, _meta. */
  readonly body: Readonly<Record<string, unknown>>;
}

export interface ElasticsearchApplierOptions {
  /** How long the cluster may take to reach yellow health. */
  readonly healthTimeoutMs: number;
  readonly pollMs: number;
  readonly requestTimeoutMs: number;
  readonly log: (line: string) => void;
}

export const DEFAULT_ELASTICSEARCH_OPTIONS: ElasticsearchApplierOptions = {
  healthTimeoutMs: 300_000,
  pollMs: 1_000,
  requestTimeoutMs: 30_000,
  log: (line) => console.log(line),
};

/** Elasticsearch errors are {error: {type, reason, root_cause}, status}; older or proxy answers may be text. */
export function elasticsearchErrorMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (error && typeof error === 'object') {
      const { type, reason } = error as { type?: unknown; reason?: unknown };
      return `${String(type ?? 'error')}: ${String(reason ?? JSON.stringify(error))}`;
    }
    return String(error);
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function describe(outcome: HttpOutcome): string {
  return isNetworkFailure(outcome) ? outcome.networkError : `HTTP ${outcome.status}: ${elasticsearchErrorMessage(outcome.body)}`;
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

  /** Waits for yellow or green: templates put into a red cluster may not be persisted. */
  async waitForHealth(): Promise<string> {
    const deadline = Date.now() + this.options.healthTimeoutMs;
    const pollSeconds = Math.max(1, Math.round(this.options.pollMs / 1000));
    for (;;) {
      // Elasticsearch answers 408 when wait_for_status times out, with the current status in the body.
      const outcome = await this.call('GET', `/_cluster/health?wait_for_status=yellow&timeout=${pollSeconds}s`);
      if (!isNetworkFailure(outcome) && outcome.status === 200) {
        const status = (outcome.body as { status?: unknown } | undefined)?.status;
        if (status === 'yellow' || status === 'green') return status;
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `Elasticsearch at ${this.base} did not reach yellow health within ${this.options.healthTimeoutMs / 1000} s ` +
            `(last: ${describe(outcome)}). Check that the Elasticsearch container is running and healthy.`,
        );
      }
      await sleep(this.options.pollMs);
    }
  }

  /** PUT replaces a template with the same name, so re-applying is idempotent. */
  async putTemplate(spec: IndexTemplateSpec): Promise<void> {
    const health = await this.waitForHealth();
    this.options.log(`elasticsearch: cluster ${this.base} is ${health}`);
    const outcome = await this.call('PUT', `/_index_template/${encodeURIComponent(spec.name)}`, spec.body);
    if (isNetworkFailure(outcome) || outcome.status !== 200) {
      throw new Error(`index template "${spec.name}": Elasticsearch rejected it (${describe(outcome)})`);
    }
    this.options.log(`elasticsearch: index template "${spec.name}" applied`);
  }

  /** Deletes the template; a missing one is already what destroy wants. */
  async deleteTemplate(name: string): Promise<'deleted' | 'absent'> {
    await this.waitForHealth();
    const outcome = await this.call('DELETE', `/_index_template/${encodeURIComponent(name)}`);
    if (!isNetworkFailure(outcome) && outcome.status === 404) {
      this.options.log(`elasticsearch: index template "${name}" does not exist; nothing to delete`);
      return 'absent';
    }
    if (isNetworkFailure(outcome) || outcome.status !== 200) {
      throw new Error(`deleting index template "${name}" failed (${describe(outcome)})`);
    }
    this.options.log(`elasticsearch: index template "${name}" deleted`);
    return 'deleted';
  }
}
