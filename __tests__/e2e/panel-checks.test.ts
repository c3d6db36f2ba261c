/**
 * The rehearsal's panel checks: every planned Grafana panel and Kibana saved search sent as one
 * `_msearch` per pipeline (variables first), each answer judged, one check per panel and the
 * "panels with data" figure. Sent to a fake on 127.0.0.1 that stands in for OpenSearch because the
 * unit suite runs without Docker or Java; its answers are built from the index's documents, not
 * searched (see fake-opensearch.ts).
 */
import type { PipelineQueries } from '../../e2e/panel-query-plan';
import { msearchAt, panelChecks, pipelinePanelChecks, type Msearch, type Planner } from '../../e2e/panel-checks';
import { panelQueryPlan } from '../../e2e/panel-query-plan';
import { OPEN_ACCESS } from '../../e2e/probes';
import type { SearchRequest } from '../../lib/search-request';
import { closedPortUrl } from '../support/closed-port';
import { FakeOpenSearch } from './fake-opensearch';

const NOW = Date.UTC(2026, 11, 7, 4);
const plan: Planner = (variableValues) => panelQueryPlan({ now: NOW, pipelines: ['payments', 'moodle'], variableValues });
const first = plan();
const payments = first.pipelines.find((p) => p.pipeline === 'payments')!;

describe('pipelinePanelChecks', () => {
  const request: SearchRequest = { index: 'i', header: { index: 'i' }, body: {} };
  const pipeline: PipelineQueries = {
    pipeline: 'shop',
    queries: [
      { tool: 'grafana', dashboard: 'Shop', panel: 'Income', index: 'shop_income', range: { from: 0, to: 1 }, request, shape: { kind: 'buckets', levels: [{ id: '2', type: 'date_histogram' }], metrics: ['1'], counts: false }, unresolvedVariables: [] },
      { tool: 'kibana', dashboard: 'Shop', panel: 'Rows', index: 'shop_income', range: { from: 0, to: 1 }, request, shape: { kind: 'hits' }, unresolvedVariables: ['x'] },
    ],
  };

  it('one check per panel, naming dashboard, panel and index, failing with what the answer held', () => {
    const answers = [{ aggregations: { '2': { buckets: [{ key: 1, doc_count: 2, '1': { value: 9.5 } }] } } }, { hits: { total: { value: 0, relation: 'eq' }, hits: [] } }];
    expect(pipelinePanelChecks(pipeline, { answers })).toEqual({
      results: [
        { pipeline: 'shop', check: 'Grafana panel "Shop" / "Income" (index shop_income) has data', verdict: 'pass', detail: 'date_histogram 2: 1 innermost bucket, 1 with documents, 1 with a value of 1' },
        { pipeline: 'shop', check: 'Kibana saved search "Shop" / "Rows" (index shop_income) has data', verdict: 'fail', detail: '0 hits returned (total 0) (variables x unresolved)' },
      ],
      figure: { withData: 1, total: 2 },
    });
  });

  it("an engine error of one search fails that panel with the engine's reason", () => {
    const error = { error: { root_cause: [{ type: 'query_shard_exception', reason: 'failed to parse date field [now] with format [epoch_millis]' }] }, status: 400 };
    const checked = pipelinePanelChecks(pipeline, { answers: [error, { hits: { hits: [{ _source: {} }] } }] });
    expect(checked.results.map((r) => [r.verdict, r.detail])).toEqual([
      ['fail', 'error (status 400): query_shard_exception: failed to parse date field [now] with format [epoch_millis]'],
      ['pass', '1 hit returned (total unknown) (variables x unresolved)'],
    ]);
    expect(checked.figure).toEqual({ withData: 1, total: 2 });
  });

  it('a failed _msearch fails every panel of the pipeline with its answer, 0 with data', () => {
    const checked = pipelinePanelChecks(pipeline, { failure: '_msearch: no answer: fetch failed (ECONNREFUSED)' });
    expect(checked.results.map((r) => r.detail)).toEqual(['_msearch: no answer: fetch failed (ECONNREFUSED)', '_msearch: no answer: fetch failed (ECONNREFUSED) (variables x unresolved)']);
    expect(checked.figure).toEqual({ withData: 0, total: 2 });
  });
});

