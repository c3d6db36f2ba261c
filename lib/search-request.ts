/**
 * A search as a client of Elasticsearch sends it: the index and the body of one `_search`, with the
 * header line `_msearch` puts before it. Grafana's Elasticsearch data source and Kibana's Discover
 * both end up here (dashboards/grafana-search.ts, payloads/kibana-search.ts), so the rehearsal
 * sends either the same way and judges the answers with lib/search-answer.ts.
 */

/** A JSON value as a request body holds it; `undefined` never, so what we build is what is sent. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

/** An absolute time range in epoch milliseconds, both ends included (as Grafana's `gte`/`lte`). */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

export interface SearchRequest {
  /** Index name or comma-separated pattern, as the data source or data view names it. */
  readonly index: string;
  /** The `_msearch` header line of this search. */
  readonly header: JsonObject;
  readonly body: JsonObject;
}

/**
 * The `_msearch` payload of the searches: a header line and a body line each, every line ended by a
 * newline (Elasticsearch refuses a payload whose last line has none). Send it as
 * `application/x-ndjson`, which OpenSearch accepts too.
 */
export function msearchPayload(requests: readonly SearchRequest[]): string {
  return requests.map((r) => `${JSON.stringify(r.header)}\n${JSON.stringify(r.body)}\n`).join('');
}

/** A JSON object read from an answer, or undefined when the value is something else. */
export function asObject(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
