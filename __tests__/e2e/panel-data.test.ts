/** Judging the plan's answers: variable values and "panels with data" per pipeline. */
import type { VariableSearch } from '../../dashboards/panel-searches';
import { panelsWithData, resolvedVariables } from '../../e2e/panel-data';
import type { PipelineQueries, PlannedQuery } from '../../e2e/panel-query-plan';

const request = { index: 'i', header: { index: 'i' }, body: {} };
const query = (panel: string, shape: PlannedQuery['shape'], unresolvedVariables: string[] = []): PlannedQuery => ({
  tool: 'grafana',
  dashboard: 'D',
  panel,
  index: 'i',
  range: { from: 0, to: 1 },
  request,
  shape,
  unresolvedVariables,
});

describe('panelsWithData', () => {
  const pipeline: PipelineQueries = {
    pipeline: 'payments',
    queries: [
      query('Counts', { kind: 'buckets', levels: [{ id: '2', type: 'date_histogram' }], metrics: [], counts: true }),
      query('Rows', { kind: 'hits' }),
      query('Filtered rows', { kind: 'hits' }, ['pair']),
    ],
  };

  it('counts the panels whose answer holds data, naming each empty one with what its answer held', () => {
    const answers = [
      { aggregations: { '2': { buckets: [{ key: 1, doc_count: 3 }] } } },
      { hits: { total: { value: 0, relation: 'eq' }, hits: [] } },
      { hits: { total: { value: 0, relation: 'eq' }, hits: [] } },
    ];
    expect(panelsWithData(pipeline, answers)).toEqual({
      pipeline: 'payments',
      withData: 1,
      total: 3,
      empty: ['grafana "D" / "Rows" (i): 0 hits returned (total 0)', 'grafana "D" / "Filtered rows" (i): 0 hits returned (total 0) (variables pair unresolved)'],
    });
  });

  it('a missing answer is no data', () => {
    expect(panelsWithData(pipeline, []).withData).toBe(0);
  });
});

describe('resolvedVariables', () => {
  it('reads each variable value list from its answer, by dashboard and name', () => {
    const variables: VariableSearch[] = [
      { dashboardUid: 'a', name: 'x', request },
      { dashboardUid: 'a', name: 'y', request },
      { dashboardUid: 'b', name: 'x', request },
    ];
    const terms = (...keys: string[]) => ({ aggregations: { '1': { buckets: keys.map((key) => ({ key, doc_count: 1 })) } } });
    const resolved = resolvedVariables(variables, [terms('1', '2'), terms(), terms('3')]);
    expect([...resolved].map(([uid, byName]) => [uid, Object.fromEntries(byName)])).toEqual([
      ['a', { x: ['1', '2'], y: [] }],
      ['b', { x: ['3'] }],
    ]);
  });
});
