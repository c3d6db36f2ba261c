/** The rehearsal's list of panel searches: per pipeline, every Grafana panel and Kibana saved search. */
import { variableValues } from '../../dashboards/grafana-search';
import { judgeAnswer } from '../../lib/search-answer';
import { msearchPayload } from '../../lib/search-request';
import { KIBANA_DEFAULT_RANGE_MS, panelQueryPlan } from '../../e2e/panel-query-plan';
import { PIPELINE_NAMES, PIPELINES } from '../../pipelines/catalog';

const NOW = Date.UTC(2026, 11, 7, 3, 0);
const plan = panelQueryPlan({ now: NOW });

describe('panelQueryPlan', () => {
  it('translates everything, and lists each pipeline in catalog order', () => {
    expect(plan.problems).toEqual([]);
    expect(plan.pipelines.map((p) => p.pipeline)).toEqual(PIPELINE_NAMES);
  });

  it.each(PIPELINE_NAMES)('%s: every panel of its dashboard, its home arrival panel, and its Kibana saved searches', (name) => {
    const queries = plan.pipelines.find((p) => p.pipeline === name)!.queries;
    const grafana = queries.filter((q) => q.tool === 'grafana');
    const kibana = queries.filter((q) => q.tool === 'kibana');
    const decl = PIPELINES[name].dashboard;
    // The home dashboard's arrival stat reads the pipeline's arrival sink: one more than its own panels.
    expect(grafana.filter((q) => q.dashboard === decl.title).map((q) => q.panel)).toEqual(decl.panels.map((p) => p.title));
    expect(grafana.filter((q) => q.dashboard !== decl.title)).toHaveLength(1);
    expect(kibana.map((q) => q.panel)).toEqual((PIPELINES[name].kibana?.dashboard.panels ?? []).map((p) => p.title));
    for (const q of kibana) expect(q.range).toEqual({ from: NOW - KIBANA_DEFAULT_RANGE_MS, to: NOW });
    for (const q of queries) expect(q.request.index).toBe(q.index);
  });

  it("resolves a dashboard variable from its terms answer, then sends the panel's query with its values", () => {
    const [variable] = plan.variables;
    expect(variable).toBeDefined();
    const waiting = plan.pipelines.flatMap((p) => p.queries).filter((q) => q.unresolvedVariables.includes(variable.name));
    expect(waiting.length).toBeGreaterThan(0);
    const values = variableValues({ aggregations: { '1': { buckets: [{ key: 'A->B', doc_count: 1 }] } } });
    const again = panelQueryPlan({ now: NOW, variableValues: new Map([[variable.dashboardUid, new Map([[variable.name, values]])]]) });
    const resolved = again.pipelines.flatMap((p) => p.queries).filter((q) => waiting.some((w) => w.dashboard === q.dashboard && w.panel === q.panel));
    expect(resolved.map((q) => q.unresolvedVariables)).toEqual(waiting.map(() => []));
    for (const q of resolved) expect(JSON.stringify(q.request.body)).toContain('(\\"A\\\\-\\\\>B\\")');
  });

  it('gives requests that go into one _msearch payload, and shapes that judge their answers', () => {
    const queries = plan.pipelines.flatMap((p) => p.queries);
    expect(msearchPayload(queries.map((q) => q.request)).split('\n')).toHaveLength(queries.length * 2 + 1);
    for (const q of queries) expect(judgeAnswer(q.shape, { hits: { total: { value: 0, relation: 'eq' }, hits: [] }, aggregations: {} }).hasData).toBe(false);
  });
});
