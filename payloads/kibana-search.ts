/**
 * The search Kibana's Discover sends for a saved search, read from the saved objects the stack
 * writes (payloads/kibana-saved-objects.ts): the index is its data view's title, the time filter its
 * data view's time field (none when the data view has none), the query and filters its search
 * source, the order its `sort`. Only what decides which documents come back is modelled; Discover's
 * extra keys (`fields` with include_unmapped, runtime_mappings, highlighting, track_total_hits)
 * choose how they are shown. A query in KQL or a filter other than none is refused: the lab's
 * searches have neither, and translating KQL is a parser of its own.
 */
import type { SavedObjectSpec } from '../ops/kibana/applier';
import type { AnswerShape } from '../lib/search-answer';
import { asObject, type JsonObject, type SearchRequest, type TimeRange } from '../lib/search-request';

/** Discover's default number of rows (the advanced setting discover:sampleSize). */
export const DISCOVER_SAMPLE_SIZE = 500;

export class UntranslatableSearchError extends Error {
  constructor(search: string, reason: string) {
    super(`Kibana saved search "${search}": ${reason}`);
    this.name = 'UntranslatableSearchError';
  }
}

export interface KibanaSearch {
  readonly request: SearchRequest;
  readonly shape: AnswerShape;
}

function stringAttribute(spec: SavedObjectSpec, key: string): string | undefined {
  const value = spec.attributes[key];
  return typeof value === 'string' ? value : undefined;
}

/** The query of a search source, as query_string when Lucene; KQL only when empty. */
function queryFilter(search: SavedObjectSpec, searchSource: Readonly<Record<string, unknown>>): JsonObject[] {
  const fail = (reason: string): never => {
    throw new UntranslatableSearchError(search.id, reason);
  };
  const filters = searchSource.filter;
  if (Array.isArray(filters) && filters.length > 0) fail(`its ${filters.length} filter(s) are not translated`);
  const query = asObject(searchSource.query);
  const text = typeof query?.query === 'string' ? query.query.trim() : '';
  if (text === '') return [];
  if (query?.language === 'lucene') return [{ query_string: { query: text, analyze_wildcard: true } }];
  return fail(`its ${String(query?.language)} query "${text}" is not translated (only Lucene, or an empty query)`);
}

/** Discover's sort: each [field, direction] as `{field: {order, unmapped_type}}`, newest first by time when none. */
function sortOf(search: SavedObjectSpec, timeField: string | undefined): JsonObject[] {
  const pairs = Array.isArray(search.attributes.sort) ? (search.attributes.sort as unknown[]) : [];
  const sort = pairs.flatMap((p): JsonObject[] => {
    if (!Array.isArray(p) || typeof p[0] !== 'string') return [];
    const order = p[1] === 'asc' ? 'asc' : 'desc';
    return [{ [p[0]]: { order, unmapped_type: 'boolean' } }];
  });
  if (sort.length === 0 && timeField) sort.push({ [timeField]: { order: 'desc', unmapped_type: 'boolean' } });
  return sort;
}

/**
 * The search of one saved search, given the data views it may refer to; throws
 * UntranslatableSearchError when its data view is missing or its query is not translated.
 */
export function kibanaSearch(search: SavedObjectSpec, dataViews: readonly SavedObjectSpec[], range: TimeRange, size = DISCOVER_SAMPLE_SIZE): KibanaSearch {
  const meta = asObject(search.attributes.kibanaSavedObjectMeta);
  const searchSource = asObject(JSON.parse(typeof meta?.searchSourceJSON === 'string' ? meta.searchSourceJSON : '{}') as unknown) ?? {};
  const refName = typeof searchSource.indexRefName === 'string' ? searchSource.indexRefName : undefined;
  const ref = search.references.find((r) => r.name === refName && r.type === 'index-pattern');
  const view = dataViews.find((v) => v.type === 'index-pattern' && v.id === ref?.id);
  const index = view && stringAttribute(view, 'title');
  if (!view || !index) throw new UntranslatableSearchError(search.id, `its data view ${ref?.id ?? '(no reference)'} is not among the data views given`);
  const timeField = stringAttribute(view, 'timeFieldName');
  // Kibana sends the range as ISO dates; the same instants as Grafana's epoch milliseconds.
  const time: JsonObject[] = timeField
    ? [{ range: { [timeField]: { gte: new Date(range.from).toISOString(), lte: new Date(range.to).toISOString(), format: 'strict_date_optional_time' } } }]
    : [];
  return {
    request: {
      index,
      header: { index },
      body: {
        size,
        sort: sortOf(search, timeField),
        query: { bool: { must: [], filter: [...time, ...queryFilter(search, searchSource)], should: [], must_not: [] } },
      },
    },
    shape: { kind: 'hits' },
  };
}
