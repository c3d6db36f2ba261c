/**
 * The search Grafana's Elasticsearch data source sends for one panel target, so the rehearsal can
 * ask a real engine what the panel would draw. Written from reading Grafana's backend
 * (pkg/tsdb/elasticsearch: data_query.go, client/search_request.go, client/query_builder.go,
 * client/aggregation_builder.go, client/models.go, client/client.go) and its frontend query builder
 * (public/app/plugins/datasource/elasticsearch/QueryBuilder.ts), and checked against the request
 * bodies Grafana records in pkg/tsdb/elasticsearch/testdata_request (see the unit tests). What it
 * does, in Grafana's order:
 *
 * - every search filters the data source's time field (not the target's: Grafana no longer reads
 *   it) to [from, to] in epoch_millis, then adds the Lucene query, if not blank, as query_string;
 * - a first metric raw_data, raw_document or logs makes a document search: newest first by the
 *   time field, then _doc, `size` (`limit` for logs) documents, default 500;
 * - otherwise size 0 and the bucket aggregations nested in their order, the metrics inside the
 *   innermost; a count is no aggregation (buckets carry doc_count).
 *
 * A target using anything else (other bucket or metric types, pipeline metrics, scripts) is refused
 * with UntranslatableTargetError, so a dashboard that starts using one fails the tests until it is
 * translated here, instead of being checked with a request Grafana would not send.
 */
import type { AnswerShape } from '../lib/search-answer';
import { asObject, type Json, type JsonObject, type SearchRequest, type TimeRange } from '../lib/search-request';

/** The data source a target runs against: its index and its configured time field. */
export interface GrafanaDatasource {
  readonly uid: string;
  readonly index: string;
  readonly timeField: string;
}

export interface GrafanaSearchOptions {
  readonly range: TimeRange;
  /**
   * The value of $__interval in milliseconds, which an `auto` date histogram uses. Grafana's
   * frontend computes it from the time range and the panel's width in points; see autoIntervalMs.
   */
  readonly intervalMs: number;
  /**
   * The values of the dashboard's variables by name, `All` already expanded to every value. A
   * variable not listed here stays as written, as Grafana leaves an unknown variable.
   */
  readonly variables?: ReadonlyMap<string, readonly string[]>;
}

/** The request of one target, and which part of the answer the panel draws. */
export interface GrafanaSearch {
  readonly request: SearchRequest;
  readonly shape: AnswerShape;
}

export class UntranslatableTargetError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UntranslatableTargetError';
  }
}

/** Grafana's size when a document query or terms aggregation gives none, or 0. */
export const DEFAULT_SIZE = 500;

const DOCUMENT_METRICS = ['raw_data', 'raw_document', 'logs'] as const;
/** Metrics whose aggregation is `{<type>: {field}}` and whose answer is `{value}`. */
const VALUE_METRICS = ['avg', 'sum', 'max', 'min', 'cardinality'] as const;
/** Intervals the frontend sends as calendar_interval: they have no fixed length. */
const CALENDAR_INTERVALS = ['1w', '1M', '1q', '1y'];

