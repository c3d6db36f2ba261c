/**
 * Whether the answer to a search holds what a panel draws: a hit for a panel of documents, or a
 * bucket with documents (and, for a metric other than a count, a value) at the innermost level of
 * the buckets it plots. The translations (dashboards/grafana-search.ts, payloads/kibana-search.ts)
 * say which, as an AnswerShape; this module reads the answer of one search, `_search`'s or one
 * item of `_msearch`'s `responses`, which Elasticsearch and OpenSearch write alike.
 */
import { asObject } from './search-request';

/** What a panel plots of an answer. */
export type AnswerShape =
  | { readonly kind: 'hits' }
  | {
      readonly kind: 'buckets';
      /** Bucket aggregations from the outermost in, each with its type for the description. */
      readonly levels: ReadonlyArray<{ readonly id: string; readonly type: string }>;
      /** Ids of the metric aggregations in the innermost buckets (a count has none: it is doc_count). */
      readonly metrics: readonly string[];
      /** The panel plots document counts too: a bucket with documents is data without any metric value. */
      readonly counts: boolean;
    };

export interface DataVerdict {
  readonly hasData: boolean;
  /** What the answer held, short enough for a failure message. */
  readonly seen: string;
}

/** The engine's error of one search, e.g. `index_not_found_exception: no such index [x]`. */
function errorOf(answer: Readonly<Record<string, unknown>>): string | undefined {
  if (answer.error === undefined) return undefined;
  const error = asObject(answer.error);
  const root = asObject((Array.isArray(error?.root_cause) ? error.root_cause : [])[0]) ?? error;
  const status = typeof answer.status === 'number' ? ` (status ${answer.status})` : '';
  return root ? `error${status}: ${String(root.type ?? 'unknown')}: ${String(root.reason ?? '')}` : `error${status}: ${JSON.stringify(answer.error)}`;
}

/** hits.total is a number before Elasticsearch 7 and {value, relation} since. */
function totalHits(hits: Readonly<Record<string, unknown>> | undefined): string {
  const total = hits?.total;
  if (typeof total === 'number') return String(total);
  const t = asObject(total);
  return t ? `${t.relation === 'gte' ? '>= ' : ''}${String(t.value)}` : 'unknown';
}

function judgeHits(answer: Readonly<Record<string, unknown>>): DataVerdict {
  const hits = asObject(answer.hits);
  const list = Array.isArray(hits?.hits) ? hits.hits : [];
  return { hasData: list.length > 0, seen: `${list.length} hit${list.length === 1 ? '' : 's'} returned (total ${totalHits(hits)})` };
}

/** A bucket aggregation's buckets: a list, or an object by key (filters, keyed histograms). */
function bucketsOf(node: unknown): Array<Readonly<Record<string, unknown>>> | undefined {
  const buckets = asObject(node)?.buckets;
  const list = Array.isArray(buckets) ? buckets : asObject(buckets) ? Object.values(buckets as object) : undefined;
  return list?.map((b) => asObject(b) ?? {});
}

interface Tally {
  buckets: number;
  withDocuments: number;
  withValue: number;
  /** A level whose aggregation the answer lacks: the request and the answer disagree. */
  missing?: string;
}

function walk(node: Readonly<Record<string, unknown>>, shape: Extract<AnswerShape, { kind: 'buckets' }>, depth: number, tally: Tally): void {
  const level = shape.levels[depth];
  const buckets = bucketsOf(node[level.id]);
  if (!buckets) {
    tally.missing ??= `no ${level.type} aggregation "${level.id}" with buckets in the answer`;
    return;
  }
  for (const bucket of buckets) {
    const documents = typeof bucket.doc_count === 'number' ? bucket.doc_count : 0;
    if (depth + 1 < shape.levels.length) {
      // Outer buckets without documents hold no inner bucket with any: only the plotted level counts.
      if (documents > 0) walk(bucket, shape, depth + 1, tally);
      continue;
    }
    tally.buckets += 1;
    if (documents <= 0) continue;
    tally.withDocuments += 1;
    const valued = shape.metrics.some((id) => {
      const value = asObject(bucket[id])?.value;
      return value !== null && value !== undefined;
    });
    if (shape.counts || valued) tally.withValue += 1;
  }
}

function judgeBuckets(answer: Readonly<Record<string, unknown>>, shape: Extract<AnswerShape, { kind: 'buckets' }>): DataVerdict {
  const path = shape.levels.map((l) => `${l.type} ${l.id}`).join(' > ');
  const aggregations = asObject(answer.aggregations);
  if (!aggregations) return { hasData: false, seen: `no aggregations in the answer (${totalHits(asObject(answer.hits))} documents matched)` };
  const tally: Tally = { buckets: 0, withDocuments: 0, withValue: 0 };
  walk(aggregations, shape, 0, tally);
  if (tally.missing && tally.buckets === 0) return { hasData: false, seen: `${path}: ${tally.missing}` };
  const what = shape.counts ? 'documents' : `a value of ${shape.metrics.join(', ')}`;
  const detail = shape.counts
    ? `${tally.withDocuments} with documents`
    : `${tally.withDocuments} with documents, ${tally.withValue} with ${what}`;
  return { hasData: tally.withValue > 0, seen: `${path}: ${tally.buckets} innermost bucket${tally.buckets === 1 ? '' : 's'}, ${detail}` };
}

/** Whether one search answer holds data a panel of that shape draws, and what it held. */
export function judgeAnswer(shape: AnswerShape, answer: unknown): DataVerdict {
  const object = asObject(answer);
  if (!object) return { hasData: false, seen: `not a search answer: ${JSON.stringify(answer)?.slice(0, 120)}` };
  const error = errorOf(object);
  if (error) return { hasData: false, seen: error };
  return shape.kind === 'hits' ? judgeHits(object) : judgeBuckets(object, shape);
}
