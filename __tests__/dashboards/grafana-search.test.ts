/**
 * The translation of Grafana Elasticsearch targets into searches, against request bodies recorded
 * in Grafana's own tests (grafana/grafana, pkg/tsdb/elasticsearch). Each case names the Grafana
 * file and test it takes its target and expected shape from; the bodies are written out here
 * from what those tests assert, not copied files.
 */
import { autoIntervalMs, grafanaSearch, interpolateLucene, UntranslatableTargetError, variableSearch, variableValues, type GrafanaDatasource } from '../../dashboards/grafana-search';
import { msearchPayload } from '../../lib/search-request';

// The range of Grafana's recorded requests (testdata_request/*.request.line1.json).
const RECORDED = { from: 1668422437218, to: 1668422625668 };
const TESTTIME: GrafanaDatasource = { uid: 'haha', index: 'testdb', timeField: 'testtime' };
const recordedRange = { from: RECORDED.from, to: RECORDED.to };
const rangeFilter = { range: { testtime: { gte: RECORDED.from, lte: RECORDED.to, format: 'epoch_millis' } } };

const body = (target: unknown, intervalMs = 1000, ds = TESTTIME, range = recordedRange) => grafanaSearch(target, ds, { range, intervalMs }).request.body;

describe('Grafana recorded requests (pkg/tsdb/elasticsearch/testdata_request)', () => {
  it('metric_simple: terms by key, then a 1m date histogram, counting (metric_simple.queries.json -> request.line1.json)', () => {
    const target = {
      refId: 'a',
      query: '',
      metrics: [{ id: '1', type: 'count' }],
      bucketAggs: [
        { id: '3', type: 'terms', field: 'label', settings: { min_doc_count: '1', order: 'desc', orderBy: '_term', size: '10' } },
        { id: '2', type: 'date_histogram', field: 'testtime', settings: { interval: '1m' } },
      ],
    };
    expect(body(target)).toEqual({
      size: 0,
      query: { bool: { filter: rangeFilter } },
      aggs: {
        '3': {
          terms: { field: 'label', size: 10, order: { _key: 'desc' }, min_doc_count: 1 },
          aggs: { '2': { date_histogram: { field: 'testtime', fixed_interval: '1m', min_doc_count: 0, extended_bounds: { min: RECORDED.from, max: RECORDED.to }, format: 'epoch_millis' } } },
        },
      },
    });
  });

  it('metric_complex: two metrics inside the innermost date histogram under terms (metric_complex.request.line1.json)', () => {
    // The target is read back from the recorded body: terms on label by key, max and min of float.
    const target = {
      refId: 'a',
      query: '',
      metrics: [
        { id: '1', type: 'max', field: 'float' },
        { id: '3', type: 'min', field: 'float' },
      ],
      bucketAggs: [
        { id: '4', type: 'terms', field: 'label', settings: { order: 'desc', orderBy: '_term', size: '10' } },
        { id: '2', type: 'date_histogram', field: 'testtime', settings: { interval: '1m' } },
      ],
    };
    expect(body(target)).toEqual({
      size: 0,
      query: { bool: { filter: rangeFilter } },
      aggs: {
        '4': {
          terms: { field: 'label', size: 10, order: { _key: 'desc' } },
          aggs: {
            '2': {
              date_histogram: { field: 'testtime', fixed_interval: '1m', min_doc_count: 0, extended_bounds: { min: RECORDED.from, max: RECORDED.to }, format: 'epoch_millis' },
              aggs: { '1': { max: { field: 'float' } }, '3': { min: { field: 'float' } } },
            },
          },
        },
      },
    });
  });

  it('metric_multi: an auto interval becomes $__interval in milliseconds (metric_multi.queries.json, intervalMs 1000 -> "1000ms")', () => {
    const target = { refId: 'a', query: '', metrics: [{ id: '1', type: 'max', field: 'float' }], bucketAggs: [{ id: '2', type: 'date_histogram', field: 'testtime', settings: { interval: 'auto' } }] };
    expect(body(target, 1000)).toEqual({
      size: 0,
      query: { bool: { filter: rangeFilter } },
      aggs: {
        '2': {
          date_histogram: { field: 'testtime', min_doc_count: 0, extended_bounds: { min: RECORDED.from, max: RECORDED.to }, format: 'epoch_millis', fixed_interval: '1000ms' },
          aggs: { '1': { max: { field: 'float' } } },
        },
      },
    });
  });

  const documentsBase = {
    size: 500,
    sort: { testtime: { order: 'desc', unmapped_type: 'boolean' }, _doc: { order: 'desc' } },
    query: { bool: { filter: rangeFilter } },
    docvalue_fields: ['testtime'],
    script_fields: {},
  };
  const nanos = { fields: [{ field: 'testtime', format: 'strict_date_optional_time_nanos' }] };

  it('raw_data: 500 newest documents, the time field also as nanosecond dates (raw_data.queries.json -> request.line1.json)', () => {
    const target = { refId: 'A', query: '', metrics: [{ id: '1', type: 'raw_data', settings: { size: '500' } }], bucketAggs: [], timeField: 'testtime' };
    expect(body(target)).toEqual({ ...documentsBase, ...nanos });
  });

  it('raw_document: the same without the nanosecond fields (raw_document.request.line1.json)', () => {
    const target = { refId: 'A', query: '', metrics: [{ id: '1', type: 'raw_document', settings: {} }], bucketAggs: [] };
    expect(body(target)).toEqual(documentsBase);
  });

  it('logs: with highlighting of every field (logs.request.line1.json)', () => {
    const target = { refId: 'A', query: '', metrics: [{ id: '1', type: 'logs' }], bucketAggs: [] };
    expect(body(target)).toEqual({
      ...documentsBase,
      ...nanos,
      highlight: { pre_tags: ['@HIGHLIGHT@'], post_tags: ['@/HIGHLIGHT@'], fragment_size: 2147483647, fields: { '*': {} } },
    });
  });
});