interface Agg {
  readonly id: string;
  readonly type: string;
  readonly field?: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

interface Target {
  readonly query: string;
  readonly metrics: readonly Agg[];
  readonly bucketAggs: readonly Agg[];
}

function parseAgg(value: unknown, what: string): Agg {
  const o = asObject(value);
  if (!o || typeof o.id !== 'string' || typeof o.type !== 'string') throw new UntranslatableTargetError(`${what} ${JSON.stringify(value)} has no string id and type`);
  return { id: o.id, type: o.type, ...(typeof o.field === 'string' && o.field !== '' ? { field: o.field } : {}), settings: asObject(o.settings) ?? {} };
}

/** A target as panels store it: provisioned JSON, so read without trusting its type. */
function parseTarget(value: unknown): Target {
  const o = asObject(value);
  if (!o) throw new UntranslatableTargetError(`target ${JSON.stringify(value)} is not an object`);
  const list = (key: string): unknown[] => (Array.isArray(o[key]) ? (o[key] as unknown[]) : []);
  return {
    query: typeof o.query === 'string' ? o.query : '',
    metrics: list('metrics').map((m) => parseAgg(m, 'metric')),
    bucketAggs: list('bucketAggs').map((b) => parseAgg(b, 'bucket aggregation')),
  };
}

/** An integer setting as Grafana reads it: numbers and numeric strings, else the default. */
function intSetting(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(n) ? n : fallback;
}

/** A size: 0 or unreadable is Grafana's default. */
function sizeSetting(value: unknown): number {
  return intSetting(value, DEFAULT_SIZE) || DEFAULT_SIZE;
}

/** Lucene's reserved characters and whitespace, escaped so a value matches as written. */
function luceneEscape(value: string): string {
  return value.replace(/[+\-=&|><!(){}[\]^"~*?:\\/\s]/g, (c) => `\\${c}`);
}

/**
 * `$name`, `${name}` and `[[name]]` of the given variables replaced by Grafana's Lucene format of
 * a multi-value variable: `("a" OR "b")`, and `__empty__` for no value (which matches nothing).
 */
export function interpolateLucene(query: string, variables: ReadonlyMap<string, readonly string[]> = new Map()): string {
  return query.replace(/\$(\w+)|\$\{(\w+)\}|\[\[(\w+)\]\]/g, (token, a?: string, b?: string, c?: string) => {
    const values = variables.get((a ?? b ?? c)!);
    if (!values) return token;
    return values.length === 0 ? '__empty__' : `(${values.map((v) => `"${luceneEscape(v)}"`).join(' OR ')})`;
  });
}

/** The names of variables a query refers to, in the three ways Grafana reads them. */
export function variablesIn(query: string): string[] {
  return [...new Set([...query.matchAll(/\$(\w+)|\$\{(\w+)\}|\[\[(\w+)\]\]/g)].map((m) => (m[1] ?? m[2] ?? m[3])!))];
}

/**
 * The time filter and the query: one filter is sent as an object, several as a list, as Grafana's
 * backend marshals its bool query (the recorded requests show both).
 */
function boolFilter(timeField: string, range: TimeRange, query: string): JsonObject {
  const filters: JsonObject[] = [{ range: { [timeField]: { gte: range.from, lte: range.to, format: 'epoch_millis' } } }];
  if (query.trim() !== '') filters.push({ query_string: { query, analyze_wildcard: true } });
  return { bool: { filter: filters.length === 1 ? filters[0] : filters } };
}

/** Settings passed through to a metric aggregation; null and Grafana's legacy "null" dropped. */
function metricSettings(settings: Readonly<Record<string, unknown>>): JsonObject {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === null || value === 'null' || value === undefined) continue;
    if (key === 'script') throw new UntranslatableTargetError('a metric with a script is not translated');
    out[key] = value as Json;
  }
  return out;
}

function metricAgg(metric: Agg): JsonObject {
  if (!(VALUE_METRICS as readonly string[]).includes(metric.type)) {
    throw new UntranslatableTargetError(`metric ${metric.id} is a ${metric.type}, which is not translated (translated: count, ${VALUE_METRICS.join(', ')}, ${DOCUMENT_METRICS.join(', ')})`);
  }
  if (!metric.field) throw new UntranslatableTargetError(`metric ${metric.id} (${metric.type}) names no field`);
  return { [metric.type]: { field: metric.field, ...metricSettings(metric.settings) } };
}

function dateHistogram(agg: Agg, timeField: string, options: GrafanaSearchOptions): JsonObject {
  const s = agg.settings;
  const written = typeof s.interval === 'string' && s.interval !== '' ? s.interval : 'auto';
  const interval = written === 'auto' ? `${options.intervalMs}ms` : written;
  if (interval.includes('$')) throw new UntranslatableTargetError(`date histogram ${agg.id} has interval ${interval}: only fixed intervals and auto are translated`);
  const timeZone: JsonObject = typeof s.timeZone === 'string' && s.timeZone !== '' && s.timeZone !== 'utc' ? { time_zone: s.timeZone } : {};
  const offset: JsonObject = typeof s.offset === 'string' && s.offset !== '' ? { offset: s.offset } : {};
  return {
    date_histogram: {
      field: agg.field ?? timeField,
      [CALENDAR_INTERVALS.includes(interval) ? 'calendar_interval' : 'fixed_interval']: interval,
      min_doc_count: intSetting(s.min_doc_count, 0),
      // Empty buckets across the whole range, so the panel draws the gaps.
      extended_bounds: { min: options.range.from, max: options.range.to },
      format: 'epoch_millis',
      ...timeZone,
      ...offset,
    },
  };
}

/**
 * A terms aggregation. Ordering by a metric id orders by `_count` for a count, else by that metric,
 * which Elasticsearch needs at the terms level: Grafana adds it there (as well as innermost).
 */
function terms(agg: Agg, metrics: readonly Agg[]): { body: Record<string, Json>; orderAggs: Record<string, Json> } {
  const s = agg.settings;
  if (!agg.field) throw new UntranslatableTargetError(`terms aggregation ${agg.id} names no field`);
  const order: Record<string, Json> = {};
  const orderAggs: Record<string, Json> = {};
  const direction = typeof s.order === 'string' && s.order !== '' ? s.order : 'desc';
  if (typeof s.orderBy === 'string' && s.orderBy !== '') {
    const metricId = /^\d+/.exec(s.orderBy)?.[0];
    const metric = metricId === undefined ? undefined : metrics.find((m) => m.id === metricId);
    if (metricId !== undefined && !metric) throw new UntranslatableTargetError(`terms aggregation ${agg.id} is ordered by metric ${metricId}, which the target does not have`);
    if (metric?.type === 'count') order._count = direction;
    else if (metric) {
      order[s.orderBy] = direction;
      orderAggs[metric.id] = metricAgg(metric);
    } else order[s.orderBy === '_term' ? '_key' : s.orderBy] = direction;
  }
  const minDocCount: JsonObject = s.min_doc_count === undefined ? {} : { min_doc_count: intSetting(s.min_doc_count, 0) };
  const missing: JsonObject = typeof s.missing === 'string' && s.missing !== '' ? { missing: s.missing } : {};
  const ordered: JsonObject = Object.keys(order).length ? { order } : {};
  return { body: { terms: { field: agg.field, size: sizeSetting(s.size), ...ordered, ...minDocCount, ...missing } }, orderAggs };
}

function documentSearch(target: Target, datasource: GrafanaDatasource, options: GrafanaSearchOptions, query: string): JsonObject {
  const metric = target.metrics[0];
  const logs = metric.type === 'logs';
  const direction = logs && metric.settings.sortDirection === 'asc' ? 'asc' : 'desc';
  const timeFieldValue = [{ field: datasource.timeField, format: 'strict_date_optional_time_nanos' }];
  return {
    size: sizeSetting(logs ? metric.settings.limit : metric.settings.size),
    // An object, not a list: Grafana's backend keeps sort in a map (time field first in JSON order).
    sort: { [datasource.timeField]: { order: direction, unmapped_type: 'boolean' }, _doc: { order: direction } },
    query: boolFilter(datasource.timeField, options.range, query),
    docvalue_fields: [datasource.timeField],
    script_fields: {},
    ...(metric.type === 'raw_document' ? {} : { fields: timeFieldValue }),
    ...(logs ? { highlight: { fields: { '*': {} }, pre_tags: ['@HIGHLIGHT@'], post_tags: ['@/HIGHLIGHT@'], fragment_size: 2147483647 } } : {}),
  };
}

function bucketSearch(target: Target, datasource: GrafanaDatasource, options: GrafanaSearchOptions, query: string): { body: JsonObject; shape: AnswerShape } {
  const valueMetrics = target.metrics.filter((m) => m.type !== 'count');
  const innermost: Record<string, Json> = Object.fromEntries(valueMetrics.map((m) => [m.id, metricAgg(m)]));
  // Built from the innermost level out, each level holding the next in its `aggs`.
  let aggs: Record<string, Json> = innermost;
  for (const agg of [...target.bucketAggs].reverse()) {
    let level: Record<string, Json>;
    if (agg.type === 'date_histogram') level = { ...dateHistogram(agg, datasource.timeField, options), ...(Object.keys(aggs).length ? { aggs } : {}) };
    else if (agg.type === 'terms') {
      const t = terms(agg, target.metrics);
      const inner = { ...t.orderAggs, ...aggs };
      level = { ...t.body, ...(Object.keys(inner).length ? { aggs: inner } : {}) };
    } else throw new UntranslatableTargetError(`bucket aggregation ${agg.id} is a ${agg.type}, which is not translated (translated: date_histogram, terms)`);
    aggs = { [agg.id]: level };
  }
  return {
    body: { size: 0, query: boolFilter(datasource.timeField, options.range, query), aggs },
    shape: {
      kind: 'buckets',
      levels: target.bucketAggs.map((b) => ({ id: b.id, type: b.type })),
      metrics: valueMetrics.map((m) => m.id),
      counts: target.metrics.some((m) => m.type === 'count'),
    },
  };
}

/** The search Grafana sends for a target on a data source; throws UntranslatableTargetError. */
export function grafanaSearch(targetJson: unknown, datasource: GrafanaDatasource, options: GrafanaSearchOptions): GrafanaSearch {
  const target = parseTarget(targetJson);
  if (target.metrics.length === 0) throw new UntranslatableTargetError('the target has no metric');
  const query = interpolateLucene(target.query, options.variables);
  const header: JsonObject = { search_type: 'query_then_fetch', ignore_unavailable: true, index: datasource.index };
  const first = target.metrics[0].type;
  if ((DOCUMENT_METRICS as readonly string[]).includes(first)) {
    return { request: { index: datasource.index, header, body: documentSearch(target, datasource, options, query) }, shape: { kind: 'hits' } };
  }
  if (target.bucketAggs.length === 0) throw new UntranslatableTargetError(`the target has metrics (${target.metrics.map((m) => m.type).join(', ')}) but no bucket aggregation: Grafana refuses it`);
  const { body, shape } = bucketSearch(target, datasource, options, query);
  return { request: { index: datasource.index, header, body }, shape };
}

/**
 * $__interval for a time range drawn in `maxDataPoints` points, in whole seconds. Grafana's
 * frontend rounds range / points to a "nice" step and keeps the data source's minimum interval;
 * this only approximates it: the interval changes how many buckets the answer has, not whether
 * any of them holds documents.
 */
export function autoIntervalMs(range: TimeRange, maxDataPoints = 1000): number {
  return Math.max(1, Math.ceil((range.to - range.from) / maxDataPoints / 1000)) * 1000;
}

/**
 * The terms request of a query variable `{"find": "terms", "field", "size"}`, as Grafana's frontend
 * builds it (QueryBuilder.getTermsQuery): the data source's time range, the terms by key ascending.
 */
export function variableSearch(variableQuery: string, datasource: GrafanaDatasource, range: TimeRange): SearchRequest {
  const q = asObject(JSON.parse(variableQuery) as unknown);
  if (q?.find !== 'terms' || typeof q.field !== 'string') throw new UntranslatableTargetError(`variable query ${variableQuery} is not a terms query on a field`);
  const query = typeof q.query === 'string' ? q.query : '';
  return {
    index: datasource.index,
    header: { search_type: 'query_then_fetch', ignore_unavailable: true, index: datasource.index },
    body: {
      size: 0,
      query: boolFilter(datasource.timeField, range, query),
      aggs: { '1': { terms: { field: q.field, size: sizeSetting(q.size), order: { _key: 'asc' } } } },
    },
  };
}

/** The values a variable's terms request found: the bucket keys, as Grafana lists them. */
export function variableValues(answer: unknown): string[] {
  const buckets = asObject(asObject(asObject(answer)?.aggregations)?.['1'])?.buckets;
  return Array.isArray(buckets) ? buckets.map((b) => asObject(b)).map((b) => String(b?.key_as_string ?? b?.key)) : [];
}
