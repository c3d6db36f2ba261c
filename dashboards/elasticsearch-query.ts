/**
 * The query model of Grafana's Elasticsearch data source, as panels store it in `targets`.
 * @grafana/schema 13.2.3 publishes the base DataQuery but not the Elasticsearch query (it ships with
 * the data source plugin), so its few fields are typed here, on top of DataQuery.
 */
import type { DataQuery, DataSourceRef } from '@grafana/schema';
import type { Condition, Metric } from './types';

export const ELASTICSEARCH_TYPE = 'elasticsearch';

export interface ElasticsearchMetric {
  readonly id: string;
  readonly type: Metric['fn'] | 'raw_data';
  readonly field?: string;
  readonly settings?: Readonly<Record<string, string>>;
}

export interface ElasticsearchBucketAgg {
  readonly id: string;
  readonly type: 'date_histogram' | 'terms';
  readonly field: string;
  readonly settings: Readonly<Record<string, string>>;
}

/** A type, not an interface: panels hold targets as plain records, which an interface is not assignable to. */
export type ElasticsearchQuery = Omit<DataQuery, 'datasource'> & {
  readonly datasource: DataSourceRef;
  /** Lucene query string; empty matches every document. */
  readonly query: string;
  readonly alias?: string;
  readonly metrics: readonly ElasticsearchMetric[];
  readonly bucketAggs: readonly ElasticsearchBucketAgg[];
  readonly timeField: string;
};

export function datasourceRef(uid: string): DataSourceRef {
  return { type: ELASTICSEARCH_TYPE, uid };
}

/**
 * Lucene for the conditions, ANDed. A variable is written `$name`: Grafana's Elasticsearch data
 * source interpolates it in its Lucene format (a multi-value variable as a quoted OR list).
 */
export function luceneQuery(conditions: readonly Condition[] = []): string {
  return conditions
    .map((c) => ('below' in c ? `${c.field}:<${c.below}` : 'atLeast' in c ? `${c.field}:>=${c.atLeast}` : `${c.field}:$${c.variable}`))
    .join(' AND ');
}

export function metricAggs(metrics: readonly Metric[]): ElasticsearchMetric[] {
  return metrics.map((m, i) => ({ id: String(i + 1), type: m.fn, ...(m.fn === 'count' ? {} : { field: m.field }) }));
}

/** Bucket ids follow the metric ids, so every id in a query is distinct. */
export function termsAgg(id: number, field: string, size: number, orderBy: string): ElasticsearchBucketAgg {
  return { id: String(id), type: 'terms', field, settings: { size: String(size), order: 'desc', orderBy, min_doc_count: '1' } };
}

export function dateHistogram(id: number, field: string, interval: string): ElasticsearchBucketAgg {
  return { id: String(id), type: 'date_histogram', field, settings: { interval, min_doc_count: '0', trimEdges: '0' } };
}

/** Every document field a metric names. */
export function metricFields(metrics: readonly Metric[]): string[] {
  return metrics.flatMap((m) => (m.fn === 'count' ? [] : [m.field]));
}