describe('panelChecks with a scripted engine', () => {
  it('sends the variable searches first and plans the panels again with their values', async () => {
    const sent: SearchRequest[][] = [];
    const send: Msearch = async (requests) => {
      sent.push([...requests]);
      // The variables' terms answer: one pair; then every panel an empty answer.
      return sent.length === 1 ? { answers: [{ aggregations: { '1': { buckets: [{ key: 'ALICE->BOB', doc_count: 2 }] } } }] } : { answers: requests.map(() => ({ hits: { hits: [] } })) };
    };
    const round = await panelChecks(plan, send);
    expect(sent[0]).toEqual(first.variables.map((v) => v.request));
    expect(sent.length).toBe(1 + first.pipelines.length);
    expect(JSON.stringify(sent.slice(1))).toContain('ALICE\\\\-\\\\>BOB');
    expect(round.results.filter((r) => r.detail.includes('unresolved'))).toEqual([]);
    expect(round.figures.get('payments')).toEqual({ withData: 0, total: payments.queries.length });
  });

  it('without the variable values, says so and sends the panels unresolved', async () => {
    const round = await panelChecks(plan, async (requests) => (requests.length === first.variables.length ? { failure: '_msearch: HTTP 503' } : { answers: [] }));
    expect(round.results[0]).toEqual({ pipeline: 'platform', check: 'dashboard variables resolved', verdict: 'fail', detail: '_msearch: HTTP 503' });
    expect(round.results.some((r) => r.detail.includes('unresolved'))).toBe(true);
  });
});

describe('panelChecks against a fake OpenSearch', () => {
  const engine = new FakeOpenSearch();
  let url: string;
  const indicesOf = (name: string): string[] => [...new Set(first.pipelines.find((p) => p.pipeline === name)!.queries.map((q) => q.index))];

  beforeAll(async () => {
    url = await engine.start();
  });
  afterAll(() => engine.stop());

  it('every panel of an index with documents has data; the panels of empty indices fail naming them', async () => {
    for (const index of indicesOf('payments')) engine.indices.set(index, { mappings: {}, documents: [{ PAIR: 'ALICE->BOB', AMOUNT: 10 }] });
    const round = await panelChecks(plan, msearchAt(url, OPEN_ACCESS));
    expect(round.figures.get('payments')).toEqual({ withData: payments.queries.length, total: payments.queries.length });
    const moodle = round.figures.get('moodle')!;
    expect(moodle.withData).toBe(0);
    expect(round.results.filter((r) => r.pipeline === 'moodle' && r.verdict === 'fail')).toHaveLength(moodle.total);
    expect(round.results.find((r) => r.pipeline === 'moodle')?.check).toMatch(/^(Grafana panel|Kibana saved search) ".+" \/ ".+" \(index moodle_[a-z_]+\) has data$/);
  });

  it('sends each _msearch as plain NDJSON, the payload Grafana sends, one search pair per line pair', async () => {
    engine.requests.length = 0;
    await panelChecks(plan, msearchAt(url, OPEN_ACCESS));
    const msearches = engine.requests.filter((r) => r.path === '/_msearch');
    expect(msearches.map((r) => r.contentType)).toEqual(msearches.map(() => 'application/x-ndjson'));
    const last = msearches[msearches.length - 1];
    expect(last.body.endsWith('\n')).toBe(true);
    expect(last.body.split('\n')).toHaveLength(2 * first.pipelines[first.pipelines.length - 1].queries.length + 1);
  });

  it('an engine that is not there fails every panel with the network error', async () => {
    const round = await panelChecks(plan, msearchAt(await closedPortUrl(), OPEN_ACCESS));
    expect(round.results.every((r) => r.verdict === 'fail')).toBe(true);
    expect(round.results[round.results.length - 1].detail).toMatch(/^_msearch: no answer: /);
  });
});
