/** The search Discover sends for each saved search the stack writes, from the saved objects themselves. */
import { datasetTimeColumns } from '../../payloads/index-templates';
import type { SavedObjectSpec } from '../../ops/kibana/applier';
import { loadPipelineScript } from '../../pipelines/scripts';
import { PIPELINE_NAMES, PIPELINES } from '../../pipelines/catalog';
import { resolveSinkTargets } from '../../payloads/elasticsearch-sinks';
import { kibanaObjects } from '../../payloads/kibana-saved-objects';
import { DISCOVER_SAMPLE_SIZE, kibanaSearch, UntranslatableSearchError } from '../../payloads/kibana-search';

const RANGE = { from: Date.UTC(2026, 11, 7, 2, 45), to: Date.UTC(2026, 11, 7, 3, 0) };

/** The Kibana objects of every pipeline that declares some, as the stack builds them. */
const planned = PIPELINE_NAMES.map((name) => PIPELINES[name])
  .filter((p) => p.kibana)
  .map((p) => {
    const statements = loadPipelineScript(p).statements;
    return kibanaObjects(p, resolveSinkTargets(p, statements), statements, { timeColumns: datasetTimeColumns(p) });
  });
const searches = planned.flatMap((o) => o.searches.map((s) => [String(s.attributes.title), s, o.dataViews] as const));

describe.each(searches)('saved search "%s"', (_title, search, dataViews) => {
  const view = dataViews.find((v) => v.id === search.references[0].id)!;
  const { request, shape } = kibanaSearch(search, dataViews, RANGE);
  const timeField = view.attributes.timeFieldName as string | undefined;
  const [[sortField, direction]] = search.attributes.sort as Array<[string, string]>;

  it("reads its data view's index, newest rows by its sort field first, as many as Discover shows", () => {
    expect(request.index).toBe(view.attributes.title);
    expect(request.body.size).toBe(DISCOVER_SAMPLE_SIZE);
    expect(request.body.sort).toEqual([{ [sortField]: { order: direction, unmapped_type: 'boolean' } }]);
    expect(shape).toEqual({ kind: 'hits' });
  });

  it("filters the data view's time field to the range, or nothing when the data view has none", () => {
    const time = timeField ? [{ range: { [timeField]: { gte: '2026-12-07T02:45:00.000Z', lte: '2026-12-07T03:00:00.000Z', format: 'strict_date_optional_time' } } }] : [];
    expect(request.body.query).toEqual({ bool: { must: [], filter: time, should: [], must_not: [] } });
  });
});

describe('kibanaSearch', () => {
  const [, search, dataViews] = searches[0];
  const withSource = (source: Record<string, unknown>): SavedObjectSpec => ({
    ...search,
    attributes: { ...search.attributes, kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ indexRefName: search.references[0].name, filter: [], ...source }) } },
  });

  it('covers at least one saved search: the lab declares Kibana objects', () => {
    expect(searches.length).toBeGreaterThan(0);
  });

  it('sends a Lucene query as query_string after the time filter', () => {
    const { request } = kibanaSearch(withSource({ query: { query: 'USERID:7', language: 'lucene' } }), dataViews, RANGE);
    const filter = (request.body.query as { bool: { filter: unknown[] } }).bool.filter;
    expect(filter[filter.length - 1]).toEqual({ query_string: { query: 'USERID:7', analyze_wildcard: true } });
  });

  it('refuses a KQL query, a filter, or a data view it was not given', () => {
    expect(() => kibanaSearch(withSource({ query: { query: 'USERID : 7', language: 'kuery' } }), dataViews, RANGE)).toThrow(UntranslatableSearchError);
    expect(() => kibanaSearch(withSource({ filter: [{ meta: {} }] }), dataViews, RANGE)).toThrow(/filter/);
    expect(() => kibanaSearch(search, [], RANGE)).toThrow(/is not among the data views given/);
  });
});