describe('Grafana data_query_test.go cases (TestExecuteElasticsearchDataQuery)', () => {
  const from = Date.UTC(2018, 4, 15, 17, 50);
  const to = Date.UTC(2018, 4, 15, 17, 55);
  const ts: GrafanaDatasource = { uid: 'x', index: 'logs', timeField: '@timestamp' };
  const run = (target: Record<string, unknown>) => grafanaSearch({ refId: 'A', query: '', ...target }, ts, { range: { from, to }, intervalMs: 15000 });
  const aggsOf = (target: Record<string, unknown>) => run(target).request.body.aggs as Record<string, Record<string, Record<string, unknown>>>;

  it('"With defaults": the range filter is on the data source time field, the histogram bounded by the range', () => {
    const b = run({ bucketAggs: [{ type: 'date_histogram', field: '@timestamp', id: '2' }], metrics: [{ type: 'count', id: '0' }] }).request.body;
    expect(b.query).toEqual({ bool: { filter: { range: { '@timestamp': { gte: from, lte: to, format: 'epoch_millis' } } } } });
    expect(aggsOf({ bucketAggs: [{ type: 'date_histogram', field: '@timestamp', id: '2' }], metrics: [{ type: 'count', id: '0' }] })['2'].date_histogram.extended_bounds).toEqual({ min: from, max: to });
  });

  it('"With multiple bucket aggs": terms size "0" is the default 500, the date histogram nested inside', () => {
    const aggs = aggsOf({
      bucketAggs: [
        { type: 'terms', field: '@host', id: '2', settings: { size: '0', order: 'asc' } },
        { type: 'date_histogram', field: '@timestamp', id: '3' },
      ],
      metrics: [{ type: 'count', id: '1' }],
    });
    expect(aggs['2'].terms).toEqual({ field: '@host', size: 500 });
    expect(Object.keys(aggs['2'].aggs)).toEqual(['3']);
  });

  it('"With term agg and order by metric agg": the ordering metric also sits at the terms level', () => {
    const aggs = aggsOf({
      bucketAggs: [
        { type: 'terms', field: '@host', id: '2', settings: { size: '5', order: 'asc', orderBy: '5' } },
        { type: 'date_histogram', field: '@timestamp', id: '3' },
      ],
      metrics: [
        { type: 'count', id: '1' },
        { type: 'avg', field: '@value', id: '5' },
      ],
    });
    expect(aggs['2'].terms.order).toEqual({ '5': 'asc' });
    expect(aggs['2'].aggs['5']).toEqual({ avg: { field: '@value' } });
    expect((aggs['2'].aggs['3'] as Record<string, unknown>).aggs).toEqual({ '5': { avg: { field: '@value' } } });
  });

  it('"With term agg and order by count metric agg": a count orders by _count and adds no aggregation', () => {
    const aggs = aggsOf({
      bucketAggs: [
        { type: 'terms', field: '@host', id: '2', settings: { size: '5', order: 'asc', orderBy: '1' } },
        { type: 'date_histogram', field: '@timestamp', id: '3' },
      ],
      metrics: [{ type: 'count', id: '1' }],
    });
    expect(aggs['2'].terms.order).toEqual({ _count: 'asc' });
    expect(Object.keys(aggs['2'].aggs)).toEqual(['3']);
  });

  it('"With date histogram agg": min_doc_count read as a number, auto as $__interval_ms', () => {
    const aggs = aggsOf({ bucketAggs: [{ id: '2', type: 'date_histogram', field: '@timestamp', settings: { interval: 'auto', min_doc_count: 2 } }], metrics: [{ type: 'count', id: '1' }] });
    expect(aggs['2'].date_histogram).toMatchObject({ fixed_interval: '15000ms', min_doc_count: 2 });
  });

  it('"Should not include time_zone when timeZone is utc" / "Should include time_zone when timeZone is not utc"', () => {
    const zone = (timeZone: string) => aggsOf({ bucketAggs: [{ id: '2', type: 'date_histogram', field: '@timestamp', settings: { timeZone } }], metrics: [{ type: 'count', id: '1' }] })['2'].date_histogram.time_zone;
    expect(zone('utc')).toBeUndefined();
    expect(zone('America/Los_Angeles')).toBe('America/Los_Angeles');
  });

  it('"With raw document metric size set": size 1337', () => {
    expect(run({ bucketAggs: [], metrics: [{ id: '1', type: 'raw_document', settings: { size: '1337' } }] }).request.body.size).toBe(1337);
  });

  it('"With lucene query should add query_string filter when query is not empty": second filter, analyze_wildcard', () => {
    const b = run({ query: 'foo', bucketAggs: [], metrics: [{ id: '1', type: 'raw_data', settings: {} }] }).request.body;
    expect(b.query).toEqual({ bool: { filter: [{ range: { '@timestamp': { gte: from, lte: to, format: 'epoch_millis' } } }, { query_string: { query: 'foo', analyze_wildcard: true } }] } });
  });

  it('"With log query with limit should return query with correct size": limit 1000', () => {
    expect(run({ bucketAggs: [], metrics: [{ type: 'logs', id: '1', settings: { limit: '1000' } }] }).request.body.size).toBe(1000);
  });
});

