/** Whether a search answer holds what a panel draws: buckets with documents, metric values, hits. */
import { judgeAnswer, type AnswerShape } from '../../lib/search-answer';

const histogramCount: AnswerShape = { kind: 'buckets', levels: [{ id: '2', type: 'date_histogram' }], metrics: [], counts: true };
const histogramSum: AnswerShape = { kind: 'buckets', levels: [{ id: '2', type: 'date_histogram' }], metrics: ['1'], counts: false };
const termsThenHistogram: AnswerShape = {
  kind: 'buckets',
  levels: [
    { id: '3', type: 'terms' },
    { id: '2', type: 'date_histogram' },
  ],
  metrics: ['1'],
  counts: false,
};
const hits: AnswerShape = { kind: 'hits' };

const bucket = (key: number, docCount: number, extra: Record<string, unknown> = {}) => ({ key, key_as_string: String(key), doc_count: docCount, ...extra });

describe('judgeAnswer', () => {
  it('no buckets at all is no data', () => {
    const verdict = judgeAnswer(histogramCount, { hits: { total: { value: 0, relation: 'eq' }, hits: [] }, aggregations: { '2': { buckets: [] } } });
    expect(verdict).toEqual({ hasData: false, seen: 'date_histogram 2: 0 innermost buckets, 0 with documents' });
  });

  it('buckets that all count zero (extended_bounds fills the range with them) are no data', () => {
    const verdict = judgeAnswer(histogramCount, { aggregations: { '2': { buckets: [bucket(1, 0), bucket(2, 0), bucket(3, 0)] } } });
    expect(verdict).toEqual({ hasData: false, seen: 'date_histogram 2: 3 innermost buckets, 0 with documents' });
  });

  it('one bucket with documents is data, for a count', () => {
    const verdict = judgeAnswer(histogramCount, { aggregations: { '2': { buckets: [bucket(1, 0), bucket(2, 4)] } } });
    expect(verdict).toEqual({ hasData: true, seen: 'date_histogram 2: 2 innermost buckets, 1 with documents' });
  });

  it('a metric needs a value: documents whose field is missing give avg null, which draws nothing', () => {
    const nullValue = judgeAnswer(histogramSum, { aggregations: { '2': { buckets: [bucket(1, 3, { '1': { value: null } })] } } });
    expect(nullValue).toEqual({ hasData: false, seen: 'date_histogram 2: 1 innermost bucket, 1 with documents, 0 with a value of 1' });
    const valued = judgeAnswer(histogramSum, { aggregations: { '2': { buckets: [bucket(1, 3, { '1': { value: 0 } })] } } });
    expect(valued.hasData).toBe(true);
  });

  it('nested terms -> date histogram: only the innermost buckets count, under outer buckets with documents', () => {
    const empty = judgeAnswer(termsThenHistogram, {
      aggregations: { '3': { buckets: [{ key: 'JSON', doc_count: 0, '2': { buckets: [bucket(1, 5, { '1': { value: 9 } })] } }] } },
    });
    // An outer bucket without documents is skipped even if the (inconsistent) answer nests data in it.
    expect(empty).toEqual({ hasData: false, seen: 'terms 3 > date_histogram 2: 0 innermost buckets, 0 with documents, 0 with a value of 1' });
    const full = judgeAnswer(termsThenHistogram, {
      aggregations: {
        '3': {
          buckets: [
            { key: 'JSON', doc_count: 2, '2': { buckets: [bucket(1, 0, { '1': { value: null } }), bucket(2, 2, { '1': { value: 7 } })] } },
            { key: 'AVRO', doc_count: 1, '2': { buckets: [bucket(1, 1, { '1': { value: 3 } }), bucket(2, 0, { '1': { value: null } })] } },
          ],
        },
      },
    });
    expect(full).toEqual({ hasData: true, seen: 'terms 3 > date_histogram 2: 4 innermost buckets, 2 with documents, 2 with a value of 1' });
  });

  it('hits: at least one document returned', () => {
    expect(judgeAnswer(hits, { hits: { total: { value: 0, relation: 'eq' }, hits: [] } })).toEqual({ hasData: false, seen: '0 hits returned (total 0)' });
    expect(judgeAnswer(hits, { hits: { total: { value: 10000, relation: 'gte' }, hits: [{ _id: 'a' }] } })).toEqual({ hasData: true, seen: '1 hit returned (total >= 10000)' });
    // Elasticsearch 6 wrote the total as a number.
    expect(judgeAnswer(hits, { hits: { total: 2, hits: [{}, {}] } }).seen).toBe('2 hits returned (total 2)');
  });

  it("an _msearch item's error is no data, with the engine's reason", () => {
    const answer = { error: { root_cause: [{ type: 'index_not_found_exception', reason: 'no such index [x]' }], type: 'index_not_found_exception', reason: 'no such index [x]' }, status: 404 };
    expect(judgeAnswer(hits, answer)).toEqual({ hasData: false, seen: 'error (status 404): index_not_found_exception: no such index [x]' });
  });

  it('an answer without the aggregation the request asked for says so', () => {
    expect(judgeAnswer(histogramCount, { hits: { total: { value: 0, relation: 'eq' }, hits: [] } })).toEqual({ hasData: false, seen: 'no aggregations in the answer (0 documents matched)' });
    expect(judgeAnswer(histogramCount, { aggregations: { '7': { buckets: [bucket(1, 1)] } } })).toEqual({ hasData: false, seen: 'date_histogram 2: no date_histogram aggregation "2" with buckets in the answer' });
    expect(judgeAnswer(histogramCount, 'oops').hasData).toBe(false);
  });

  it('keyed buckets (an object by key) are read like a list', () => {
    expect(judgeAnswer(histogramCount, { aggregations: { '2': { buckets: { a: { doc_count: 0 }, b: { doc_count: 1 } } } } }).hasData).toBe(true);
  });
});
