/**
 * Small helpers of the OpenSearch tests: REST calls that fail with the engine's own answer, the
 * index templates the synthesized stack declares, and the check of a document's mapping against the
 * rules of the stack's template (payloads/index-templates.ts).
 */
import { configWith, resourcesOf, synthStack } from '../../__tests__/support/synth';
import { requestJson, isNetworkFailure } from '../../ops/http-json';
import { validateIndexTemplateSpec, type IndexTemplateSpec } from '../../ops/elasticsearch/applier';
import type { Json } from '../../tools/statement-tests/case';

/** One call; anything but 2xx throws with the method, path, status and the engine's body. */
export async function call<T>(base: string, method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const outcome = await requestJson(method, `${base}${path}`, body, 60_000);
  if (isNetworkFailure(outcome)) throw new Error(`${method} ${path}: ${outcome.networkError}`);
  if (outcome.status < 200 || outcome.status > 299) {
    throw new Error(`${method} ${path} answered ${outcome.status}: ${JSON.stringify(outcome.body)}`);
  }
  return outcome.body as T;
}

/** POST /_bulk with an NDJSON body, as the sink connector sends it; throws on any failed item. */
export async function bulk(base: string, ndjson: string): Promise<number> {
  const response = await fetch(`${base}/_bulk?refresh=true`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-ndjson' },
    body: ndjson,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /_bulk answered ${response.status}: ${text}`);
  const answer = JSON.parse(text) as { errors: boolean; items: Array<Record<string, { status: number; error?: unknown }>> };
  const failed = answer.items.map((item) => Object.values(item)[0]).filter((result) => result.status > 299);
  if (answer.errors || failed.length > 0) throw new Error(`POST /_bulk: ${failed.length} items failed: ${JSON.stringify(failed.slice(0, 5))}`);
  return answer.items.length;
}

/** Every index template of the stack with all pipelines on (the default), as its RestObjects carry them. */
export function declaredTemplates(): IndexTemplateSpec[] {
  const tf = synthStack(configWith());
  return Object.values(resourcesOf(tf, 'terraform_data'))
    .filter((resource) => JSON.stringify(resource.provisioner ?? '').includes('ops/elasticsearch/cli.ts'))
    .map((resource) => validateIndexTemplateSpec(JSON.parse((resource.input as { spec: string }).spec)));
}

/** A field's mapping as GET /<index>/_mapping answers it. */
export interface FieldMapping {
  readonly type?: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, FieldMapping>>;
}

/**
 * What the template's rules give a JSON value: a date (epoch milliseconds) for an integer whose name
 * is a time column, a keyword for a string, and the engine's own guesses for the rest (long for
 * other integers, float for decimals, with date and numeric detection off).
 */
function expectedType(value: Json, isTime: boolean): { type: string; format?: string } | 'object' | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return { type: 'keyword' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { type: 'float' };
    return isTime ? { type: 'date', format: 'epoch_millis' } : { type: 'long' };
  }
  return 'object';
}

/** Differences between a document's fields and their mapping; empty when every field is mapped as the template says. */
export function mappingProblems(
  where: string,
  document: { readonly [field: string]: Json },
  properties: Readonly<Record<string, FieldMapping>>,
  isTimeColumn: (field: string) => boolean,
): string[] {
  return Object.entries(document).flatMap(([field, value]) => {
    const first = Array.isArray(value) ? ((value as readonly Json[]).find((v) => v !== null) ?? null) : value;
    const expected = expectedType(first, isTimeColumn(field));
    const mapped = properties[field];
    if (expected === undefined) return [];
    if (expected === 'object') {
      return mappingProblems(`${where}.${field}`, first as { readonly [field: string]: Json }, mapped?.properties ?? {}, isTimeColumn);
    }
    const same = mapped?.type === expected.type && (expected.format === undefined || mapped.format === expected.format);
    return same ? [] : [`${where}.${field} = ${JSON.stringify(value)}: expected ${JSON.stringify(expected)}, the engine mapped ${JSON.stringify(mapped ?? 'nothing')}`];
  });
}