describe('what is not translated is refused, not guessed', () => {
  const run = (target: Record<string, unknown>) => () => grafanaSearch({ refId: 'A', query: '', ...target }, TESTTIME, { range: recordedRange, intervalMs: 1000 });
  it.each([
    ['a pipeline metric', { metrics: [{ id: '3', type: 'sum', field: 'v' }, { id: '2', type: 'moving_avg', field: '3' }], bucketAggs: [{ id: '4', type: 'date_histogram' }] }, /metric 2 is a moving_avg/],
    ['a histogram bucket', { metrics: [{ id: '1', type: 'count' }], bucketAggs: [{ id: '3', type: 'histogram', field: 'bytes' }] }, /bucket aggregation 3 is a histogram/],
    ['metrics without buckets (Grafana refuses them too)', { metrics: [{ id: '1', type: 'avg', field: 'v' }], bucketAggs: [] }, /no bucket aggregation/],
    ['a script', { metrics: [{ id: '1', type: 'avg', field: 'v', settings: { script: '_value * 2' } }], bucketAggs: [{ id: '2', type: 'date_histogram' }] }, /script/],
  ])('%s', (_what, target, message) => {
    expect(run(target)).toThrow(UntranslatableTargetError);
    expect(run(target)).toThrow(message);
  });
});

describe('template variables, as Grafana formats them for Lucene', () => {
  it('a multi-value variable becomes a quoted OR list with Lucene characters escaped; no value matches nothing', () => {
    const values = new Map([['pair', ['a->b', 'c d']]]);
    expect(interpolateLucene('PAIR:$pair AND X:${pair} AND Y:[[pair]] AND Z:$other', values)).toBe('PAIR:("a\\-\\>b" OR "c\\ d") AND X:("a\\-\\>b" OR "c\\ d") AND Y:("a\\-\\>b" OR "c\\ d") AND Z:$other');
    expect(interpolateLucene('PAIR:$pair', new Map([['pair', []]]))).toBe('PAIR:__empty__');
  });

  it('a terms variable is listed by key ascending over the range, and its values read from the buckets', () => {
    const request = variableSearch(JSON.stringify({ find: 'terms', field: 'PAIR', size: 500 }), TESTTIME, recordedRange);
    expect(request.body).toEqual({ size: 0, query: { bool: { filter: rangeFilter } }, aggs: { '1': { terms: { field: 'PAIR', size: 500, order: { _key: 'asc' } } } } });
    expect(variableValues({ aggregations: { '1': { buckets: [{ key: 'a', doc_count: 2 }, { key: 7, doc_count: 1 }] } } })).toEqual(['a', '7']);
    expect(variableValues({ error: { type: 'x' } })).toEqual([]);
  });
});

describe('the _msearch payload', () => {
  it('is a header line as Grafana writes it (client.go) and a body line per search, each ended by a newline', () => {
    const { request } = grafanaSearch({ refId: 'A', query: '', metrics: [{ id: '1', type: 'raw_document' }], bucketAggs: [] }, TESTTIME, { range: recordedRange, intervalMs: 1000 });
    const lines = msearchPayload([request, request]).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    expect(JSON.parse(lines[0])).toEqual({ search_type: 'query_then_fetch', ignore_unavailable: true, index: 'testdb' });
    expect(JSON.parse(lines[1])).toEqual(request.body);
  });

  it('auto interval: whole seconds, at least one', () => {
    expect(autoIntervalMs({ from: 0, to: 15 * 60_000 })).toBe(1000);
    expect(autoIntervalMs({ from: 0, to: 24 * 3_600_000 })).toBe(87_000);
  });
});
